import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import QRCode from 'qrcode';
import { findBillByCode, findBillById } from '../db/bills';
import {
  attachStripeSession,
  findIdempotencyKey,
  findPayment,
  findPendingPayment,
  insertPaymentOnce,
  type Payment,
  prepareTransition,
  rememberIdempotencyKey,
} from '../db/payments';
import type { SessionUser } from '../db/users';
import { formatBillCode, newPaymentReference, normalizeBillCode } from '../domain/codes';
import { publicStatus } from '../domain/payment-state';
import { sha256Hex } from '../domain/tokens';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../errors';
import { requireUser } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { type PaymentProvider, stripeProvider, vietQrProvider } from '../payments/providers';
import { renderReceipt } from '../payments/receipt';
import { findRefund, listRefunds, type Refund, releaseRefund, reserveRefund, settleRefund } from '../payments/refunds';
import { billPaymentTtlSeconds, orderPaymentTtlSeconds, platformAccount, stripeSettings } from '../payments/settings';
import { authorizeOrder } from './orders';

const PaymentSchema = z
  .object({
    id: z.string(),
    reference: z.string().openapi({ description: 'Type it into the transfer description when paying by hand', example: 'CS7KQM2X9P' }),
    amount: z.number().int().openapi({ description: 'Whole đồng' }),
    amountRefunded: z.number().int(),
    currency: z.literal('VND'),
    method: z.enum(['vietqr', 'stripe']),
    status: z.enum(['pending', 'paid', 'failed', 'expired', 'refunded']),
    expiresAt: z.string(),
    paidAt: z.string().nullable(),
    billCode: z.string().nullable(),
    orderId: z.string().nullable(),
    payee: z.object({ name: z.string(), bankBin: z.string(), accountNumber: z.string() }),
    vietqr: z.object({ payload: z.string(), svgUrl: z.string() }).nullable(),
    stripe: z.object({ checkoutUrl: z.string(), qrSvgUrl: z.string() }).nullable(),
    receiptUrl: z.string().nullable(),
  })
  .openapi('Payment');

async function paymentToJson(db: D1Database, payment: Payment) {
  const bill = payment.billId ? await findBillById(db, payment.billId) : null;
  const settled = publicStatus(payment.status) === 'paid' || payment.status === 'refunded';
  return {
    id: payment.id,
    reference: payment.reference,
    amount: payment.amount,
    amountRefunded: payment.amountRefunded,
    currency: 'VND' as const,
    method: payment.method,
    status: publicStatus(payment.status),
    expiresAt: payment.expiresAt,
    paidAt: payment.paidAt,
    billCode: bill?.code ?? null,
    orderId: payment.orderId,
    payee: { name: payment.payeeAccountName, bankBin: payment.payeeBankBin, accountNumber: payment.payeeAccountNo },
    vietqr: payment.vietqrPayload ? { payload: payment.vietqrPayload, svgUrl: `/api/v1/payments/${payment.id}/qr.svg` } : null,
    stripe: payment.stripeCheckoutUrl
      ? { checkoutUrl: payment.stripeCheckoutUrl, qrSvgUrl: `/api/v1/payments/${payment.id}/qr.svg` }
      : null,
    receiptUrl: settled ? `/api/v1/payments/${payment.id}/receipt` : null,
  };
}

const CreatePaymentBody = z
  .union([
    z.strictObject({ billCode: z.string().min(1).max(40), method: z.enum(['vietqr', 'stripe']).default('vietqr') }),
    z.strictObject({
      orderId: z.string().min(1).max(64),
      orderToken: z.string().min(1).max(128),
      method: z.enum(['vietqr', 'stripe']).default('vietqr'),
    }),
  ])
  .openapi('PaymentCreate');

const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: 'Required: a fresh random value per payment attempt, reused on retries' }),
});

function providerFor(env: Env, method: 'vietqr' | 'stripe'): PaymentProvider {
  if (method === 'vietqr') return vietQrProvider;
  const settings = stripeSettings(env);
  if (!settings)
    throw new ApiError(409, 'method_unavailable', 'Card payments are not available here; pay by VietQR', [
      { path: 'method', message: 'Stripe is not configured' },
    ]);
  return stripeProvider(settings);
}

/** Stripe accepts a Checkout Session expiry between 30 minutes and 24 hours ahead. */
function stripeTtlSeconds(ttl: number): number {
  return Math.min(24 * 60 * 60 - 60, Math.max(30 * 60 + 60, ttl));
}

const BILL_TYPE_LABELS = { market_fee: 'Phi cho', tuition: 'Hoc phi', hospital: 'Vien phi', admin_fee: 'Le phi' } as const;

const payments = createRouter();

// Refunds need a signed-in user, checked before the body is read.
payments.use('/:id/refunds/*', async (c, next) => {
  requireUser(c);
  await next();
});
payments.use('/:id/refunds', async (c, next) => {
  requireUser(c);
  await next();
});

payments.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Payments'],
    summary: 'Start paying a bill or an order',
    description:
      'Needs an Idempotency-Key header. The same key and body return the same payment; the same key with another body answers 409. ' +
      'While a payment for the bill or order is pending, it is the one returned.',
    request: { headers: IdempotencyHeader, body: jsonBody(CreatePaymentBody) },
    responses: { 201: jsonResponse('The payment', PaymentSchema), ...errorResponses(400, 404, 409) },
  }),
  async (c) => {
    const key = c.req.valid('header')['idempotency-key'];
    if (!key) {
      throw new ApiError(400, 'idempotency_key_required', 'Send an Idempotency-Key header', [
        { path: 'Idempotency-Key', message: 'Required' },
      ]);
    }
    const body = c.req.valid('json');
    const db = c.env.DB;
    const scopeKey = `payments:${key}`;
    const requestHash = await sha256Hex(JSON.stringify(body, Object.keys(body).sort()));
    const now = new Date();
    const nowIso = now.toISOString();

    const replay = async () => {
      const seen = await findIdempotencyKey(db, scopeKey);
      if (!seen) return null;
      if (seen.request_hash !== requestHash) {
        throw new ApiError(409, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key');
      }
      return (await findPayment(db, seen.payment_id))!;
    };
    const answer = async (payment: Payment) => c.json(await paymentToJson(db, payment), 201);

    const earlier = await replay();
    if (earlier) return answer(earlier);

    // What is being paid, for how much, and to whom: all from our own records.
    let target: { billId: string | null; orderId: string | null; payeeOrgId: string | null; amount: number };
    let label: { label: string; purposeWords: string };
    let payee: { bankBin: string; accountNo: string; accountName: string };
    let ttlSeconds: number;
    if ('billCode' in body) {
      const code = normalizeBillCode(body.billCode);
      const bill = code ? await findBillByCode(db, code) : null;
      if (!bill) throw notFound('Bill', 'bill_not_found');
      if (bill.status !== 'open')
        throw new ApiError(409, `bill_${bill.status}`, bill.status === 'paid' ? 'This bill is already paid' : 'This bill was cancelled');
      const account = await db
        .prepare('SELECT bank_bin, bank_account_no, bank_account_name FROM organizations WHERE id = ?1')
        .bind(bill.billerId)
        .first<{ bank_bin: string | null; bank_account_no: string | null; bank_account_name: string | null }>();
      if (!account?.bank_bin || !account.bank_account_no || !account.bank_account_name) {
        throw new ApiError(409, 'payee_account_missing', `${bill.billerName} has no bank account for payments yet`);
      }
      target = { billId: bill.id, orderId: null, payeeOrgId: bill.billerId, amount: bill.amount };
      label = { label: `${BILL_TYPE_LABELS[bill.type]} ${formatBillCode(bill.code)}`, purposeWords: BILL_TYPE_LABELS[bill.type] };
      payee = { bankBin: account.bank_bin, accountNo: account.bank_account_no, accountName: account.bank_account_name };
      ttlSeconds = billPaymentTtlSeconds(c.env);
    } else {
      const order = await authorizeOrder(c, body.orderId, body.orderToken);
      if (order.status !== 'awaiting_payment')
        throw new ApiError(409, `order_${order.status}`, `The order is ${order.status.replace('_', ' ')}`);
      target = { billId: null, orderId: order.id, payeeOrgId: null, amount: order.total };
      label = { label: `Don hang Cho So ${order.id.slice(4, 12).toUpperCase()}`, purposeWords: 'Don hang Cho So' };
      payee = platformAccount(c.env);
      ttlSeconds = orderPaymentTtlSeconds(c.env);
    }

    const lookup = target.billId ? { billId: target.billId } : { orderId: target.orderId! };
    const reuseOpen = async (): Promise<Payment | null> => {
      const open = await findPendingPayment(db, lookup);
      if (!open) return null;
      if (open.expiresAt > nowIso) {
        await rememberIdempotencyKey(db, scopeKey, requestHash, open.id, nowIso);
        return (await replay()) ?? open;
      }
      // Its time ran out but the sweep has not run yet: expire it now and start afresh.
      await db.batch(
        prepareTransition(db, {
          payment: open,
          event: 'expire',
          source: 'system',
          now: nowIso,
          condition: { sql: 'expires_at <= ?1', params: [nowIso] },
        }).statements,
      );
      return null;
    };
    const open = await reuseOpen();
    if (open) return answer(open);

    const provider = providerFor(c.env, body.method);
    const ttl = provider.method === 'stripe' ? stripeTtlSeconds(ttlSeconds) : ttlSeconds;
    const id = `pay_${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const draft: Payment = {
      id,
      reference: newPaymentReference(),
      ...target,
      currency: 'VND',
      method: provider.method,
      status: 'pending',
      payeeBankBin: payee.bankBin,
      payeeAccountNo: payee.accountNo,
      payeeAccountName: payee.accountName,
      vietqrPayload: null,
      stripeSessionId: null,
      stripeCheckoutUrl: null,
      stripePaymentIntent: null,
      amountRefunded: 0,
      expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
      paidAt: null,
      requestHash,
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    const origin = new URL(c.req.url).origin;
    const creation = provider.method === 'vietqr' ? await provider.create(draft, { ...label, successUrl: '', cancelUrl: '' }) : null;

    let winnerId: string;
    try {
      winnerId = await insertPaymentOnce(
        db,
        scopeKey,
        { ...draft, vietqrPayload: creation?.method === 'vietqr' ? creation.payload : null },
        nowIso,
      );
    } catch (error) {
      // Another request opened a payment for this bill or order a moment ago: that one it is.
      if (!String(error).includes('UNIQUE constraint failed')) throw error;
      const concurrent = await reuseOpen();
      if (concurrent) return answer(concurrent);
      throw new ApiError(409, 'conflict', 'The bill or order changed meanwhile; try again');
    }
    if (winnerId !== id) return answer((await replay())!);

    if (provider.method === 'stripe') {
      try {
        const session = await provider.create(draft, {
          ...label,
          successUrl: `${origin}/thanh-toan/${id}`,
          cancelUrl: `${origin}/thanh-toan/${id}`,
        });
        if (session.method === 'stripe')
          await attachStripeSession(db, id, session.sessionId, session.checkoutUrl, new Date().toISOString());
      } catch (error) {
        // No Checkout page exists, so nobody can pay this one: it fails, and the payer may retry.
        const failed = (await findPayment(db, id))!;
        await db.batch(
          prepareTransition(db, {
            payment: failed,
            event: 'fail',
            source: 'api',
            now: new Date().toISOString(),
            data: { reason: 'checkout session not created' },
          }).statements,
        );
        throw error;
      }
    }
    c.header('Location', `/api/v1/payments/${id}`);
    return answer((await findPayment(db, id))!);
  },
);

const PaymentIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

async function loadPayment(db: D1Database, id: string): Promise<Payment> {
  const payment = await findPayment(db, id);
  if (!payment) throw notFound('Payment', 'payment_not_found');
  return payment;
}

payments.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Payments'],
    summary: 'A payment and its status',
    description: 'The payment id is the capability: whoever started the payment has it.',
    request: { params: PaymentIdParam },
    responses: { 200: jsonResponse('The payment', PaymentSchema), ...errorResponses(404) },
  }),
  async (c) => {
    const payment = await loadPayment(c.env.DB, c.req.valid('param').id);
    c.header('Cache-Control', 'no-store');
    return c.json(await paymentToJson(c.env.DB, payment), 200);
  },
);

payments.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/qr.svg',
    tags: ['Payments'],
    summary: 'The QR to scan: VietQR for a bank app, or the Stripe Checkout link',
    request: { params: PaymentIdParam },
    responses: { 200: { description: 'An SVG image', content: { 'image/svg+xml': { schema: z.string() } } }, ...errorResponses(404) },
  }),
  async (c) => {
    const payment = await loadPayment(c.env.DB, c.req.valid('param').id);
    const text = payment.vietqrPayload ?? payment.stripeCheckoutUrl;
    if (!text) throw notFound('QR code', 'qr_not_available');
    const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return c.body(svg, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'public, max-age=86400, immutable' });
  },
);

payments.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/receipt',
    tags: ['Payments'],
    summary: 'A printable receipt (HTML)',
    request: { params: PaymentIdParam },
    responses: { 200: { description: 'The receipt', content: { 'text/html': { schema: z.string() } } }, ...errorResponses(404, 409) },
  }),
  async (c) => {
    const payment = await loadPayment(c.env.DB, c.req.valid('param').id);
    if (!payment.paidAt) throw new ApiError(409, 'not_paid', 'There is a receipt once the payment is paid');
    const html = await renderReceipt(c.env.DB, payment, new URL(c.req.url).origin);
    return c.html(html, 200, { 'Cache-Control': 'no-store' });
  },
);

// ----- Refunds -----

const RefundSchema = z
  .object({
    id: z.string(),
    paymentId: z.string(),
    amount: z.number().int(),
    reason: z.string(),
    method: z.enum(['vietqr', 'stripe']),
    status: z.enum(['awaiting_approval', 'approved', 'sent', 'rejected', 'processing', 'succeeded', 'failed']),
    requestedBy: z.string().nullable(),
    approvedBy: z.string().nullable(),
    sentBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Refund');

const refundToJson = (refund: Refund) => ({
  id: refund.id,
  paymentId: refund.paymentId,
  amount: refund.amount,
  reason: refund.reason,
  method: refund.method,
  status: refund.status,
  requestedBy: refund.requestedBy,
  approvedBy: refund.approvedBy,
  sentBy: refund.sentBy,
  createdAt: refund.createdAt,
});

/** Admins, and staff of the organization the money was paid to. Others see a 404. */
function requireRefundStaff(c: Context<AppEnv>, payment: Payment): SessionUser {
  const user = requireUser(c);
  const payeeStaff = payment.payeeOrgId !== null && user.organization?.id === payment.payeeOrgId && user.role !== 'shopper';
  if (user.role !== 'admin' && !payeeStaff) throw notFound('Payment', 'payment_not_found');
  return user;
}

payments.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/refunds',
    tags: ['Refunds'],
    summary: 'Refund part or all of a payment',
    description:
      "Admins and the payee organization's staff. Never more than was paid. On Stripe the refund is made at once; on VietQR it is a bank transfer that a second person approves, then marks sent.",
    request: {
      params: PaymentIdParam,
      body: jsonBody(
        z.strictObject({ amount: z.number().int().min(1), reason: z.string().trim().min(3).max(300) }).openapi('RefundCreate'),
      ),
    },
    responses: { 201: jsonResponse('The refund', RefundSchema), ...errorResponses(400, 401, 404, 409) },
  }),
  async (c) => {
    const db = c.env.DB;
    const payment = await loadPayment(db, c.req.valid('param').id);
    const user = requireRefundStaff(c, payment);
    const body = c.req.valid('json');
    if (payment.status !== 'paid' && payment.status !== 'partially_refunded') {
      throw new ApiError(409, 'not_refundable', `A ${publicStatus(payment.status)} payment cannot be refunded`);
    }
    const now = new Date().toISOString();
    const provider = providerFor(c.env, payment.method);
    const refund = await reserveRefund(
      db,
      payment,
      { ...body, requestedBy: user.id, status: payment.method === 'stripe' ? 'processing' : 'awaiting_approval' },
      now,
    );
    if (payment.method === 'stripe') {
      try {
        const result = await provider.refund(payment, refund);
        if (result.status === 'succeeded') {
          // Stripe has sent the money: settle it, re-reading the payment if a concurrent
          // refund moved it on meanwhile.
          for (let attempt = 0; attempt < 5; attempt++) {
            const current = (await findPayment(db, payment.id))!;
            if (
              await settleRefund(
                db,
                current,
                refund,
                { status: 'succeeded', by: user.id, stripeRefundId: result.providerRefundId, source: 'api' },
                new Date().toISOString(),
              )
            )
              break;
          }
        }
      } catch (error) {
        await releaseRefund(db, refund, 'failed', new Date().toISOString());
        throw error;
      }
    }
    return c.json(refundToJson((await findRefund(db, payment.id, refund.id))!), 201);
  },
);

payments.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/refunds',
    tags: ['Refunds'],
    summary: "A payment's refunds",
    request: { params: PaymentIdParam },
    responses: { 200: jsonResponse('Refunds', z.object({ items: z.array(RefundSchema) })), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const payment = await loadPayment(c.env.DB, c.req.valid('param').id);
    requireRefundStaff(c, payment);
    return c.json({ items: (await listRefunds(c.env.DB, payment.id)).map(refundToJson) }, 200);
  },
);

const RefundParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
  refundId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'refundId', in: 'path' } }),
});

payments.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/refunds/{refundId}/{action}',
    tags: ['Refunds'],
    summary: 'Approve, reject or mark sent a VietQR refund transfer',
    description: 'approve and reject need a second person (not the one who asked); sent records that the bank transfer was made.',
    request: {
      params: RefundParams.extend({ action: z.enum(['approve', 'reject', 'sent']).openapi({ param: { name: 'action', in: 'path' } }) }),
    },
    responses: { 200: jsonResponse('The refund', RefundSchema), ...errorResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    const db = c.env.DB;
    const { id, refundId, action } = c.req.valid('param');
    const payment = await loadPayment(db, id);
    const user = requireRefundStaff(c, payment);
    const refund = await findRefund(db, payment.id, refundId);
    if (!refund) throw notFound('Refund', 'refund_not_found');
    const now = new Date().toISOString();
    const wrongState = () => new ApiError(409, 'refund_wrong_state', `The refund is ${refund.status.replace('_', ' ')}`);
    if (action === 'approve' || action === 'reject') {
      if (refund.status !== 'awaiting_approval') throw wrongState();
      if (refund.requestedBy === user.id)
        throw new ApiError(403, 'second_person_required', 'Another person must approve a refund you asked for');
      if (action === 'reject') await releaseRefund(db, refund, 'rejected', now, user.id);
      else {
        const result = await db
          .prepare(
            "UPDATE refunds SET status = 'approved', approved_by = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'awaiting_approval'",
          )
          .bind(refund.id, user.id, now)
          .run();
        if (result.meta.changes !== 1) throw wrongState();
      }
    } else {
      if (refund.status !== 'approved') throw wrongState();
      let settled = false;
      for (let attempt = 0; attempt < 5 && !settled; attempt++) {
        settled = await settleRefund(
          db,
          (await findPayment(db, payment.id))!,
          refund,
          { status: 'sent', by: user.id, source: 'staff' },
          now,
        );
        if (!settled && (await findRefund(db, payment.id, refund.id))?.status !== 'approved') throw wrongState();
      }
      if (!settled) throw new ApiError(409, 'conflict', 'The payment changed meanwhile; reload and try again');
    }
    return c.json(refundToJson((await findRefund(db, payment.id, refund.id))!), 200);
  },
);

export default payments;
