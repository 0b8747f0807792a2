// TEST DOUBLE: a local stand-in for the Stripe API. It is not Stripe and moves no money.
// It answers the few endpoints Chợ Số calls, with Stripe-shaped JSON, so the real `stripe`
// SDK (pointed at it with host/port/protocol) can be exercised without network access.
// Plain Node ESM (node:http); the worker bundle must never import this file.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';

const signer = new Stripe('sk_test_standin_signer'); // only used to sign webhook payloads
const ZERO_DECIMAL = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));
const now = () => Math.floor(Date.now() / 1000);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const newId = (prefix, n = 24) => `${prefix}_${[...randomBytes(n)].map((b) => ALNUM[b % 62]).join('')}`;
const clone = (o) => structuredClone(o);

class StripeError extends Error {
  constructor(status, message, { type = 'invalid_request_error', code, param } = {}) {
    super(message);
    Object.assign(this, { status, type, code, param });
  }
  toJSON() {
    return {
      error: { type: this.type, message: this.message, ...(this.code && { code: this.code }), ...(this.param && { param: this.param }) },
    };
  }
}
const missing = (kind, id, param) => new StripeError(404, `No such ${kind}: '${id}'`, { code: 'resource_missing', param });

// The SDK form-encodes with bracket notation: a[b][0][c]=v. Rebuild the nesting; objects
// whose keys are exactly 0..n-1 become arrays. Values stay strings, as Stripe receives them.
export function parseForm(text) {
  const root = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const parts = key.replace(/\]/g, '').split('[');
    if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) continue;
    let node = root;
    parts.forEach((p, i) => {
      if (i === parts.length - 1) node[p] = value;
      else {
        if (!node[p] || typeof node[p] !== 'object') node[p] = {};
        node = node[p];
      }
    });
  }
  const arrays = (v) => {
    if (!v || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    for (const k of keys) v[k] = arrays(v[k]);
    return keys.length && keys.every((k, i) => k === String(i)) ? keys.map((k) => v[k]) : v;
  };
  return arrays(root);
}

// Parameters arrive as strings; Stripe rejects non-integers with this message.
function int(value, param, { min = 0 } = {}) {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(String(value))) throw new StripeError(400, `Invalid integer: ${value}`, { param });
  const n = Number(value);
  if (n < min) throw new StripeError(400, `This value must be greater than or equal to ${min}.`, { param });
  return n;
}

// Canonical JSON (sorted keys) so an idempotent retry with the same params in another order still matches.
const canonical = (v) =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );

export function formatAmount(amount, currency) {
  if (currency === 'vnd') return `${new Intl.NumberFormat('vi-VN').format(amount)} ₫`;
  const major = ZERO_DECIMAL.has(currency) ? amount : amount / 100;
  return `${major.toLocaleString('en-US')} ${currency.toUpperCase()}`;
}

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startStripeStandin({
  port = 12111,
  host = '127.0.0.1',
  webhookUrl = 'http://127.0.0.1:8787/api/v1/webhooks/stripe',
  webhookSecret = 'whsec_dev',
  publicUrl,
  log = (msg) => console.log(`[stripe-standin] ${msg}`),
} = {}) {
  // All state is mutated in place so references handed to tests stay live across reset().
  const requests = [];
  const sessions = new Map();
  const lineItems = new Map(); // session id -> [{ name, unit_amount, quantity }], for the hosted page
  const payments = new Map(); // pi_ id -> { id, charge, amount, currency, session, balanceTxn, refunds: [] }
  const refunds = new Map();
  const payouts = new Map();
  const balanceTransactions = []; // only those already settled into a payout (see createPayout)
  const settled = new Set(); // ch_/re_ ids already in a payout
  const events = new Map();
  const deliveries = [];
  const idempotency = new Map(); // `${apiKey} ${key}` -> { endpoint, body, status, json }
  const faults = []; // { count, status, path, bodyIncludes }, see POST /_standin/fail
  let baseUrl;

  function makeEvent(type, object) {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: now(),
      data: { object: clone(object) },
      livemode: false,
      pending_webhooks: webhookUrl ? 1 : 0,
      request: { id: null, idempotency_key: null },
      type,
    };
    events.set(event.id, event);
    return event;
  }

  // Stripe signs each delivery attempt afresh, with the time of that attempt.
  // Async on purpose: under vitest the SDK may resolve to its WebCrypto build, whose
  // signing provider refuses synchronous use.
  async function signEvent(eventOrPayload) {
    const payload = typeof eventOrPayload === 'string' ? eventOrPayload : JSON.stringify(eventOrPayload, null, 2);
    return { payload, header: await signer.webhooks.generateTestHeaderStringAsync({ payload, secret: webhookSecret }) };
  }

  async function redeliver(eventId) {
    const event = events.get(eventId);
    if (!event) throw new Error(`stripe-standin: no event ${eventId}`);
    if (!webhookUrl) return { ok: false, status: 0, error: 'no webhookUrl configured' };
    const { payload, header } = await signEvent(event);
    const record = { eventId, type: event.type, at: new Date().toISOString(), ok: false, status: 0, error: null };
    try {
      const res = await fetch(webhookUrl, {
        method: 'POST',
        body: payload,
        signal: AbortSignal.timeout(10_000),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': header,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks) stripe-standin',
        },
      });
      Object.assign(record, { ok: res.ok, status: res.status });
      if (!res.ok) record.error = (await res.text()).slice(0, 500);
    } catch (err) {
      record.error = String(err?.cause?.message ?? err?.message ?? err);
    }
    deliveries.push(record);
    if (!record.ok)
      log(
        `webhook ${event.type} ${eventId} -> ${webhookUrl} failed (${record.status || record.error}); retry with redeliver('${eventId}')`,
      );
    return record;
  }

  function openSession(id, verb) {
    const s = sessions.get(id);
    if (!s) throw missing('checkout.session', id);
    if (s.status !== 'open')
      throw new StripeError(
        400,
        `Only Checkout Sessions with a status in ["open"] can be ${verb}. This Checkout Session has a status of "${s.status}".`,
      );
    return s;
  }

  // What a customer paying on the hosted page causes: a payment intent + charge, then the event.
  function completeSession(id, { deliver = false } = {}) {
    const s = openSession(id, 'completed');
    const pi = newId('pi');
    payments.set(pi, {
      id: pi,
      charge: newId('ch'),
      balanceTxn: newId('txn'),
      amount: s.amount_total,
      currency: s.currency,
      session: s.id,
      refunds: [],
    });
    Object.assign(s, { status: 'complete', payment_status: 'paid', payment_intent: pi, url: null });
    const event = makeEvent('checkout.session.completed', s);
    return { session: clone(s), event, ...(deliver && { delivery: redeliver(event.id) }) };
  }

  function expireSession(id, { deliver = false } = {}) {
    const s = openSession(id, 'expired');
    Object.assign(s, { status: 'expired', url: null });
    const event = makeEvent('checkout.session.expired', s);
    if (deliver) redeliver(event.id); // fire and forget; the outcome lands in `deliveries`
    return event;
  }

  // Settles the charges and refunds not yet paid out (of all payments, or only of the given
  // payment intents) into one payout, the way Stripe groups balance transactions per payout.
  // Fees are only known here, so charge balance transactions are materialised here too.
  function createPayout({ paymentIntentIds, fee, feePerCharge, arrivalDate } = {}) {
    const perCharge = fee ?? feePerCharge ?? 0;
    const chosen = (paymentIntentIds ?? [...payments.keys()]).map((id) => {
      if (!payments.has(id)) throw new Error(`stripe-standin: no payment intent ${id}`);
      return payments.get(id);
    });
    const txns = [];
    for (const p of chosen) {
      if (!settled.has(p.charge))
        txns.push({ id: p.balanceTxn, type: 'charge', amount: p.amount, fee: perCharge, source: p.charge, currency: p.currency });
      for (const r of p.refunds)
        if (!settled.has(r.id))
          txns.push({ id: r.balance_transaction, type: 'refund', amount: -r.amount, fee: 0, source: r.id, currency: p.currency });
    }
    const currencies = new Set(txns.map((t) => t.currency));
    if (!txns.length || currencies.size !== 1)
      throw new Error('stripe-standin: a payout needs at least one unsettled charge/refund, all in one currency');
    const created = now();
    const amount = txns.reduce((sum, t) => sum + t.amount - t.fee, 0);
    const payout = {
      id: newId('po'),
      object: 'payout',
      amount,
      currency: txns[0].currency,
      status: 'paid',
      arrival_date: arrivalDate ?? created + 2 * 86400,
      automatic: true,
      balance_transaction: newId('txn'),
      created,
      description: 'STRIPE PAYOUT (stand-in)',
      livemode: false,
      metadata: {},
      method: 'standard',
      type: 'bank_account',
    };
    // Stripe lists the payout's own (negative) balance transaction among those of the payout.
    txns.push({ id: payout.balance_transaction, type: 'payout', amount: -amount, fee: 0, source: payout.id, currency: payout.currency });
    for (const t of txns) {
      settled.add(t.source);
      balanceTransactions.push({
        id: t.id,
        object: 'balance_transaction',
        amount: t.amount,
        available_on: payout.arrival_date,
        created,
        currency: t.currency,
        description: null,
        fee: t.fee,
        net: t.amount - t.fee,
        reporting_category: t.type,
        source: t.source,
        status: 'available',
        type: t.type,
        payout: payout.id,
        fee_details: t.fee ? [{ amount: t.fee, currency: t.currency, description: 'Stripe processing fees', type: 'stripe_fee' }] : [],
      });
    }
    payouts.set(payout.id, payout);
    return clone(payout);
  }

  // ---- API routes: [method, pattern, handler(params, body, query)] ----
  const routes = [
    [
      'POST',
      /^\/v1\/checkout\/sessions$/,
      (_p, b) => {
        if (!b.mode) throw new StripeError(400, 'Missing required param: mode.', { param: 'mode' });
        const items = Array.isArray(b.line_items) ? b.line_items : [];
        if (b.mode === 'payment' && !items.length)
          throw new StripeError(400, 'You must specify `line_items` in `payment` mode.', { param: 'line_items' });
        let currency;
        const amount_total = items.reduce((sum, item, i) => {
          const pd = item.price_data;
          if (!pd)
            throw new StripeError(400, 'This stand-in only supports line_items[].price_data (no stored prices).', {
              param: `line_items[${i}][price_data]`,
            });
          if (!pd.product_data?.name && !pd.product)
            throw new StripeError(400, `Missing required param: line_items[${i}][price_data][product_data][name].`, {
              param: `line_items[${i}][price_data][product_data][name]`,
            });
          const c = String(pd.currency ?? '').toLowerCase();
          if (!/^[a-z]{3}$/.test(c))
            throw new StripeError(400, `Missing required param: line_items[${i}][price_data][currency].`, {
              param: `line_items[${i}][price_data][currency]`,
            });
          if (currency && c !== currency)
            throw new StripeError(400, 'All line items must use the same currency.', { param: `line_items[${i}][price_data][currency]` });
          currency = c;
          const unit = int(pd.unit_amount, `line_items[${i}][price_data][unit_amount]`);
          if (unit === undefined)
            throw new StripeError(400, `Missing required param: line_items[${i}][price_data][unit_amount].`, {
              param: `line_items[${i}][price_data][unit_amount]`,
            });
          const qty = int(item.quantity, `line_items[${i}][quantity]`, { min: 1 });
          if (qty === undefined)
            throw new StripeError(400, `Quantity is required. Add \`quantity\` to \`line_items[${i}]\``, {
              param: `line_items[${i}][quantity]`,
            });
          return sum + unit * qty; // amounts are already in the smallest unit; VND has no minor unit
        }, 0);
        const created = now();
        // Real Stripe: 30 min..24 h after creation. A few seconds of slack so a client computing
        // "now + 30 min" one second before we read the clock is not flaky.
        const expires_at = int(b.expires_at, 'expires_at') ?? created + 86400;
        if (expires_at < created + 1800 - 10)
          throw new StripeError(400, 'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', {
            param: 'expires_at',
          });
        if (expires_at > created + 86400 + 10)
          throw new StripeError(400, 'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', {
            param: 'expires_at',
          });
        const id = newId('cs_test', 58);
        const s = {
          id,
          object: 'checkout.session',
          amount_subtotal: amount_total,
          amount_total,
          cancel_url: b.cancel_url ?? null,
          client_reference_id: b.client_reference_id ?? null,
          created,
          currency: currency ?? (b.currency ? String(b.currency).toLowerCase() : null),
          customer_email: b.customer_email ?? null,
          expires_at,
          livemode: false,
          locale: b.locale ?? null,
          metadata: b.metadata ?? {},
          mode: b.mode,
          payment_intent: null,
          payment_method_types: b.payment_method_types ?? ['card'],
          payment_status: 'unpaid',
          status: 'open',
          success_url: b.success_url ?? null,
          ui_mode: b.ui_mode ?? 'hosted',
          url: `${publicUrl ?? baseUrl}/pay/${id}`,
        };
        sessions.set(id, s);
        lineItems.set(
          id,
          items.map((it) => ({
            name: it.price_data.product_data?.name ?? it.price_data.product,
            unit_amount: Number(it.price_data.unit_amount),
            quantity: Number(it.quantity),
          })),
        );
        return s;
      },
    ],
    [
      'GET',
      /^\/v1\/checkout\/sessions\/([^/]+)$/,
      ([id]) =>
        sessions.get(id) ??
        (() => {
          throw missing('checkout.session', id);
        })(),
    ],
    [
      'POST',
      /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/,
      ([id]) => {
        expireSession(id);
        return sessions.get(id);
      },
    ],
    [
      'POST',
      /^\/v1\/refunds$/,
      (_p, b) => {
        let p;
        if (b.payment_intent)
          p =
            payments.get(b.payment_intent) ??
            (() => {
              throw missing('payment_intent', b.payment_intent, 'payment_intent');
            })();
        else if (b.charge)
          p =
            [...payments.values()].find((x) => x.charge === b.charge) ??
            (() => {
              throw missing('charge', b.charge, 'charge');
            })();
        else throw new StripeError(400, 'One of the following params should be provided for this request: payment_intent or charge.');
        if (b.reason && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(b.reason))
          throw new StripeError(400, `Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer`, { param: 'reason' });
        const left = p.amount - p.refunds.reduce((sum, r) => sum + r.amount, 0);
        if (left <= 0) throw new StripeError(400, `Charge ${p.charge} has already been refunded.`, { code: 'charge_already_refunded' });
        const amount = int(b.amount, 'amount', { min: 1 }) ?? left;
        if (amount > left)
          throw new StripeError(
            400,
            `Refund amount (${formatAmount(amount, p.currency)}) is greater than unrefunded amount on charge (${formatAmount(left, p.currency)})`,
            { code: 'amount_too_large', param: 'amount' },
          );
        const r = {
          id: newId('re'),
          object: 'refund',
          amount,
          balance_transaction: newId('txn'),
          charge: p.charge,
          created: now(),
          currency: p.currency,
          livemode: false,
          metadata: b.metadata ?? {},
          payment_intent: p.id,
          reason: b.reason ?? null,
          status: 'succeeded',
        };
        p.refunds.push(r);
        refunds.set(r.id, r);
        return r;
      },
    ],
    [
      'GET',
      /^\/v1\/charges\/([^/]+)$/,
      ([id]) => {
        const p = [...payments.values()].find((intent) => intent.charge === id);
        if (!p) throw missing('charge', id, 'charge');
        const refunded = p.refunds.reduce((sum, r) => sum + r.amount, 0);
        return {
          id,
          object: 'charge',
          amount: p.amount,
          amount_refunded: refunded,
          currency: p.currency,
          payment_intent: p.id,
          paid: true,
          refunded: refunded >= p.amount,
          status: 'succeeded',
          metadata: {},
          livemode: false,
        };
      },
    ],
    [
      'GET',
      /^\/v1\/payouts\/([^/]+)$/,
      ([id]) =>
        payouts.get(id) ??
        (() => {
          throw missing('payout', id, 'payout');
        })(),
    ],
    [
      'GET',
      /^\/v1\/balance_transactions$/,
      (_p, _b, q) => {
        const limit = Math.min(int(q.limit, 'limit', { min: 1 }) ?? 10, 100);
        let data = balanceTransactions.filter((t) => !q.payout || t.payout === q.payout).reverse(); // newest first, like Stripe
        if (q.payout && !payouts.has(q.payout)) throw missing('payout', q.payout, 'payout');
        if (q.starting_after) data = data.slice(data.findIndex((t) => t.id === q.starting_after) + 1);
        return {
          object: 'list',
          data: data.slice(0, limit).map(({ payout, ...t }) => t),
          has_more: data.length > limit,
          url: '/v1/balance_transactions',
        };
      },
    ],
  ];

  async function handleApi(req, res, path, query, raw) {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const body = parseForm(raw);
    const idempotencyKey = headers['idempotency-key'] ?? null;
    requests.push({ method: req.method, path, query, headers, body, idempotencyKey });
    // Faults asked for through POST /_standin/fail: the next matching calls fail as Stripe does
    // when it is overloaded (429, with Stripe-Should-Retry) or has an internal error (5xx).
    const fault = faults.find(
      (f) => f.count > 0 && path.startsWith(f.path) && (!f.bodyIncludes || canonical(body).includes(f.bodyIncludes)),
    );
    if (fault) {
      fault.count -= 1;
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        'request-id': newId('req', 14),
        ...(fault.status === 429 && { 'stripe-should-retry': 'true' }),
      });
      const type = fault.status === 429 ? 'invalid_request_error' : 'api_error';
      const message =
        fault.status === 429 ? 'Too many requests hit the API too quickly.' : 'An unknown error occurred (injected by the stand-in).';
      return res.end(JSON.stringify({ error: { type, message, ...(fault.status === 429 && { code: 'rate_limit' }) } }));
    }
    const send = (status, json, extra = {}) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': newId('req', 14),
        'stripe-version': headers['stripe-version'] ?? Stripe.API_VERSION,
        ...(idempotencyKey && { 'idempotency-key': idempotencyKey }),
        ...extra,
      });
      res.end(JSON.stringify(json, null, 2));
    };
    const auth = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1];
    if (!auth)
      return send(
        401,
        new StripeError(
          401,
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        ),
      );
    if (!/^(sk|rk)_test_\w+$/.test(auth))
      return send(
        401,
        new StripeError(
          401,
          `Invalid API Key provided: ${auth.slice(0, 8)}****${auth.slice(-4)} (the stand-in only accepts sk_test_ keys)`,
          { code: 'api_key_invalid' },
        ),
      );
    // Idempotency (POST only; Stripe ignores keys on GET). Keys are scoped to the API key, and
    // only requests that executed successfully are saved, so a failed validation can be retried.
    const idemSlot = req.method === 'POST' && idempotencyKey ? `${auth} ${idempotencyKey}` : null;
    const endpoint = `${req.method} ${path}`;
    const saved = idemSlot && idempotency.get(idemSlot);
    if (saved) {
      if (saved.endpoint !== endpoint)
        return send(
          400,
          new StripeError(
            400,
            `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${saved.endpoint}' vs '${endpoint}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            { type: 'idempotency_error' },
          ),
        );
      if (saved.body !== canonical(body))
        return send(
          400,
          new StripeError(
            400,
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            { type: 'idempotency_error' },
          ),
        );
      return send(saved.status, saved.json, { 'idempotent-replayed': 'true' });
    }
    for (const [method, pattern, handler] of routes) {
      const m = method === req.method && pattern.exec(path);
      if (!m) continue;
      try {
        const json = clone(handler(m.slice(1).map(decodeURIComponent), body, query));
        if (idemSlot) idempotency.set(idemSlot, { endpoint, body: canonical(body), status: 200, json });
        return send(200, json);
      } catch (err) {
        if (err instanceof StripeError) return send(err.status, err);
        throw err;
      }
    }
    send(
      404,
      new StripeError(
        404,
        `Unrecognized request URL (${req.method}: ${path}). This is the Stripe stand-in (test double); it only implements a few endpoints.`,
      ),
    );
  }

  // ---- Simulated hosted checkout page (what the customer would see) ----
  function page(res, status, title, inner) {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
.warn{background:#fff3cd;border:1px solid #e0b000;padding:.5rem .75rem}.amount{font-size:2rem;font-weight:700}button{font-size:1rem;padding:.6rem 1rem;margin:.25rem 0}</style>
<h1>Trang thanh toán thử — không phải Stripe thật / test double</h1>
<p class="warn">Đây là bản giả lập để phát triển và kiểm thử; không có tiền thật được chuyển.<br>This is a local test stand-in for Stripe Checkout; no real money moves.</p>${inner}</html>`);
  }
  const redirectTo = (url, s) => url?.replaceAll('{CHECKOUT_SESSION_ID}', s.id);

  async function handlePay(req, res, id, action) {
    const s = sessions.get(id);
    if (!s)
      return page(
        res,
        404,
        'Không tìm thấy / Not found',
        `<p>Không tìm thấy phiên thanh toán / No such checkout session: <code>${esc(id)}</code></p>`,
      );
    if (req.method === 'GET' && !action) {
      const items = lineItems
        .get(id)
        .map((i) => `<li>${esc(i.name)} × ${i.quantity} — ${esc(formatAmount(i.unit_amount * i.quantity, s.currency))}</li>`)
        .join('');
      const forms =
        s.status === 'open'
          ? `<form method="post" action="/pay/${esc(id)}/complete"><button>Thanh toán thành công / Pay (success)</button></form>
<form method="post" action="/pay/${esc(id)}/cancel"><button>Huỷ / Cancel</button></form>`
          : `<p>Phiên này đã kết thúc / This session is <b>${esc(s.status)}</b>.</p>`;
      return page(
        res,
        200,
        `Thanh toán thử ${formatAmount(s.amount_total, s.currency)}`,
        `<p class="amount">${esc(formatAmount(s.amount_total, s.currency))}</p><ul>${items}</ul><p><small>${esc(id)}</small></p>${forms}`,
      );
    }
    if (req.method !== 'POST' || !['complete', 'cancel'].includes(action))
      return page(res, 405, 'Method not allowed', '<p>Method not allowed</p>');
    if (action === 'cancel') {
      // Like Stripe, cancelling only sends the customer back; the session stays open until it expires.
      if (!s.cancel_url) return page(res, 200, 'Đã huỷ / Cancelled', '<p>Đã huỷ / Cancelled (no cancel_url).</p>');
      res.writeHead(303, { location: redirectTo(s.cancel_url, s) });
      return res.end();
    }
    if (s.status !== 'open')
      return page(res, 409, 'Không thể thanh toán', `<p>Phiên này đang ở trạng thái / Session is <b>${esc(s.status)}</b>.</p>`);
    const { event } = completeSession(id);
    // Real Stripe delivers webhooks asynchronously; awaiting here makes local dev deterministic
    // (the success page already sees the payment as paid). A failure is logged, not fatal.
    await redeliver(event.id);
    if (!s.success_url) return page(res, 200, 'Đã thanh toán / Paid', '<p>Đã thanh toán / Paid (no success_url).</p>');
    res.writeHead(303, { location: redirectTo(s.success_url, s) });
    res.end();
  }

  // ---- Control endpoints for tests that cannot hold this object (e.g. tests running inside workerd) ----
  async function handleControl(req, res, path, raw) {
    const json = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body, null, 2));
    };
    const input = raw ? JSON.parse(raw) : {};
    let m;
    try {
      if (req.method === 'GET' && path === '/_standin/requests') return json(200, { data: requests });
      if (req.method === 'POST' && path === '/_standin/reset') {
        reset();
        return json(200, { ok: true });
      }
      if (req.method === 'POST' && path === '/_standin/payouts') return json(200, createPayout(input));
      // {count, status: 429 | 500 | 503, path: '/v1/refunds', bodyIncludes?}: fail the next `count` matching calls.
      if (req.method === 'POST' && path === '/_standin/fail') {
        const fault = {
          count: Number(input.count ?? 1),
          status: Number(input.status ?? 500),
          path: String(input.path ?? '/v1/'),
          bodyIncludes: input.bodyIncludes ? String(input.bodyIncludes) : null,
        };
        faults.push(fault);
        return json(200, { ok: true, fault });
      }
      m = /^\/_standin\/sessions\/([^/]+)\/(complete|expire)$/.exec(path);
      if (req.method === 'POST' && m) {
        const event = m[2] === 'complete' ? completeSession(m[1]).event : expireSession(m[1]);
        const delivery = input.deliver ? await redeliver(event.id) : undefined;
        return json(200, { session: sessions.get(m[1]), event, ...(await signEvent(event)), delivery });
      }
      m = /^\/_standin\/events\/([^/]+)\/redeliver$/.exec(path);
      if (req.method === 'POST' && m) return json(200, await redeliver(m[1]));
    } catch (err) {
      return json(400, { error: { message: err.message } });
    }
    json(404, { error: { message: `unknown control endpoint ${req.method} ${path}` } });
  }

  function reset() {
    requests.length = 0;
    balanceTransactions.length = 0;
    deliveries.length = 0;
    faults.length = 0;
    for (const m of [sessions, lineItems, payments, refunds, payouts, events, idempotency, settled]) m.clear();
  }

  const server = createServer(async (req, res) => {
    res.setHeader('x-stripe-standin', '1'); // every response says it comes from the test double
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://standin');
      const path = url.pathname;
      if (path.startsWith('/v1/')) return await handleApi(req, res, path, parseForm(url.search.slice(1)), raw);
      const m = /^\/pay\/([^/]+)(?:\/(complete|cancel))?$/.exec(path);
      if (m) return await handlePay(req, res, decodeURIComponent(m[1]), m[2]);
      if (path.startsWith('/_standin/')) return await handleControl(req, res, path, raw);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(new StripeError(404, `Unrecognized request URL (${req.method}: ${path}). Stripe stand-in (test double).`)));
    } catch (err) {
      log(`internal error: ${err?.stack ?? err}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: `Stripe stand-in internal error: ${err?.message}` } }));
    }
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const actualPort = server.address().port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

  return {
    port: actualPort,
    url: baseUrl,
    webhookSecret,
    requests,
    sessions,
    payments,
    refunds,
    payouts,
    balanceTransactions,
    events,
    deliveries,
    reset,
    completeSession,
    expireSession,
    createPayout,
    redeliver,
    signEvent,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// `npx node dev/stripe-standin/standin.mjs`: run standalone for `npm run dev`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = await startStripeStandin({
    port: Number(process.env.STRIPE_STANDIN_PORT ?? 12111),
    ...(process.env.STRIPE_STANDIN_WEBHOOK_URL && { webhookUrl: process.env.STRIPE_STANDIN_WEBHOOK_URL }),
    ...(process.env.STRIPE_WEBHOOK_SECRET && { webhookSecret: process.env.STRIPE_WEBHOOK_SECRET }),
    ...(process.env.STRIPE_STANDIN_PUBLIC_URL && { publicUrl: process.env.STRIPE_STANDIN_PUBLIC_URL }),
  });
  console.log(
    `[stripe-standin] TEST DOUBLE for Stripe listening on ${s.url} (webhooks -> ${process.env.STRIPE_STANDIN_WEBHOOK_URL ?? 'http://127.0.0.1:8787/api/v1/webhooks/stripe'})`,
  );
}
