// The storefront's checkout (web/src/features/cart/checkout.ts) driven against the real worker:
// a retry after a lost answer must reuse the order and the payment's Idempotency-Key.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CheckoutAttempt, type CheckoutDeps, CheckoutError, checkout } from '../../web/src/features/cart/checkout';
import { api, seedDemo } from './helpers';

beforeAll(seedDemo);

/** A browser session: its own storage, and a network that may lose the answer to one request (the server did the work). */
function session(loseAnswerTo?: (path: string) => boolean) {
  let stored: CheckoutAttempt | null = null;
  let lost = false;
  const calls: string[] = [];
  const deps: CheckoutDeps = {
    async fetch(path, init) {
      calls.push(`${init.method} ${path}`);
      const res = await api(path, init);
      if (!lost && loseAnswerTo?.(path)) {
        lost = true;
        throw new TypeError('Failed to fetch');
      }
      return res;
    },
    load: () => stored,
    save: (attempt) => {
      stored = attempt;
    },
    newKey: () => crypto.randomUUID(),
  };
  return { deps, calls };
}

/** The n-th product with stock to spare: each test orders its own. */
async function productWithStock(n: number) {
  return (await env.DB.prepare("SELECT id, stock FROM products WHERE status = 'active' AND stock >= 20 ORDER BY id LIMIT 1 OFFSET ?1")
    .bind(n)
    .first<{ id: string; stock: number }>())!;
}
const stockOf = async (id: string) =>
  (await env.DB.prepare('SELECT stock FROM products WHERE id = ?1').bind(id).first<{ stock: number }>())!.stock;
const ordersCount = async () => (await env.DB.prepare('SELECT count(*) AS n FROM orders').first<{ n: number }>())!.n;
const buyer = { name: 'Nguyễn Văn An', phone: '0912345678', address: 'Số 1, Đình Bảng, Bắc Ninh' };

describe('checkout retries', () => {
  it('reuses the order and the Idempotency-Key when the answer to the payment was lost', async () => {
    const product = await productWithStock(0);
    const { deps, calls } = session((path) => path === '/api/v1/payments');
    const input = { items: [{ productId: product.id, quantity: 2 }], buyer, method: 'vietqr' as const };
    const ordersBefore = await ordersCount();

    await expect(checkout(deps, input)).rejects.toThrow(TypeError);
    const paymentId = await checkout(deps, input);

    expect(await ordersCount()).toBe(ordersBefore + 1);
    expect(await stockOf(product.id)).toBe(product.stock - 2);
    expect(calls).toEqual(['POST /api/v1/orders', 'POST /api/v1/payments', 'POST /api/v1/payments']);
    const payments = await env.DB.prepare(
      'SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.id = (SELECT order_id FROM payments WHERE id = ?1)',
    )
      .bind(paymentId)
      .all();
    expect(payments.results).toEqual([{ id: paymentId }]);
  });

  it('keeps the order when the shopper retries on the other method, and pays it on that method', async () => {
    const product = await productWithStock(1);
    const { deps, calls } = session((path) => path === '/api/v1/payments');
    const input = { items: [{ productId: product.id, quantity: 1 }], buyer };
    await expect(checkout(deps, { ...input, method: 'vietqr' })).rejects.toThrow(TypeError);

    const paymentId = await checkout(deps, { ...input, method: 'stripe' });

    expect(calls.filter((call) => call === 'POST /api/v1/orders')).toHaveLength(1);
    expect(await stockOf(product.id)).toBe(product.stock - 1);
    const payment = await (await api(`/api/v1/payments/${paymentId}`)).json<{ method: string; status: string }>();
    expect(payment).toMatchObject({ method: 'stripe', status: 'pending' });
  });

  it('cancels the old order, giving its stock back, when the cart changed before the retry', async () => {
    const product = await productWithStock(2);
    const { deps } = session((path) => path === '/api/v1/payments');
    await expect(checkout(deps, { items: [{ productId: product.id, quantity: 3 }], buyer, method: 'vietqr' })).rejects.toThrow(TypeError);
    expect(await stockOf(product.id)).toBe(product.stock - 3);
    const old = deps.load()!;

    await checkout(deps, { items: [{ productId: product.id, quantity: 1 }], buyer, method: 'vietqr' });

    expect(await stockOf(product.id)).toBe(product.stock - 1);
    const cancelled = await env.DB.prepare('SELECT status FROM orders WHERE id = ?1').bind(old.orderId).first();
    expect(cancelled).toEqual({ status: 'cancelled' });
  });

  it("says what is wrong, in the server's words, when an order cannot be made", async () => {
    const { deps } = session();
    const error = await checkout(deps, { items: [{ productId: 'prd_missing', quantity: 1 }], buyer, method: 'vietqr' }).catch((e) => e);
    expect(error).toBeInstanceOf(CheckoutError);
    expect(deps.load()).toBeNull();
  });
});
