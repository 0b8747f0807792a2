import Stripe from 'stripe';
import type { Payment } from '../db/payments';
import { foldVietnamese } from '../domain/search-text';
import { encodeVietQr } from '../domain/vietqr';
import { ApiError } from '../errors';
import { type StripeSettings, stripeSettings } from './settings';

/**
 * The two rails behind one interface (after Medusa's IPaymentProvider): VietQR needs no
 * account anywhere and is always on; Stripe is on when keys are configured. Provider data
 * stays in the provider; the payment row keeps only what we need to find it again.
 */
export interface PaymentProvider {
  readonly method: 'vietqr' | 'stripe';
  /** What the payer needs to pay: a VietQR payload, or a Stripe Checkout URL. */
  create(payment: Payment, context: CreateContext): Promise<ProviderCreation>;
  /** Starts a refund. VietQR refunds are bank transfers a person makes, so it only records. */
  refund(payment: Payment, refund: { id: string; amount: number; reason: string }): Promise<ProviderRefund>;
  /**
   * Stops the payer from paying this payment on its rail, before it is superseded by one on
   * the other rail: `already_paid` when it is too late (the money is on its way).
   */
  cancel(payment: Payment): Promise<'cancelled' | 'already_paid'>;
}

export interface CreateContext {
  /** What is paid, for the Checkout page, e.g. "Hoc phi HP8A2-6DBA5". */
  label: string;
  /** A few plain words after the reference in the transfer description, e.g. "Hoc phi". */
  purposeWords: string;
  successUrl: string;
  cancelUrl: string;
}

export type ProviderCreation = { method: 'vietqr'; payload: string } | { method: 'stripe'; sessionId: string; checkoutUrl: string };

export type ProviderRefund = { status: 'awaiting_approval' } | { status: 'succeeded'; providerRefundId: string };

const VIETQR_PURPOSE_MAX = 25;

/** The transfer purpose: the reference first (it must survive banks cutting it short), then plain words. */
export function vietQrPurpose(reference: string, label: string): string {
  const words = foldVietnamese(label)
    .toUpperCase()
    .replace(/[^A-Z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${reference} ${words}`.slice(0, VIETQR_PURPOSE_MAX).trim();
}

const vietQrProvider: PaymentProvider = {
  method: 'vietqr',
  async create(payment, context) {
    const payload = encodeVietQr({
      bankBin: payment.payeeBankBin,
      accountNumber: payment.payeeAccountNo,
      amount: payment.amount,
      billNumber: payment.reference,
      purpose: vietQrPurpose(payment.reference, context.purposeWords),
    });
    return { method: 'vietqr', payload };
  },
  async refund() {
    // Money goes back by a bank transfer that a second person approves, then marks sent.
    return { status: 'awaiting_approval' };
  },
  async cancel() {
    // A QR cannot be taken back from the payer's phone: money that still comes is an exception.
    return 'cancelled';
  },
};

export function stripeClient(settings: StripeSettings): Stripe {
  return new Stripe(settings.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    ...(settings.api ?? {}),
  });
}

function providerUnavailable(error: unknown): ApiError {
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(
    502,
    'payment_provider_error',
    'Dịch vụ thanh toán thẻ không trả lời; hãy thử lại, hoặc chuyển khoản bằng mã VietQR',
    [{ path: 'stripe', message }],
  );
}

function stripeProvider(settings: StripeSettings): PaymentProvider {
  const stripe = stripeClient(settings);
  return {
    method: 'stripe',
    async create(payment, context) {
      try {
        const session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            currency: 'vnd',
            // VND is a zero-decimal currency for Stripe: the amount is whole đồng, as ours.
            line_items: [
              { quantity: 1, price_data: { currency: 'vnd', unit_amount: payment.amount, product_data: { name: context.label } } },
            ],
            metadata: { paymentId: payment.id, reference: payment.reference },
            payment_intent_data: { metadata: { paymentId: payment.id, reference: payment.reference } },
            client_reference_id: payment.id,
            expires_at: Math.floor(Date.parse(payment.expiresAt) / 1000),
            success_url: context.successUrl,
            cancel_url: context.cancelUrl,
          },
          // One session per payment, however often the request is retried.
          { idempotencyKey: `checkout-session:${payment.id}` },
        );
        if (!session.url) throw new Error('Stripe returned a session without a URL');
        return { method: 'stripe', sessionId: session.id, checkoutUrl: session.url };
      } catch (error) {
        throw providerUnavailable(error);
      }
    },
    async cancel(payment) {
      if (!payment.stripeSessionId) return 'cancelled';
      try {
        await stripe.checkout.sessions.expire(payment.stripeSessionId);
        return 'cancelled';
      } catch (error) {
        // Stripe expires only open sessions: a complete one has been paid, an expired one is over.
        const message = error instanceof Error ? error.message : String(error);
        if (/status of "complete"/.test(message)) return 'already_paid';
        if (/status of "expired"/.test(message)) return 'cancelled';
        throw providerUnavailable(error);
      }
    },
    async refund(payment, refund) {
      if (!payment.stripePaymentIntent) {
        throw new ApiError(
          409,
          'refund_not_possible',
          'Stripe chưa báo khoản thanh toán thẻ này đã được trừ tiền; hãy thử hoàn tiền lại sau',
        );
      }
      try {
        const created = await stripe.refunds.create(
          { payment_intent: payment.stripePaymentIntent, amount: refund.amount, metadata: { paymentId: payment.id, refundId: refund.id } },
          { idempotencyKey: `refund:${refund.id}` },
        );
        return { status: 'succeeded', providerRefundId: created.id };
      } catch (error) {
        throw providerUnavailable(error);
      }
    },
  };
}

/** Stripe's own webhook check, with WebCrypto, against every configured signing secret. */
export async function verifyStripeEvent(settings: StripeSettings, payload: string, signature: string): Promise<Stripe.Event | null> {
  const stripe = stripeClient(settings);
  const crypto = Stripe.createSubtleCryptoProvider();
  for (const secret of settings.webhookSecrets) {
    try {
      return await stripe.webhooks.constructEventAsync(payload, signature, secret, undefined, crypto);
    } catch {
      // try the next secret (rotation)
    }
  }
  return null;
}

/** The rail for a method: VietQR always, Stripe when it is configured. */
export function providerFor(env: Env, method: 'vietqr' | 'stripe'): PaymentProvider {
  if (method === 'vietqr') return vietQrProvider;
  const settings = stripeSettings(env);
  if (!settings)
    throw new ApiError(409, 'method_unavailable', 'Ở đây chưa nhận thanh toán bằng thẻ; hãy chuyển khoản bằng mã VietQR', [
      { path: 'method', message: 'Chưa cấu hình Stripe' },
    ]);
  return stripeProvider(settings);
}
