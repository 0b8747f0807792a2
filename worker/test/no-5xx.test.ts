import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, login, seedDemo } from './helpers';

// Issue 7, item 14: no input gives a 5xx. This walks EVERY operation of our OpenAPI document
// with generated bad input, as anonymous and as each signed-in role, and asserts that the
// answer is below 500 and, for an error, the API's one error shape. The generator reads the
// document's own JSON schemas (zod-fast-check does not support zod 4).

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: { type: string; schema: Schema } | null;
}

let doc: {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
};
let operations: Operation[] = [];
const tokens: Record<string, string | null> = { anonymous: null };
let knownIds: string[] = [];
let billCode = '';
let idsByResource: Record<string, string> = {};
let paymentId = '';

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u0000abc',
  'abc\u0000',
  '\uD800',
  'a\uDFFFb',
  '\u202Eabc',
  '\u0085',
  '\r\n\t',
  'x'.repeat(10_000),
  '😀'.repeat(300),
  'ệ̀̀̀̀̀̀̀̀',
  "'; DROP TABLE products; --",
  '../../../etc/passwd',
  '%00',
  '{"$gt":""}',
  'null',
  '-1',
  '1e999',
  'NaN',
  '0x10',
  '2026-02-30',
  '9999-99-99',
];
const HUGE_NUMBERS = [-1, 0, 1.5, -0.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1e20, 1e308, -1e308, 9_007_199_254_740_991];

const oddString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 300, maxLength: 2000 }) },
);
const oddNumber = fc.oneof(fc.constantFrom(...HUGE_NUMBERS), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 2 }), oddString, oddNumber, fc.constant(null), fc.constant([]), fc.constant({}));
const idLike = () =>
  fc.oneof(fc.constantFrom(...knownIds), oddString, fc.constantFrom('prd_nope', 'pay_nope', 'x'.repeat(65), 'A'.repeat(300)));

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  return resolve(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!);
}

/** Values for `schema`: often plausible, often wrong in type, size or content. */
function valueFor(raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const wrong = anyJson;
  if (depth > 4) return wrong;
  const alternatives = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valueFor(s, depth + 1)), wrong);
  if (schema.enum) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: wrong });
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), wrong);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const typed: Array<fc.Arbitrary<unknown>> = types.map((type) => {
    switch (type) {
      case 'string':
        return schema.format === 'date'
          ? fc.oneof(fc.constantFrom('2026-11-30', '2026-02-30', '1900-01-01', '9999-12-31'), oddString)
          : fc.oneof(idLike(), fc.string({ maxLength: schema.maxLength ?? 50 }));
      case 'integer':
      case 'number':
        return fc.oneof(fc.integer({ min: Math.max(-1e6, schema.minimum ?? 0), max: Math.min(1e9, schema.maximum ?? 1000) }), oddNumber);
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.oneof(
          fc.array(valueFor(schema.items ?? {}, depth + 1), { maxLength: 4 }),
          fc.array(valueFor(schema.items ?? {}, depth + 1), { minLength: 40, maxLength: 60 }),
        );
      case 'object': {
        const properties = Object.entries(schema.properties ?? {});
        const record = Object.fromEntries(properties.map(([key, value]) => [key, valueFor(value, depth + 1)]));
        // Any field may be missing; sometimes an unknown one is added.
        return fc
          .tuple(fc.record(record, { requiredKeys: [] }), fc.option(fc.tuple(oddString, anyJson), { freq: 4 }))
          .map(([value, extra]) => (extra ? { ...value, [extra[0] || 'extra']: extra[1] } : value));
      }
      default:
        return wrong;
    }
  });
  return typed.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.oneof(...typed) }, { weight: 1, arbitrary: wrong }) : wrong;
}

function encodePathPart(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as the bytes a client could send
  }
}

const MALFORMED_BODIES: Array<{ contentType: string | null; body: BodyInit | null }> = [
  { contentType: 'application/json', body: '{' },
  { contentType: 'application/json', body: '"\\u0000"' },
  { contentType: 'application/json', body: '[1,2,3]' },
  { contentType: 'application/json', body: 'null' },
  { contentType: 'application/json', body: '1e999' },
  { contentType: 'application/json', body: '{"__proto__":{"admin":true}}' },
  { contentType: 'application/json', body: '' },
  { contentType: 'application/json; charset=latin1', body: '{"x":"\u00ff"}' },
  { contentType: 'text/plain', body: 'hello' },
  { contentType: 'application/x-www-form-urlencoded', body: 'a=1&b=%ZZ' },
  { contentType: 'multipart/form-data', body: 'no boundary' },
  { contentType: null, body: null },
];

interface Probe {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: BodyInit | null;
  describe: string;
}

function requestArbitrary(op: Operation): fc.Arbitrary<Probe> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const path = fc
    .tuple(...pathParams.map(() => idLike()))
    .map((values) => pathParams.reduce((url, param, i) => url.replace(`{${param.name}}`, encodePathPart(String(values[i]))), op.path));
  const query = fc
    .tuple(...queryParams.map((param) => fc.option(fc.oneof(valueFor(param.schema ?? {}), oddString), { freq: 2 })))
    .map((values) => {
      const search = new URLSearchParams();
      queryParams.forEach((param, i) => {
        const value = values[i];
        if (value !== null && value !== undefined) search.set(param.name, typeof value === 'string' ? value : JSON.stringify(value));
      });
      // Sometimes a parameter twice, or one we do not know.
      return search;
    });
  const headers = fc
    .tuple(
      ...headerParams.map(() =>
        fc.option(
          fc.oneof(
            fc.uuid(),
            fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
          ),
        ),
      ),
    )
    .map((values) => Object.fromEntries(headerParams.flatMap((param, i) => (values[i] ? [[param.name, values[i]!]] : []))));
  const body: fc.Arbitrary<{ contentType: string | null; body: BodyInit | null }> = !op.body
    ? fc.constant({ contentType: null, body: null })
    : op.body.type === 'application/json'
      ? fc.oneof(
          {
            weight: 4,
            arbitrary: valueFor(op.body.schema).map((value) => ({
              contentType: 'application/json',
              body: JSON.stringify(value) ?? 'null',
            })),
          },
          { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_BODIES) },
        )
      : fc.oneof(
          fc.tuple(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom('file', 'other'), oddString).map(([bytes, field, name]) => {
            const form = new FormData();
            form.append(field, new File([bytes], name.replace(/[\r\n"]/g, '') || 'x.bin'));
            form.append('accountNumber', name);
            return { contentType: null, body: form };
          }),
          fc.constantFrom(...MALFORMED_BODIES),
        );
  return fc
    .tuple(path, query, headers, body, fc.integer({ min: 1, max: 250 }), fc.integer({ min: 1, max: 250 }))
    .map(([url, search, extraHeaders, payload, a, b]) => {
      const requestHeaders: Record<string, string> = { 'CF-Connecting-IP': `198.18.${a}.${b}`, ...extraHeaders };
      if (payload.contentType) requestHeaders['Content-Type'] = payload.contentType;
      const query = search.toString();
      return {
        method: op.method.toUpperCase(),
        url: `${url}${query ? `?${query}` : ''}`,
        headers: requestHeaders,
        body: payload.body,
        describe: `${op.method.toUpperCase()} ${url}${query ? `?${query.slice(0, 200)}` : ''} ${payload.contentType ?? ''} ${typeof payload.body === 'string' ? payload.body.slice(0, 200) : ''}`,
      };
    });
}

async function send(probe: Probe, token: string | null): Promise<void> {
  const headers = { ...probe.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await api(probe.url, { method: probe.method, headers, body: probe.body });
  const where = `${probe.describe} as ${token ? 'signed in' : 'anonymous'} → ${res.status}`;
  expect(res.status, where).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('Content-Type'), where).toMatch(/^application\/json/);
    const body = await res.json<{ error: { code: unknown; message: unknown; details: unknown } }>();
    expect(Object.keys(body), where).toEqual(['error']);
    expect(Object.keys(body.error).sort(), where).toEqual(['code', 'details', 'message']);
    expect(typeof body.error.code, where).toBe('string');
    expect(typeof body.error.message, where).toBe('string');
    expect(Array.isArray(body.error.details), where).toBe(true);
    for (const detail of body.error.details as Array<Record<string, unknown>>) {
      expect(typeof detail.path, where).toBe('string');
      expect(typeof detail.message, where).toBe('string');
    }
  } else {
    await res.body?.cancel();
  }
}

/** Values that get a field past its schema, so that one bad field next to them reaches the handler. */
const PLAUSIBLE_BY_NAME: Record<string, () => unknown> = {
  productId: () => knownIds[0],
  billCode: () => billCode,
  paymentId: () => paymentId,
  phone: () => '0912345678',
  traderPhone: () => '0912345678',
  email: () => 'walker@example.vn',
  password: () => 'mật khẩu đủ dài',
  period: () => '2026-12',
  accountNumber: () => '12010009998888',
  code: () => 'Z99',
  dueDate: () => '2026-12-31',
  issuedAt: () => '2025-01-15',
  address: () => 'Số 5 Lý Thái Tổ, Từ Sơn',
  quantity: () => 1,
  amount: () => 350000,
  price: () => 100000,
};

/** A value the schema accepts, or close to it: the starting point that one bad field is put into. */
function plausible(raw: Schema, depth = 0, name = ''): unknown {
  const schema = resolve(raw);
  if (depth > 5) return null;
  if (PLAUSIBLE_BY_NAME[name]) return PLAUSIBLE_BY_NAME[name]!();
  const alternatives = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (alternatives) return plausible(alternatives[0]!, depth + 1);
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return schema.format === 'date' ? '2026-12-01' : 'Giá trị thử 1';
    case 'integer':
    case 'number':
      return Math.min(schema.maximum ?? 1000, Math.max(schema.minimum ?? 1, 1000));
    case 'boolean':
      return true;
    case 'array':
      return [plausible(schema.items ?? {}, depth + 1)];
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, plausible(value, depth + 1, key)]));
    default:
      return null;
  }
}

/** Every path to a leaf of `value`, e.g. ['items', 0, 'quantity']. */
function leaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.length ? value.flatMap((item, i) => leaves(item, [...path, i])) : [path];
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([key, item]) => leaves(item, [...path, key])) : [path];
  }
  return [path];
}

function withLeaf(value: unknown, path: Array<string | number>, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = withLeaf((value as Record<string | number, unknown>)[head!], rest, leaf);
  return copy;
}

/** What one field is replaced with, one at a time. */
const BAD_LEAVES: unknown[] = ['\u0000abc', '\uD800x', 'x'.repeat(10_000), -1, 1e20, 2 ** 53 + 2, null, {}];
const BAD_PATH_PARTS = ['%00abc', 'x'.repeat(300), 'x'.repeat(5000), '%ED%A0%80', '%ZZ', '%E2%80%AE', '-1'];
const BAD_QUERY_VALUES = ['\u0000abc', 'x'.repeat(5000), '-1', '99999999999999999999', 'NaN', '2026-02-30'];

/** A real id for a path parameter, chosen by the resource the path names. */
function idFor(path: string, name: string): string {
  if (name === 'date') return '2026-11-30';
  if (name === 'action') return 'approve';
  if (name === 'code') return billCode;
  const resource = path.split('/')[3];
  return idsByResource[resource ?? ''] ?? knownIds[0]!;
}

function plausibleUrl(op: Operation): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => idFor(op.path, name));
}

/** The probes that change one thing at a time in an otherwise plausible request. */
function oneBadThing(op: Operation): Probe[] {
  const method = op.method.toUpperCase();
  const base = plausibleUrl(op);
  const headers: Record<string, string> = { 'CF-Connecting-IP': '198.19.1.1', 'Idempotency-Key': crypto.randomUUID() };
  const probes: Probe[] = [];
  const jsonBody = op.body?.type === 'application/json' ? plausible(op.body.schema) : undefined;
  const bodyInit = jsonBody === undefined ? null : JSON.stringify(jsonBody);
  const withJson = jsonBody === undefined ? headers : { ...headers, 'Content-Type': 'application/json' };
  for (const param of op.parameters.filter((p) => p.in === 'path')) {
    for (const bad of BAD_PATH_PARTS) {
      const url = op.path.replace(`{${param.name}}`, bad).replace(/\{([^}]+)\}/g, (_, name: string) => idFor(op.path, name));
      probes.push({ method, url, headers: withJson, body: bodyInit, describe: `${method} ${url.slice(0, 120)}` });
    }
  }
  for (const param of op.parameters.filter((p) => p.in === 'query')) {
    for (const bad of BAD_QUERY_VALUES) {
      const url = `${base}?${new URLSearchParams({ [param.name]: bad })}`;
      probes.push({ method, url, headers: withJson, body: bodyInit, describe: `${method} ${url.slice(0, 120)}` });
    }
  }
  if (jsonBody !== undefined) {
    for (const path of leaves(jsonBody)) {
      for (const bad of BAD_LEAVES) {
        const body = JSON.stringify(withLeaf(jsonBody, path, bad));
        probes.push({
          method,
          url: base,
          headers: withJson,
          body,
          describe: `${method} ${base} ${path.join('.')}=${JSON.stringify(bad).slice(0, 40)}`,
        });
      }
    }
  }
  return probes;
}

beforeAll(async () => {
  await seedDemo();
  doc = await (await api('/api/v1/openapi.json')).json();
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      const [type, media] = Object.entries(content)[0] ?? [];
      return { method, path, parameters: op.parameters ?? [], body: type && media ? { type, schema: media.schema } : null };
    }),
  );
  for (const [role, email] of Object.entries({
    seller: 'seller@choso.test',
    biller: 'biller@choso.test',
    market: 'market@choso.test',
    admin: 'admin@choso.test',
  })) {
    tokens[role] = await login(email);
  }
  const rows = await env.DB.batch(
    [
      'SELECT id FROM products LIMIT 3',
      "SELECT id FROM organizations WHERE kind IN ('cooperative', 'enterprise', 'household', 'cooperative_group') LIMIT 3",
      'SELECT id FROM bills LIMIT 2',
      'SELECT code AS id FROM bills LIMIT 2',
      'SELECT id FROM markets LIMIT 2',
      'SELECT id FROM stalls LIMIT 2',
      'SELECT id FROM payments LIMIT 2',
      "SELECT 'refund' AS id",
      "SELECT 'approve' AS id",
      "SELECT '2026-11-30' AS id",
    ].map((sql) => env.DB.prepare(sql)),
  );
  knownIds = rows.flatMap((result) => (result.results as Array<{ id: string }>).map((row) => row.id));
  billCode = (rows[3]!.results[0] as { id: string }).id;
  const first = (index: number, fallback: string) => (rows[index]!.results[0] as { id: string } | undefined)?.id ?? fallback;
  idsByResource = {
    products: first(0, 'prd_nope'),
    sellers: first(1, 'org_nope'),
    bills: first(2, 'bil_nope'),
    markets: first(4, 'mkt_nope'),
    stalls: first(5, 'stl_nope'),
    payments: first(6, 'pay_nope'),
  };
  paymentId = (rows[6]!.results[0] as { id: string } | undefined)?.id ?? 'pay_nope';
});

describe('no input gives a 5xx (issue 7, item 14)', () => {
  it('the document lists every operation the walker walks', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  for (const caller of ['anonymous', 'seller', 'biller', 'market', 'admin']) {
    it(`every operation, as ${caller}`, async () => {
      for (const op of operations) {
        // Signing out would end the caller's session halfway through the walk.
        const token = op.path === '/api/v1/auth/logout' ? null : tokens[caller]!;
        await fc.assert(
          fc.asyncProperty(requestArbitrary(op), (probe) => send(probe, token)),
          { numRuns: caller === 'anonymous' ? 10 : 5, seed: 20261130 },
        );
      }
    }, 60_000);
  }

  it('every operation with one bad path part, query value or body field at a time, as each role that can reach it', async () => {
    for (const op of operations) {
      const probes = oneBadThing(op);
      if (probes.length === 0) continue;
      for (const caller of ['anonymous', 'seller', 'biller', 'market', 'admin']) {
        const token = op.path === '/api/v1/auth/logout' ? null : tokens[caller]!;
        // Only callers the operation lets in get the whole list; the rest stop at the door anyway.
        const door = await api(plausibleUrl(op), {
          method: op.method.toUpperCase(),
          headers: { ...probes[0]!.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          body: op.body?.type === 'application/json' ? JSON.stringify(plausible(op.body.schema)) : null,
        });
        await door.body?.cancel();
        if (door.status === 401 || door.status === 403) continue;
        for (const probe of probes) await send(probe, token);
      }
    }
    // The walk grows with every operation: over a hundred of them, five roles each.
  }, 240_000);

  it('every operation with each malformed body and content type', async () => {
    for (const op of operations) {
      for (const { contentType, body } of MALFORMED_BODIES) {
        const url = op.path.replace(/\{[^}]+\}/g, knownIds[0]!);
        const headers: Record<string, string> = { 'CF-Connecting-IP': '198.19.0.1' };
        if (contentType) headers['Content-Type'] = contentType;
        if (op.method === 'get' || op.method === 'head') continue;
        await send(
          {
            method: op.method.toUpperCase(),
            url,
            headers,
            body,
            describe: `${op.method} ${url} ${contentType} ${String(body).slice(0, 50)}`,
          },
          tokens.admin!,
        );
        await send(
          {
            method: op.method.toUpperCase(),
            url,
            headers,
            body,
            describe: `${op.method} ${url} ${contentType} ${String(body).slice(0, 50)}`,
          },
          tokens.market!,
        );
      }
    }
  }, 60_000);
});

describe('an upstream "not found" is not a 5xx (issue 7, item 14)', () => {
  it('a signed payout.paid for a payout Stripe does not know answers 404 in the error shape', async () => {
    const stripe = new Stripe('sk_test_local', { httpClient: Stripe.createFetchHttpClient() });
    const payload = JSON.stringify({
      id: `evt_${crypto.randomUUID().replace(/-/g, '')}`,
      object: 'event',
      type: 'payout.paid',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      api_version: '2025-01-01',
      data: { object: { id: 'po_stripe_never_made_this', object: 'payout', amount: 1000, status: 'paid' } },
    });
    const signature = await stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: 'whsec_test_current',
      cryptoProvider: Stripe.createSubtleCryptoProvider(),
    });
    const probe = { method: 'POST', url: '/api/v1/webhooks/stripe', body: payload, describe: 'payout.paid for an unknown payout' };
    await send({ ...probe, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature } }, null);
    const again = await api(probe.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
      body: payload,
    });
    expect(again.status).toBe(404);
    expect((await again.json<{ error: { code: string } }>()).error.code).toBe('upstream_not_found');
  });
});
