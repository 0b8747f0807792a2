import { createRoute, z } from '@hono/zod-openapi';
import { verifyBankNotification } from '../domain/hmac';
import { ApiError, validationError } from '../errors';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { applyBankCredit } from '../payments/credits';
import { stripeClient, verifyStripeEvent } from '../payments/providers';
import { bankWebhookSecrets, stripeSettings } from '../payments/settings';
import { applyStripeEvent } from '../payments/stripe-events';
import { checkStripePayout } from '../reconciliation/payouts';
import { amountField } from '../schemas/amount';

const BankNotification = z.strictObject({
  transactionId: z.string().trim().min(1).max(100),
  accountNumber: z
    .string()
    .trim()
    .regex(/^\d{1,19}$/),
  amount: amountField('Số tiền (amount)'),
  description: z.string().max(1000),
  bookedAt: z.iso.datetime({ offset: true }),
});

const webhooks = createRouter();

webhooks.openapi(
  createRoute({
    method: 'post',
    path: '/bank',
    tags: ['Webhooks'],
    summary: 'A credit on one of our bank accounts (signed notification)',
    description:
      'Headers X-Bank-Timestamp (unix seconds) and X-Bank-Signature: lowercase hex HMAC-SHA256 of `<timestamp>.<raw body>` with BANK_WEBHOOK_SECRET. ' +
      'A repeated transactionId changes nothing. A credit that cannot confirm a payment becomes an exception. ' +
      'Body: {transactionId, accountNumber, amount (whole đồng), description, bookedAt (ISO 8601)}.',
    // The body is validated in the handler, after the signature: an unsigned request must
    // answer 401 whatever it contains. It is listed here for the documentation only.
    request: {
      headers: z.object({ 'x-bank-timestamp': z.string().optional(), 'x-bank-signature': z.string().optional() }),
    },
    responses: {
      200: jsonResponse(
        'Received',
        z.object({
          outcome: z.enum(['matched', 'exception', 'duplicate']),
          paymentId: z.string().nullable(),
          exceptionType: z.string().nullable(),
        }),
      ),
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    // Verified over the exact bytes received, before anything is read from them.
    const raw = await c.req.text();
    const ok = await verifyBankNotification(
      bankWebhookSecrets(c.env),
      c.req.header('X-Bank-Timestamp'),
      c.req.header('X-Bank-Signature'),
      raw,
      Math.floor(Date.now() / 1000),
    );
    if (!ok)
      throw new ApiError(
        401,
        'invalid_signature',
        'Chữ ký hoặc thời điểm của thông báo ngân hàng không hợp lệ (X-Bank-Signature, X-Bank-Timestamp)',
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ApiError(400, 'bad_request', 'Nội dung thông báo không phải JSON');
    }
    const result = BankNotification.safeParse(parsed);
    if (!result.success) throw validationError(result.error);
    const notice = result.data;
    const outcome = await applyBankCredit(
      c.env.DB,
      { ...notice, bookedAt: new Date(notice.bookedAt).toISOString(), source: 'notification' },
      new Date().toISOString(),
    );
    return c.json(
      {
        outcome: outcome.outcome,
        paymentId: 'paymentId' in outcome ? outcome.paymentId : null,
        exceptionType: outcome.outcome === 'exception' ? outcome.type : null,
      },
      200,
    );
  },
);

webhooks.openapi(
  createRoute({
    method: 'post',
    path: '/stripe',
    tags: ['Webhooks'],
    summary: 'Stripe events (verified with the Stripe-Signature header)',
    responses: {
      200: jsonResponse('Received', z.object({ received: z.literal(true), outcome: z.string() })),
      ...errorResponses(400),
    },
  }),
  async (c) => {
    const settings = stripeSettings(c.env);
    if (!settings) throw new ApiError(404, 'not_found', 'Chưa cấu hình Stripe');
    const raw = await c.req.text();
    const event = await verifyStripeEvent(settings, raw, c.req.header('Stripe-Signature') ?? '');
    if (!event) throw new ApiError(400, 'invalid_signature', 'Chữ ký Stripe (Stripe-Signature) không hợp lệ');
    if (event.type === 'payout.paid') {
      const payout = event.data.object as { id: string };
      const check = await checkStripePayout(c.env.DB, stripeClient(settings), payout.id, new Date().toISOString());
      return c.json(
        { received: true as const, outcome: check.alreadyChecked ? 'duplicate' : check.exceptions > 0 ? 'exception' : 'applied' },
        200,
      );
    }
    const outcome = await applyStripeEvent(c.env.DB, event, new Date().toISOString());
    return c.json({ received: true as const, outcome }, 200);
  },
);

export default webhooks;
