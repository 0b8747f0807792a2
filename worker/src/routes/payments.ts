import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import QRCode from 'qrcode';
import { findBillById } from '../db/bills';
import { findPayment, type Payment } from '../db/payments';
import { findRefund, listPaymentRefunds, type Refund } from '../db/refunds';
import type { SessionUser } from '../db/users';
import { publicStatus } from '../domain/payment-state';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { requireUser } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { countBillCodeUse } from '../payments/bill-code-limit';
import { paymentSubject, renderQrCard } from '../payments/payment-page';
import { providerFor } from '../payments/providers';
import { receiptCheckPath, renderReceipt } from '../payments/receipt';
import { actOnRefund, refundPayment } from '../payments/refunds';
import { publicUrl } from '../payments/settings';
import { startPayment } from '../payments/start';
import { amountField } from '../schemas/amount';
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
    subject: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('bill'), billerName: z.string(), description: z.string(), billCode: z.string() }),
        z.object({
          kind: z.literal('order'),
          items: z.array(
            z.object({
              name: z.string(),
              quantity: z.number().int(),
              unit: z.string(),
              sellerName: z.string(),
              lineTotal: z.number().int(),
            }),
          ),
        }),
      ])
      .nullable()
      .openapi({ description: 'What is being paid: the bill, or the order’s items with their sellers' }),
    qrCardUrl: z.string().nullable().openapi({ description: 'The QR with amount, account and content under it, to save (VietQR only)' }),
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
    subject: await paymentSubject(db, payment),
    qrCardUrl: payment.vietqrPayload ? `/api/v1/payments/${payment.id}/qr-card.svg` : null,
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
      throw new ApiError(
        400,
        'idempotency_key_required',
        'Hãy gửi kèm header Idempotency-Key (một giá trị ngẫu nhiên cho mỗi lần thanh toán)',
        [{ path: 'Idempotency-Key', message: 'Bắt buộc' }],
      );
    }
    const body = c.req.valid('json');
    // A bill code answers here as it does in the public lookup: under the same allowance.
    if ('billCode' in body) await countBillCodeUse(c);
    const request =
      'billCode' in body
        ? { billCode: body.billCode, method: body.method }
        : { order: await authorizeOrder(c, body.orderId, body.orderToken), method: body.method };
    const { payment, created } = await startPayment(c.env, {
      idempotencyKey: key,
      body,
      request,
      returnUrl: (id) => publicUrl(c.env, c.req.url, `/thanh-toan/${id}`),
    });
    if (created) c.header('Location', `/api/v1/payments/${payment.id}`);
    return c.json(await paymentToJson(c.env.DB, payment), 201);
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
  if (!payment) throw new ApiError(404, 'payment_not_found', 'Không tìm thấy khoản thanh toán này');
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
    if (!text) throw new ApiError(404, 'qr_not_available', 'Khoản thanh toán này không có mã QR');
    const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return c.body(svg, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'public, max-age=86400, immutable' });
  },
);

payments.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/qr-card.svg',
    tags: ['Payments'],
    summary: 'The VietQR with the amount, account and transfer content printed under it, to save as a picture',
    request: { params: PaymentIdParam },
    responses: { 200: { description: 'An SVG image', content: { 'image/svg+xml': { schema: z.string() } } }, ...errorResponses(404) },
  }),
  async (c) => {
    const payment = await loadPayment(c.env.DB, c.req.valid('param').id);
    const svg = renderQrCard(payment);
    if (!svg) throw new ApiError(404, 'qr_not_available', 'Khoản thanh toán này không có mã VietQR để lưu');
    return c.body(svg, 200, {
      'Content-Type': 'image/svg+xml; charset=utf-8',
      'Content-Disposition': `inline; filename="vietqr-${payment.reference}.svg"`,
      'Cache-Control': 'public, max-age=86400, immutable',
    });
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
    if (!payment.paidAt) throw new ApiError(409, 'not_paid', 'Biên lai chỉ có sau khi khoản thanh toán đã được trả');
    const html = await renderReceipt(c.env.DB, payment, {
      checkUrl: publicUrl(c.env, c.req.url, receiptCheckPath(payment.id)),
      full: isPayeeStaff(c.get('user'), payment),
    });
    return c.html(html, 200, { 'Cache-Control': 'private, no-store' });
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
  paymentId: refund.paymentId!,
  amount: refund.amount,
  reason: refund.reason,
  method: refund.method,
  status: refund.status,
  requestedBy: refund.requestedBy,
  approvedBy: refund.approvedBy,
  sentBy: refund.sentBy,
  createdAt: refund.createdAt,
});

/** Admins, and staff of the organization the money was paid to. */
function isPayeeStaff(user: SessionUser | null, payment: Payment): boolean {
  if (!user) return false;
  return user.role === 'admin' || (payment.payeeOrgId !== null && user.organization?.id === payment.payeeOrgId && user.role !== 'shopper');
}

/** The payee's staff (and admins) only; others see a 404. */
function requireRefundStaff(c: Context<AppEnv>, payment: Payment): SessionUser {
  const user = requireUser(c);
  if (!isPayeeStaff(user, payment)) throw new ApiError(404, 'payment_not_found', 'Không tìm thấy khoản thanh toán này');
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
        z.strictObject({ amount: amountField('Số tiền hoàn'), reason: z.string().trim().min(3).max(300) }).openapi('RefundCreate'),
      ),
    },
    responses: { 201: jsonResponse('The refund', RefundSchema), ...errorResponses(400, 401, 404, 409) },
  }),
  async (c) => {
    const payment = await loadPayment(c.env.DB, c.req.valid('param').id);
    const user = requireRefundStaff(c, payment);
    const refund = await refundPayment(
      c.env.DB,
      providerFor(c.env, payment.method),
      payment,
      c.req.valid('json'),
      user,
      new Date().toISOString(),
    );
    return c.json(refundToJson(refund), 201);
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
    return c.json({ items: (await listPaymentRefunds(c.env.DB, payment.id)).map(refundToJson) }, 200);
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
    const { id, refundId, action } = c.req.valid('param');
    const payment = await loadPayment(c.env.DB, id);
    const user = requireRefundStaff(c, payment);
    const refund = await findRefund(c.env.DB, refundId);
    if (!refund || refund.paymentId !== payment.id) throw new ApiError(404, 'refund_not_found', 'Không tìm thấy lệnh hoàn tiền này');
    return c.json(refundToJson(await actOnRefund(c.env.DB, refund, action, user, new Date().toISOString())), 200);
  },
);

export default payments;
