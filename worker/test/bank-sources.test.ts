import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeJson, JSON_ENCODINGS, sortedDeep } from '../src/bank-sources/sorted-json';
import { hmac } from '../src/bank-sources/source';
import { newBillCode } from '../src/domain/codes';
import { createConnection, fill, freshId, rowsWrittenBy, SCHOOL_ACCOUNT } from './bank-source-helpers';
import cassoV1 from './fixtures/bank-sources/casso-v1-in.json?raw';
import cassoV2 from './fixtures/bank-sources/casso-v2-in.json?raw';
import sepayIn from './fixtures/bank-sources/sepay-in.json?raw';
import sepayOut from './fixtures/bank-sources/sepay-out.json?raw';
import vietqrSync from './fixtures/bank-sources/vietqr-vn-sync.json?raw';
import vietqrCamel from './fixtures/bank-sources/vietqr-vn-sync-camel.json?raw';
import { api, login, seedDemo } from './helpers';
import { createPayment, getPayment, insertOpenBill, type PaymentJson } from './payment-helpers';

const SEPAY_KEY = 'sepay-api-key-0001';
const SEPAY_HMAC = 'sepay-hmac-secret-0002';
const CASSO_CHECKSUM = 'casso-checksum-key-0003';
const CASSO_TOKEN = 'casso-secure-token-0004';
const SIGNED_JSON = 'signed-json-secret-0006';
const VIETQR = { username: 'vietqr-dinh-bang', password: 'vietqr-password-0005' };

let token: string;
const connections: Record<string, { id: string; path: string }> = {};

async function paymentFor(amount = 350000): Promise<PaymentJson> {
  return createPayment({ billCode: await insertOpenBill(newBillCode(), 'org_school_dinh_bang', amount) });
}

const post = (path: string, body: string, headers: Record<string, string>) =>
  api(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

async function sepayHmacHeaders(body: string, secret = SEPAY_HMAC, offsetSeconds = 0) {
  const timestamp = String(Math.floor(Date.now() / 1000) + offsetSeconds);
  return { 'X-SePay-Timestamp': timestamp, 'X-SePay-Signature': `sha256=${await hmac('SHA-256', secret, `${timestamp}.${body}`)}` };
}

async function cassoHeaders(body: string, encoding = JSON_ENCODINGS[0]!, key = CASSO_CHECKSUM) {
  const t = String(Date.now());
  const signed = `${t}.${encodeJson(sortedDeep(JSON.parse(body)), encoding)}`;
  return { 'X-Casso-Signature': `t=${t},v1=${await hmac('SHA-512', key, signed)}` };
}

async function vietqrToken(credentials = VIETQR) {
  const res = await post(`${connections.vietqr!.path}/api/token_generate`, '', {
    Authorization: `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`,
  });
  return res;
}

async function creditsOf(paymentId: string) {
  return (await env.DB.prepare("SELECT count(*) AS n FROM payment_events WHERE payment_id = ?1 AND event = 'confirm'")
    .bind(paymentId)
    .first<{ n: number }>())!.n;
}

beforeAll(async () => {
  await seedDemo();
  token = await login('biller@choso.test');
  const make = async (name: string, body: Record<string, unknown>) => {
    const { connection } = await createConnection(token, { accountNumber: SCHOOL_ACCOUNT, ...body });
    connections[name] = { id: connection.id, path: new URL(connection.webhookUrl).pathname };
  };
  await make('sepayKey', { provider: 'sepay', apiKey: SEPAY_KEY });
  await make('sepayHmac', { provider: 'sepay', hmacSecret: SEPAY_HMAC });
  await make('casso', { provider: 'casso', checksumKey: CASSO_CHECKSUM, secureToken: CASSO_TOKEN });
  await make('vietqr', { provider: 'vietqr_vn', ...VIETQR });
  await make('signedJson', { provider: 'signed_json', secret: SIGNED_JSON });
});

interface Case {
  name: string;
  fixture: string;
  connection: string;
  path?: string;
  sign: (body: string) => Promise<Record<string, string>>;
  wrongKey: (body: string) => Promise<Record<string, string>>;
  ok: unknown;
}

const CASES: Case[] = [
  {
    name: 'SePay with an API key',
    fixture: sepayIn,
    connection: 'sepayKey',
    sign: async () => ({ Authorization: `Apikey ${SEPAY_KEY}` }),
    wrongKey: async () => ({ Authorization: 'Apikey not-the-key-at-all' }),
    ok: { success: true },
  },
  {
    name: 'SePay with HMAC-SHA256',
    fixture: sepayIn,
    connection: 'sepayHmac',
    sign: (body) => sepayHmacHeaders(body),
    wrongKey: (body) => sepayHmacHeaders(body, 'another-hmac-secret'),
    ok: { success: true },
  },
  ...JSON_ENCODINGS.map((encoding) => ({
    name: `Casso v2 signed over ${encoding.name} JSON, Vietnamese description`,
    fixture: cassoV2,
    connection: 'casso',
    sign: (body: string) => cassoHeaders(body, encoding),
    wrongKey: (body: string) => cassoHeaders(body, encoding, 'wrong-checksum-key'),
    ok: { success: true },
  })),
  {
    name: 'Casso v1 (secure-token, data an array)',
    fixture: cassoV1,
    connection: 'casso',
    sign: async () => ({ 'secure-token': CASSO_TOKEN }),
    wrongKey: async () => ({ 'secure-token': 'wrong-secure-token' }),
    ok: { success: true },
  },
  ...[
    ['lower-case', vietqrSync],
    ['camelCase', vietqrCamel],
  ].map(([spelling, fixture]) => ({
    name: `VietQR.vn Transaction Sync, ${spelling} fields, after a token`,
    fixture: fixture!,
    connection: 'vietqr',
    path: '/bank/api/transaction-sync',
    sign: async () => ({ Authorization: `Bearer ${(await (await vietqrToken()).json<{ access_token: string }>()).access_token}` }),
    wrongKey: async () => ({ Authorization: `Bearer vqr.${Math.floor(Date.now() / 1000) + 300}.${'0'.repeat(64)}` }),
    ok: {
      error: false,
      errorReason: null,
      toastMessage: 'Đã nhận giao dịch',
      object: { reftransactionid: expect.stringMatching(/^TX\d+$/) },
    },
  })),
  {
    name: 'signed JSON with the connection’s own secret',
    fixture: JSON.stringify({
      transactionId: 'FT{{ID}}',
      accountNumber: '{{ACCOUNT}}',
      amount: '{{AMOUNT}}',
      description: 'MBVCB.4530998360.029552.{{REF}}\nchuyen tien',
      bookedAt: '2026-12-01T08:00:00+07:00',
    }),
    connection: 'signedJson',
    sign: (body) => signedJsonHeaders(body, SIGNED_JSON),
    wrongKey: (body) => signedJsonHeaders(body, 'test-bank-secret'),
    ok: { received: true, outcomes: [expect.stringMatching(/^(matched|duplicate)$/)] },
  },
];

async function signedJsonHeaders(body: string, secret: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { 'X-Bank-Timestamp': timestamp, 'X-Bank-Signature': await hmac('SHA-256', secret, `${timestamp}.${body}`) };
}

describe.each(CASES)('$name', (source) => {
  it('confirms the matching payment of the school exactly once; a replay answers success and changes nothing', async () => {
    const payment = await paymentFor();
    const body = fill(source.fixture, { ref: payment.reference, account: SCHOOL_ACCOUNT, amount: payment.amount, id: freshId() });
    const path = `${connections[source.connection]!.path}${source.path ?? ''}`;
    const first = await rowsWrittenBy(async () => post(path, body, await source.sign(body)));
    expect(first.result.status).toBe(200);
    expect(await first.result.json()).toEqual(source.ok);
    expect(first.written.bank_credits).toBe(1);
    expect(first.written.payment_exceptions).toBeUndefined();
    expect((await getPayment(payment.id)).status).toBe('paid');

    const replay = await rowsWrittenBy(async () => post(path, body, await source.sign(body)));
    expect(replay.result.status).toBe(200);
    expect(await replay.result.json()).toEqual(source.ok);
    expect(replay.written).toEqual({});
    expect(await creditsOf(payment.id)).toBe(1);
  });

  it('answers 401 to a wrong key and changes nothing', async () => {
    const payment = await paymentFor();
    const body = fill(source.fixture, { ref: payment.reference, account: SCHOOL_ACCOUNT, amount: payment.amount, id: freshId() });
    const path = `${connections[source.connection]!.path}${source.path ?? ''}`;
    const { result, written } = await rowsWrittenBy(async () => post(path, body, await source.wrongKey(body)));
    expect(result.status).toBe(401);
    expect(written).toEqual({});
    expect((await getPayment(payment.id)).status).toBe('pending');
  });

  it("refuses a transaction on another account than the connection's, and credits nothing", async () => {
    const payment = await paymentFor();
    const body = fill(source.fixture, { ref: payment.reference, account: '19034587216013', amount: payment.amount, id: freshId() });
    const path = `${connections[source.connection]!.path}${source.path ?? ''}`;
    const { result, written } = await rowsWrittenBy(async () => post(path, body, await source.sign(body)));
    const answer = await result.json<Record<string, unknown>>();
    if (source.connection === 'vietqr') {
      expect(result.status).toBe(400);
      expect(answer).toMatchObject({ error: true, errorReason: 'E_ACCOUNT', object: null });
    } else if (source.connection === 'signedJson') {
      expect(result.status).toBe(400);
      expect(answer).toMatchObject({ error: { code: 'account_mismatch' } });
      answer.message = (answer.error as { message: string }).message;
    } else {
      expect(result.status).toBe(200);
      expect(answer).toMatchObject({ success: false });
    }
    expect(String(answer.message ?? answer.toastMessage)).toContain('19034587216013');
    expect(written).toEqual({});
    expect((await getPayment(payment.id)).status).toBe('pending');
  });
});

describe('money out and expiry', () => {
  it('answers SePay money out with success and credits nothing', async () => {
    const payment = await paymentFor();
    const body = fill(sepayOut, { ref: payment.reference, account: SCHOOL_ACCOUNT, amount: payment.amount, id: freshId() });
    const { result, written } = await rowsWrittenBy(async () =>
      post(connections.sepayKey!.path, body, { Authorization: `Apikey ${SEPAY_KEY}` }),
    );
    expect(result.status).toBe(200);
    expect(await result.json()).toEqual({ success: true });
    expect(written).toEqual({});
    expect((await getPayment(payment.id)).status).toBe('pending');
  });

  it('answers Casso money out (a negative amount) with success and credits nothing', async () => {
    const payment = await paymentFor();
    const body = fill(cassoV2, { ref: payment.reference, account: SCHOOL_ACCOUNT, amount: payment.amount, id: freshId() }).replace(
      /"amount":\s*(\d+)/,
      '"amount": -$1',
    );
    expect(body).toContain(`-${payment.amount}`);
    const { result, written } = await rowsWrittenBy(async () => post(connections.casso!.path, body, await cassoHeaders(body)));
    expect(result.status).toBe(200);
    expect(written).toEqual({});
  });

  it('answers VietQR.vn debits (transType D) as received and credits nothing', async () => {
    const payment = await paymentFor();
    const body = fill(vietqrSync, { ref: payment.reference, account: SCHOOL_ACCOUNT, amount: payment.amount, id: freshId() }).replace(
      /"transType":\s*"C"/,
      '"transType": "D"',
    );
    expect(body).toContain('"transType": "D"');
    const bearer = (await (await vietqrToken()).json<{ access_token: string }>()).access_token;
    const { result, written } = await rowsWrittenBy(async () =>
      post(`${connections.vietqr!.path}/bank/api/transaction-sync`, body, { Authorization: `Bearer ${bearer}` }),
    );
    expect(result.status).toBe(200);
    expect(written).toEqual({});
  });

  it('refuses a SePay HMAC signature whose timestamp is 301 s old, and changes nothing', async () => {
    const payment = await paymentFor();
    const body = fill(sepayIn, { ref: payment.reference, account: SCHOOL_ACCOUNT, amount: payment.amount, id: freshId() });
    const { result, written } = await rowsWrittenBy(async () =>
      post(connections.sepayHmac!.path, body, await sepayHmacHeaders(body, SEPAY_HMAC, -301)),
    );
    expect(result.status).toBe(401);
    expect(written).toEqual({});
  });

  it('gives VietQR.vn a 300-second Bearer token for the right Basic credentials, and 401 for wrong ones', async () => {
    const res = await vietqrToken();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      access_token: expect.stringMatching(/^vqr\.\d+\.[0-9a-f]{64}$/),
      token_type: 'Bearer',
      expires_in: 300,
    });
    const wrong = await vietqrToken({ username: VIETQR.username, password: 'not-the-password-at-all' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: true, object: null });
  });

  it('refuses an expired VietQR.vn token with 401, and changes nothing', async () => {
    const payment = await paymentFor();
    const body = fill(vietqrSync, { ref: payment.reference, account: SCHOOL_ACCOUNT, amount: payment.amount, id: freshId() });
    const expiry = String(Math.floor(Date.now() / 1000) - 1);
    const signature = await hmac('SHA-256', VIETQR.password, `${connections.vietqr!.id}.${expiry}`);
    const { result, written } = await rowsWrittenBy(async () =>
      post(`${connections.vietqr!.path}/bank/api/transaction-sync`, body, { Authorization: `Bearer vqr.${expiry}.${signature}` }),
    );
    expect(result.status).toBe(401);
    expect(await result.json()).toMatchObject({ error: true, errorReason: 'E_TOKEN' });
    expect(written).toEqual({});
  });

  it('keeps the platform-wide /api/v1/webhooks/bank working beside the connections', async () => {
    const res = await post('/api/v1/webhooks/bank', '{}', {});
    expect(res.status).toBe(401);
  });
});

describe('payment codes the bank split', () => {
  it.each([
    ['by a space (SePay)', sepayIn, ' ', 'sepayKey', async () => ({ Authorization: `Apikey ${SEPAY_KEY}` })],
    ['by a line break (Casso v1)', cassoV1, '\n', 'casso', async () => ({ 'secure-token': CASSO_TOKEN })],
  ] as const)('still confirms the payment when its code is split %s', async (_name, fixture, separator, connection, sign) => {
    const payment = await paymentFor();
    const split = `${payment.reference.slice(0, 5)}${separator}${payment.reference.slice(5)}`;
    // JSON.stringify escapes the line break as a JSON string would carry it.
    const ref = JSON.stringify(split).slice(1, -1);
    const body = fill(fixture, { ref, account: SCHOOL_ACCOUNT, amount: payment.amount, id: freshId() });
    const res = await post(connections[connection]!.path, body, await sign());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true });
    expect((await getPayment(payment.id)).status).toBe('paid');
  });
});
