import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFulfilmentSeedStatements } from '../src/seed/fulfilment.ts';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import {
  createPayment,
  expectLedgerBalanced,
  getPayment,
  noticeFor,
  type PaymentJson,
  postBankNotice,
  randomAddress,
} from './payment-helpers';
import { completeAtStripe, outcomeOf, postEvent, STANDIN } from './stripe-helpers';

// Two sellers of the demo catalogue: HTX Gốm Phù Lãng (seller@) and Đình Bảng food (seller2@).
const VASE = 'prd_binh_gom_men_da_luon_phu_lang'; // 850.000 ₫, Phù Lãng
const CAKE = 'prd_banh_phu_the_dinh_bang'; // 55.000 ₫, Đình Bảng
const POTTERY = 'org_htx_phu_lang';
const FOOD = 'org_dinh_bang_food';

let potter: string; // seller@choso.test
let baker: string; // seller2@choso.test
let shopper: string;
let admin: string;

interface SubOrderJson {
  id: string;
  sellerId: string;
  subtotal: number;
  status: string;
  statusLabel: string;
  carrier: string | null;
  carrierName: string | null;
  trackingNumber: string | null;
  deliveredAt: string | null;
  cancelReason: string | null;
}
interface OrderJson {
  id: string;
  status: string;
  total: number;
  accessToken: string;
  subOrders: SubOrderJson[];
}

/** A guest buys two vases and three boxes of cake: 1.700.000 ₫ from one seller, 165.000 ₫ from the other. */
async function placeOrder(): Promise<OrderJson> {
  const init = jsonRequest('POST', {
    items: [
      { productId: VASE, quantity: 2 },
      { productId: CAKE, quantity: 3 },
    ],
    buyer: { name: 'Trần Thị Mai', phone: '0912345678', address: 'Số 5, phường Kinh Bắc, Bắc Ninh' },
  });
  (init.headers as Record<string, string>)['CF-Connecting-IP'] = randomAddress();
  const res = await api('/api/v1/orders', init);
  expect(res.status).toBe(201);
  return res.json<OrderJson>();
}

async function startPayment(order: OrderJson, method: 'vietqr' | 'stripe'): Promise<PaymentJson> {
  return createPayment({ orderId: order.id, orderToken: order.accessToken, method });
}

async function paidOrder(method: 'vietqr' | 'stripe' = 'vietqr') {
  const order = await placeOrder();
  const payment = await startPayment(order, method);
  if (method === 'vietqr') expect((await postBankNotice(noticeFor(payment))).status).toBe(200);
  else expect(await outcomeOf(await postEvent((await completeAtStripe(payment)).event))).toBe('applied');
  expect((await getPayment(payment.id)).status).toBe('paid');
  return { order, payment, pottery: subOf(order, POTTERY), food: subOf(order, FOOD) };
}

const subOf = (order: OrderJson, sellerId: string) => order.subOrders.find((s) => s.sellerId === sellerId)!.id;

const move = (subOrderId: string, body: unknown, token: string) =>
  api(`/api/v1/seller/orders/${subOrderId}/status`, jsonRequest('POST', body, token));

async function buyerView(order: OrderJson): Promise<OrderJson> {
  const res = await api(`/api/v1/orders/${order.id}`, { headers: { 'X-Order-Token': order.accessToken } });
  expect(res.status).toBe(200);
  return res.json<OrderJson>();
}

const stockOf = async (productId: string) =>
  (await env.DB.prepare('SELECT stock FROM products WHERE id = ?1').bind(productId).first<{ stock: number }>())!.stock;

const eventsOf = async (subOrderId: string) =>
  (
    await env.DB.prepare('SELECT event, from_status, to_status FROM sub_order_events WHERE sub_order_id = ?1 ORDER BY created_at, rowid')
      .bind(subOrderId)
      .all<{ event: string; from_status: string | null; to_status: string }>()
  ).results.map((e) => `${e.from_status ?? '∅'} --${e.event}--> ${e.to_status}`);

beforeAll(async () => {
  await seedDemo();
  [potter, baker, shopper, admin] = await Promise.all([
    login('seller@choso.test'),
    login('seller2@choso.test'),
    login('shopper@choso.test'),
    login('admin@choso.test'),
  ]);
});

describe('a sub-order from payment to delivery', () => {
  it('is paid with its order, then confirmed, shipped and delivered by its seller; the buyer sees each step', async () => {
    const { order, pottery, food } = await paidOrder();
    expect((await buyerView(order)).subOrders.map((s) => [s.sellerId, s.status, s.statusLabel])).toEqual([
      [POTTERY, 'paid', 'Đã thanh toán, chờ người bán xác nhận'],
      [FOOD, 'paid', 'Đã thanh toán, chờ người bán xác nhận'],
    ]);

    const confirmed = await move(pottery, { status: 'confirmed' }, potter);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ subOrderId: pottery, status: 'confirmed', subtotal: 1700000 });

    const shipped = await move(pottery, { status: 'shipped', carrier: 'ghn', trackingNumber: 'GHN-8812345' }, potter);
    expect(shipped.status).toBe(200);
    expect(await shipped.json()).toMatchObject({ status: 'shipped', carrier: 'ghn', carrierName: 'Giao Hàng Nhanh (GHN)' });

    expect((await move(pottery, { status: 'delivered', note: 'Người mua đã nhận' }, potter)).status).toBe(200);
    const seen = await buyerView(order);
    expect(seen.subOrders.find((s) => s.id === pottery)).toMatchObject({
      status: 'delivered',
      statusLabel: 'Đã giao hàng',
      carrier: 'ghn',
      trackingNumber: 'GHN-8812345',
    });
    expect(seen.subOrders.find((s) => s.id === pottery)!.deliveredAt).toMatch(/^20\d\d-/);
    // The other seller's part has not moved.
    expect(seen.subOrders.find((s) => s.id === food)!.status).toBe('paid');
    expect(await eventsOf(pottery)).toEqual([
      '∅ --place--> awaiting_payment',
      'awaiting_payment --pay--> paid',
      'paid --confirm--> confirmed',
      'confirmed --ship--> shipped',
      'shipped --deliver--> delivered',
    ]);
  });

  it('ships on own delivery ("tự giao") without a tracking number', async () => {
    const { food } = await paidOrder();
    expect((await move(food, { status: 'confirmed' }, baker)).status).toBe(200);
    const res = await move(food, { status: 'shipped', carrier: 'tu_giao' }, baker);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'shipped', carrierName: 'Tự giao', trackingNumber: null });
  });

  it('lists the seller its own sub-orders newest first, filtered by status', async () => {
    const { pottery } = await paidOrder();
    const res = await api('/api/v1/seller/orders?status=paid', bearer(potter));
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: Array<{ subOrderId: string; status: string }> }>();
    expect(items[0]!.subOrderId).toBe(pottery);
    expect(new Set(items.map((i) => i.status))).toEqual(new Set(['paid']));
    await expectError(await api('/api/v1/seller/orders?status=lost', bearer(potter)), 400, 'validation_failed');
  });
});

describe('moves that are refused', () => {
  it('answers 409 for a move the table does not allow, and changes nothing', async () => {
    const { pottery } = await paidOrder();
    const skip = await expectError(await move(pottery, { status: 'delivered' }, potter), 409, 'illegal_status_change');
    expect(skip.error.message).toBe('Đơn hàng đang ở trạng thái "Chờ xác nhận", không chuyển sang "Đã giao" được');
    await expectError(await move(pottery, { status: 'shipped', carrier: 'ghtk', trackingNumber: 'S1234' }, potter), 409);
    expect((await move(pottery, { status: 'confirmed' }, potter)).status).toBe(200);
    await expectError(await move(pottery, { status: 'confirmed' }, potter), 409, 'illegal_status_change');
    expect((await move(pottery, { status: 'shipped', carrier: 'vietnam_post', trackingNumber: 'EE123456789VN' }, potter)).status).toBe(200);
    // Once it has left, the seller can no longer cancel it.
    await expectError(await move(pottery, { status: 'cancelled', note: 'Hết hàng' }, potter), 409, 'illegal_status_change');
    expect(await eventsOf(pottery)).toHaveLength(4);
  });

  it('does not let an unpaid sub-order be confirmed', async () => {
    const order = await placeOrder();
    await expectError(await move(subOf(order, POTTERY), { status: 'confirmed' }, potter), 409, 'illegal_status_change');
  });

  it('answers 400 for shipping without a carrier, or with a courier but no tracking number', async () => {
    const { pottery } = await paidOrder();
    await move(pottery, { status: 'confirmed' }, potter);
    const noCarrier = await expectError(await move(pottery, { status: 'shipped' }, potter), 400, 'validation_failed');
    expect(noCarrier.error.details.map((d) => d.path)).toEqual(['carrier']);
    const noTracking = await expectError(await move(pottery, { status: 'shipped', carrier: 'viettel_post' }, potter), 400);
    expect(noTracking.error.details).toEqual([{ path: 'trackingNumber', message: 'Hãy nhập mã vận đơn của Viettel Post' }]);
    await expectError(await move(pottery, { status: 'shipped', carrier: 'dhl', trackingNumber: 'X1' }, potter), 400);
    await expectError(await move(pottery, { status: 'cancelled' }, potter), 400);
    await expectError(await move(pottery, { status: 'paid' }, potter), 400);
  });

  it("answers 404 for another seller's sub-order, 403 for a shopper and 401 for a guest", async () => {
    const { pottery } = await paidOrder();
    await expectError(await move(pottery, { status: 'confirmed' }, baker), 404, 'sub_order_not_found');
    await expectError(await move('ord_nothing_1', { status: 'confirmed' }, baker), 404, 'sub_order_not_found');
    await expectError(await move(pottery, { status: 'confirmed' }, shopper), 403);
    await expectError(await api(`/api/v1/seller/orders/${pottery}/status`, jsonRequest('POST', { status: 'confirmed' })), 401);
    expect(await eventsOf(pottery)).toHaveLength(2);
  });
});

describe('a seller cancels its sub-order', () => {
  it('paid by card: a partial Stripe refund of exactly that sub-order, its stock back, only its seller’s payable reversed', async () => {
    const { order, payment, pottery } = await paidOrder('stripe');
    const before = await stockOf(VASE);
    expect((await move(pottery, { status: 'confirmed' }, potter)).status).toBe(200);
    const res = await move(pottery, { status: 'cancelled', note: 'Bình bị nứt khi đóng gói' }, potter);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'cancelled', cancelReason: 'Bình bị nứt khi đóng gói' });
    expect(await stockOf(VASE)).toBe(before + 2);

    const { data } = (await (await fetch(`${STANDIN}/_standin/requests`)).json()) as {
      data: Array<{ method: string; path: string; body: { amount?: string; payment_intent?: string } }>;
    };
    const refunds = data.filter((r) => r.method === 'POST' && r.path === '/v1/refunds');
    expect(refunds.at(-1)!.body.amount).toBe('1700000');

    expect(await getPayment(payment.id)).toMatchObject({ status: 'paid', amountRefunded: 1700000 });
    const refundRows = await env.DB.prepare('SELECT amount, status, sub_order_id FROM refunds WHERE payment_id = ?1')
      .bind(payment.id)
      .all();
    expect(refundRows.results).toEqual([{ amount: 1700000, status: 'succeeded', sub_order_id: pottery }]);
    const ledger = await expectLedgerBalanced(payment.id);
    expect(ledger.balances[`payable:${POTTERY}`]).toBe(0);
    expect(ledger.balances[`payable:${FOOD}`]).toBe(165000);
    expect((await buyerView(order)).subOrders.find((s) => s.id === pottery)).toMatchObject({ status: 'cancelled', statusLabel: 'Đã huỷ' });
    expect(await eventsOf(pottery)).toEqual([
      '∅ --place--> awaiting_payment',
      'awaiting_payment --pay--> paid',
      'paid --confirm--> confirmed',
      'confirmed --seller_cancel--> cancelled',
    ]);
  });

  it('paid by transfer: a refund awaiting a second person’s approval; once sent, only that seller’s payable is reversed', async () => {
    const { payment, food } = await paidOrder('vietqr');
    const before = await stockOf(CAKE);
    expect((await move(food, { status: 'cancelled', note: 'Lò bánh hỏng, không làm kịp' }, baker)).status).toBe(200);
    expect(await stockOf(CAKE)).toBe(before + 3);
    const refund = await env.DB.prepare('SELECT id, amount, status, requested_by FROM refunds WHERE sub_order_id = ?1')
      .bind(food)
      .first<{ id: string; amount: number; status: string }>();
    expect(refund).toMatchObject({ amount: 165000, status: 'awaiting_approval' });
    expect(await getPayment(payment.id)).toMatchObject({ status: 'paid', amountRefunded: 165000 });
    // Nothing has left yet: both sellers are still owed their share.
    expect((await expectLedgerBalanced(payment.id)).balances[`payable:${FOOD}`]).toBe(165000);

    const act = (action: string) => api(`/api/v1/payments/${payment.id}/refunds/${refund!.id}/${action}`, jsonRequest('POST', {}, admin));
    expect((await act('approve')).status).toBe(200);
    expect((await act('sent')).status).toBe(200);
    const ledger = await expectLedgerBalanced(payment.id);
    expect(ledger.balances[`payable:${FOOD}`]).toBe(0);
    expect(ledger.balances[`payable:${POTTERY}`]).toBe(1700000);
  });

  it('cannot cancel twice: the second answers 409 and refunds nothing more', async () => {
    const { payment, food } = await paidOrder('vietqr');
    expect((await move(food, { status: 'cancelled', note: 'Hết hàng' }, baker)).status).toBe(200);
    await expectError(await move(food, { status: 'cancelled', note: 'Hết hàng' }, baker), 409, 'illegal_status_change');
    expect((await getPayment(payment.id)).amountRefunded).toBe(165000);
  });

  it('unpaid: its stock comes back, the open payment stops, and the rest of the order is paid alone', async () => {
    const order = await placeOrder();
    const first = await startPayment(order, 'vietqr');
    expect(first.amount).toBe(1865000);
    const before = await stockOf(VASE);
    const pottery = subOf(order, POTTERY);
    expect((await move(pottery, { status: 'cancelled', note: 'Không còn bình men da lươn' }, potter)).status).toBe(200);
    expect(await stockOf(VASE)).toBe(before + 2);
    expect((await getPayment(first.id)).status).toBe('expired');
    const shrunk = await buyerView(order);
    expect(shrunk).toMatchObject({ status: 'awaiting_payment', total: 165000 });

    const rest = await startPayment(order, 'vietqr');
    expect(rest.amount).toBe(165000);
    await postBankNotice(noticeFor(rest));
    const paid = await buyerView(order);
    expect(paid.status).toBe('paid');
    expect(paid.subOrders.map((s) => s.status)).toEqual(['cancelled', 'paid']);
    const ledger = await expectLedgerBalanced(rest.id);
    expect(ledger.balances[`payable:${FOOD}`]).toBe(165000);
    expect(ledger.balances[`payable:${POTTERY}`]).toBeUndefined();
  });

  it('unpaid, when it was the whole order left: the order is cancelled', async () => {
    const order = await placeOrder();
    expect((await move(subOf(order, POTTERY), { status: 'cancelled', note: 'Hết hàng' }, potter)).status).toBe(200);
    expect((await move(subOf(order, FOOD), { status: 'cancelled', note: 'Hết hàng' }, baker)).status).toBe(200);
    expect((await buyerView(order)).status).toBe('cancelled');
  });
});

describe('sub-orders follow their order', () => {
  it('are cancelled with an unpaid order the buyer cancels, and the stock comes back once', async () => {
    const order = await placeOrder();
    const before = await stockOf(CAKE);
    const res = await api(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', headers: { 'X-Order-Token': order.accessToken } });
    expect(res.status).toBe(200);
    expect(await stockOf(CAKE)).toBe(before + 3);
    expect((await buyerView(order)).subOrders.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(await eventsOf(subOf(order, FOOD))).toEqual(['∅ --place--> awaiting_payment', 'awaiting_payment --buyer_cancel--> cancelled']);
  });
});

describe('the demo order past its hold period (seed/fulfilment.ts)', () => {
  it('seeds a paid order whose sub-orders were delivered in November, once, with a balanced ledger', async () => {
    const statements = buildFulfilmentSeedStatements();
    const run = () => env.DB.batch(statements.map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
    await run();
    const again = await run();
    expect(again.reduce((changes, result) => changes + result.meta.changes, 0)).toBe(0);
    const res = await api('/api/v1/seller/orders?status=delivered', bearer(potter));
    const { items } = await res.json<{ items: Array<{ subOrderId: string; deliveredAt: string; subtotal: number }> }>();
    expect(items.find((i) => i.subOrderId === 'ord_seed_delivered_1')).toMatchObject({
      deliveredAt: '2026-11-20T07:30:00.000Z',
      subtotal: 850000,
    });
    const ledger = await expectLedgerBalanced('pay_seed_delivered');
    expect(ledger.balances[`payable:${POTTERY}`]).toBe(850000);
    expect(ledger.balances['payable:org_tranh_dong_ho_pham_tu']).toBe(360000);
    expect(await eventsOf('ord_seed_delivered_1')).toHaveLength(5);
  });
});
