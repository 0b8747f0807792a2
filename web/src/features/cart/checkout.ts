/**
 * Checking out a cart: create the order, then start its payment. A retry (a double tap, a
 * timeout, a reload of the page) must not make a second order nor reserve the stock twice,
 * so the order made for a cart and buyer is remembered, with one Idempotency-Key for its
 * payment on each method, and reused for as long as the shopper asks for the same thing.
 * When the cart or the buyer changed, the old order is cancelled (its stock given back)
 * before a new one is made.
 */

export interface CheckoutInput {
  items: Array<{ productId: string; quantity: number }>;
  buyer: { name: string; phone: string; address: string };
  method: 'vietqr' | 'stripe';
}

/** What one checkout made so far: kept between attempts (and page loads). */
export interface CheckoutAttempt {
  /** What the order was made for: the items and the buyer, in a stable form. */
  signature: string;
  orderId: string;
  orderToken: string;
  /** One key per payment method asked for: the same request is the same payment. */
  keys: Partial<Record<CheckoutInput['method'], string>>;
}

export interface CheckoutDeps {
  fetch: (path: string, init: RequestInit) => Promise<Response>;
  load(): CheckoutAttempt | null;
  save(attempt: CheckoutAttempt | null): void;
  newKey(): string;
}

interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: Array<{ path: string; message: string }> };
}

export class CheckoutError extends Error {}

/** The error's own words, then what each field needs. */
export function describeError(body: ApiErrorBody): string {
  const details = body.error?.details?.map((d) => d.message).join('; ');
  const message = body.error?.message ?? 'Có lỗi xảy ra, hãy thử lại';
  return details ? `${message}: ${details}` : message;
}

/**
 * @example checkoutSignature({ items: [{ productId: 'p', quantity: 2 }], buyer: { name: 'An', phone: '0912', address: 'Bắc Ninh' }, method: 'vietqr' })
 * // '{"items":[["p",2]],"buyer":["An","0912","Bắc Ninh"]}'
 */
export function checkoutSignature(input: CheckoutInput): string {
  const items = [...input.items].sort((a, b) => a.productId.localeCompare(b.productId)).map((item) => [item.productId, item.quantity]);
  return JSON.stringify({ items, buyer: [input.buyer.name.trim(), input.buyer.phone.trim(), input.buyer.address.trim()] });
}

const json = (body: unknown): RequestInit => ({ headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** Creates the order once, then its payment; returns the payment's id. */
export async function checkout(deps: CheckoutDeps, input: CheckoutInput): Promise<string> {
  const signature = checkoutSignature(input);
  let attempt = deps.load();
  if (attempt && attempt.signature !== signature) {
    // The shopper changed the cart or the address: give the old order's stock back first.
    await deps
      .fetch(`/api/v1/orders/${encodeURIComponent(attempt.orderId)}/cancel`, {
        method: 'POST',
        headers: { 'X-Order-Token': attempt.orderToken },
      })
      .catch(() => undefined);
    attempt = null;
    deps.save(null);
  }
  if (!attempt) {
    const res = await deps.fetch('/api/v1/orders', { method: 'POST', ...json({ items: input.items, buyer: input.buyer }) });
    const body = (await res.json()) as { id: string; accessToken: string } & ApiErrorBody;
    if (!res.ok) throw new CheckoutError(describeError(body));
    attempt = { signature, orderId: body.id, orderToken: body.accessToken, keys: {} };
    deps.save(attempt);
  }
  const key = attempt.keys[input.method] ?? deps.newKey();
  if (attempt.keys[input.method] === undefined) {
    attempt = { ...attempt, keys: { ...attempt.keys, [input.method]: key } };
    deps.save(attempt);
  }
  const payment = await deps.fetch('/api/v1/payments', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ orderId: attempt.orderId, orderToken: attempt.orderToken, method: input.method }),
  });
  const body = (await payment.json()) as { id: string } & ApiErrorBody;
  if (!payment.ok) {
    // The order cannot be paid any more (it expired, or was cancelled): the next try starts afresh.
    if (body.error?.code?.startsWith('order_')) deps.save(null);
    throw new CheckoutError(describeError(body));
  }
  deps.save(null);
  return body.id;
}
