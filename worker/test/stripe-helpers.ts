// Driving the worker's real Stripe SDK against the local stand-in (dev/stripe-standin, a TEST
// DOUBLE started by stripe-standin.global.ts), and signing webhook events with the SDK's own
// test helper, exactly as Stripe would sign them.
import { env } from 'cloudflare:workers';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { api } from './helpers';
import type { PaymentJson } from './payment-helpers';

/** A form body as the stand-in recorded it: nested objects and arrays of strings. */
export interface StandinForm {
  [key: string]: string | undefined | StandinForm | StandinForm[];
  metadata?: { paymentId?: string };
  // biome-ignore lint/suspicious/noExplicitAny: read as Stripe sent it, one known path
  line_items?: any;
}

export const STANDIN = `http://127.0.0.1:${env.STRIPE_API_PORT}`;
/** The SDK talking to the stand-in, as someone other than Chợ Số would (the Stripe dashboard, say). */
export const standinStripe = new Stripe('sk_test_local', {
  httpClient: Stripe.createFetchHttpClient(),
  host: '127.0.0.1',
  port: Number(env.STRIPE_API_PORT),
  protocol: 'http',
});
const stripe = new Stripe('sk_test_local', { httpClient: Stripe.createFetchHttpClient() });
const cryptoProvider = Stripe.createSubtleCryptoProvider();

export interface Session {
  id: string;
  object: 'checkout.session';
  payment_status: string;
  status: string;
  amount_total: number;
  currency: string;
  metadata: Record<string, string>;
  client_reference_id: string;
  payment_intent: string | null;
  expires_at: number;
}

export async function postEvent(event: object, { secret = 'whsec_test_current', signature }: { secret?: string; signature?: string } = {}) {
  const payload = JSON.stringify(event);
  const header = signature ?? (await stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, cryptoProvider }));
  const res = await api('/api/v1/webhooks/stripe', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': header },
    body: payload,
  });
  return res;
}

export async function outcomeOf(res: Response) {
  expect(res.status).toBe(200);
  return (await res.json<{ outcome: string }>()).outcome;
}

export function event(type: string, object: object, id = `evt_${crypto.randomUUID().replace(/-/g, '')}`) {
  return {
    id,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    api_version: '2025-01-01',
    data: { object },
  };
}

export async function standinSession(paymentJson: PaymentJson): Promise<Session> {
  const id = paymentJson.stripe!.checkoutUrl.split('/pay/')[1]!;
  return (await (
    await fetch(`${STANDIN}/v1/checkout/sessions/${id}`, { headers: { Authorization: 'Bearer sk_test_local' } })
  ).json()) as Session;
}

/** What Stripe's hosted page does when the customer pays: the stand-in marks the session paid. */
export async function completeAtStripe(paymentJson: PaymentJson): Promise<{ session: Session; event: ReturnType<typeof event> }> {
  const id = paymentJson.stripe!.checkoutUrl.split('/pay/')[1]!;
  const res = await fetch(`${STANDIN}/_standin/sessions/${id}/complete`, { method: 'POST', body: '{}' });
  return (await res.json()) as { session: Session; event: ReturnType<typeof event> };
}
