import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../src/worker';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, exceptionsFor, expectLedgerBalanced, getPayment, noticeFor, postBankNotice } from './payment-helpers';

interface OrderJson {
  id: string;
  accessToken: string;
  status: string;
  total: number;
  subOrders: Array<{
    sellerId: string;
    sellerName: string;
    subtotal: number;
    items: Array<{ productId: string; unitPrice: number; quantity: number; lineTotal: number }>;
  }>;
}

const buyer = { name: 'Phạm Thu Trang', phone: '0912345678', address: 'Số 5 Lý Thái Tổ, Từ Sơn, Bắc Ninh' };
const BANH = 'prd_banh_phu_the_dinh_bang'; // seller2's
let POTTERY: string; // seller's (HTX Gốm Phù Lãng)

async function stockOf(id: string) {
  return (await env.DB.prepare('SELECT stock FROM products WHERE id = ?1').bind(id).first<{ stock: number }>())!.stock;
}

async function order(items: Array<{ productId: string; quantity: number }>, token?: string, address?: string) {
  const init = jsonRequest('POST', { items, buyer }, token);
  if (address) (init.headers as Record<string, string>)['CF-Connecting-IP'] = address;
  return api('/api/v1/orders', init);
}

async function runCron(at: Date) {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ scheduledTime: at.getTime(), cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

beforeAll(async () => {
  await seedDemo();
  const row = await env.DB.prepare(
    "SELECT id FROM products WHERE seller_id = 'org_htx_phu_lang' AND status = 'active' AND stock >= 20 ORDER BY id LIMIT 1",
  ).first<{ id: string }>();
  POTTERY = row!.id;
});

describe('POST /api/v1/orders', () => {
  it('prices everything from the catalogue, splits the order per seller and reserves stock', async () => {
    const prices = await env.DB.prepare('SELECT id, price FROM products WHERE id IN (?1, ?2)')
      .bind(BANH, POTTERY)
      .all<{ id: string; price: number }>();
    const price = Object.fromEntries(prices.results.map((p) => [p.id, p.price]));
    const [banhBefore, potteryBefore] = [await stockOf(BANH), await stockOf(POTTERY)];
    const res = await order([
      { productId: BANH, quantity: 3 },
      { productId: POTTERY, quantity: 1 },
    ]);
    expect(res.status).toBe(201);
    const created = await res.json<OrderJson>();
    expect(created.status).toBe('awaiting_payment');
    expect(created.accessToken.length).toBeGreaterThan(30);
    expect(created.total).toBe(3 * price[BANH]! + price[POTTERY]!);
    expect(created.subOrders.map((s) => [s.sellerId, s.subtotal]).sort()).toEqual(
      [
        ['org_dinh_bang_food', 3 * price[BANH]!],
        ['org_htx_phu_lang', price[POTTERY]!],
      ].sort(),
    );
    expect([await stockOf(BANH), await stockOf(POTTERY)]).toEqual([banhBefore - 3, potteryBefore - 1]);
  });

  it('never takes a price from the client', async () => {
    await expectError(
      await api('/api/v1/orders', jsonRequest('POST', { items: [{ productId: BANH, quantity: 1, price: 1 }], buyer })),
      400,
      'validation_failed',
    );
    await expectError(
      await api('/api/v1/orders', jsonRequest('POST', { items: [{ productId: BANH, quantity: 1 }], buyer, total: 1 })),
      400,
    );
  });

  it('answers 409 naming the item when stock is short, and reserves nothing', async () => {
    await env.DB.prepare('UPDATE products SET stock = 7 WHERE id = ?1').bind(BANH).run();
    const before = await stockOf(BANH);
    const error = await expectError(
      await order([
        { productId: POTTERY, quantity: 1 },
        { productId: BANH, quantity: before + 1 },
      ]),
      409,
      'items_unavailable',
    );
    expect(error.error.details).toEqual([{ path: 'items.1.quantity', message: `Bánh phu thê Đình Bảng: chỉ còn ${before} hộp 10 chiếc` }]);
    expect(error.error.message).toBe(`Chưa đặt được: Bánh phu thê Đình Bảng: chỉ còn ${before} hộp 10 chiếc`);
    expect(await stockOf(BANH)).toBe(before);
    await env.DB.prepare('UPDATE products SET stock = 500 WHERE id = ?1').bind(BANH).run();
  });

  it('refuses drafts, archived and unknown products', async () => {
    const draft = await env.DB.prepare("SELECT id FROM products WHERE status = 'draft' LIMIT 1").first<{ id: string }>();
    const error = await expectError(
      await order([
        { productId: draft!.id, quantity: 1 },
        { productId: 'prd_nope', quantity: 1 },
      ]),
      409,
    );
    expect(error.error.details.map((d) => d.path)).toEqual(['items.0.productId', 'items.1.productId']);
  });

  it.each([
    [{ items: [], buyer }, 'items'],
    [{ items: [{ productId: BANH, quantity: 0 }], buyer }, 'items.0.quantity'],
    [{ items: [{ productId: BANH, quantity: 1.5 }], buyer }, 'items.0.quantity'],
    [
      {
        items: [
          { productId: BANH, quantity: 1 },
          { productId: BANH, quantity: 2 },
        ],
        buyer,
      },
      'items',
    ],
    [{ items: [{ productId: BANH, quantity: 1 }], buyer: { ...buyer, phone: '12345' } }, 'buyer.phone'],
    [{ items: [{ productId: BANH, quantity: 1 }] }, 'buyer'],
  ])('rejects %j with 400', async (body, path) => {
    const error = await expectError(await api('/api/v1/orders', jsonRequest('POST', body)), 400, 'validation_failed');
    expect(error.error.details.map((d) => d.path)).toContain(path);
  });
});

describe('stock cannot be held hostage (issue 7, item 8)', () => {
  it.each([
    [[{ productId: BANH, quantity: 101 }], 'items.0.quantity', 'Mỗi sản phẩm đặt tối đa 100 một đơn'],
    [
      [
        { productId: BANH, quantity: 100 },
        { productId: 'prd_b', quantity: 100 },
        { productId: 'prd_c', quantity: 100 },
        { productId: 'prd_d', quantity: 1 },
      ],
      'items',
      'Một đơn có tối đa 300 đơn vị hàng cộng lại; hãy chia thành nhiều đơn',
    ],
    [Array.from({ length: 21 }, (_, i) => ({ productId: `prd_${i}`, quantity: 1 })), 'items', 'Một đơn có tối đa 20 sản phẩm khác nhau'],
  ])('caps what one order may take, with a Vietnamese 400 naming the limit (%#)', async (items, path, message) => {
    const error = await expectError(await order(items, undefined, '198.51.100.30'), 400, 'validation_failed');
    expect(error.error.details).toContainEqual({ path, message });
  });

  it('one address holds at most 10 unpaid orders; a shopper elsewhere can still buy', async () => {
    await env.DB.prepare('UPDATE products SET stock = 5000 WHERE id = ?1').bind(POTTERY).run();
    const answers: number[] = [];
    for (let i = 0; i < 13; i++) answers.push((await order([{ productId: POTTERY, quantity: 100 }], undefined, '198.51.100.31')).status);
    expect(answers).toEqual([...Array(10).fill(201), 429, 429, 429]);
    const refused = await expectError(
      await order([{ productId: POTTERY, quantity: 1 }], undefined, '198.51.100.31'),
      429,
      'too_many_open_orders',
    );
    expect(refused.error.message).toBe(
      'Bạn đang có 10 đơn hàng chưa thanh toán, mức tối đa cho phép; hãy thanh toán hoặc huỷ một đơn rồi đặt tiếp.',
    );
    expect(await stockOf(POTTERY)).toBe(5000 - 1000);
    expect((await order([{ productId: POTTERY, quantity: 1 }], undefined, '198.51.100.32')).status).toBe(201);
  });

  it('a cancelled order frees its place', async () => {
    const address = '198.51.100.33';
    const created: OrderJson[] = [];
    for (let i = 0; i < 10; i++)
      created.push(await (await order([{ productId: BANH, quantity: 1 }], undefined, address)).json<OrderJson>());
    await expectError(await order([{ productId: BANH, quantity: 1 }], undefined, address), 429, 'too_many_open_orders');
    const cancel = await api(`/api/v1/orders/${created[0]!.id}/cancel`, {
      method: 'POST',
      headers: { 'X-Order-Token': created[0]!.accessToken },
    });
    expect(cancel.status).toBe(200);
    expect((await order([{ productId: BANH, quantity: 1 }], undefined, address)).status).toBe(201);
  });

  it('a signed-in shopper holds at most 5 unpaid orders, from any address', async () => {
    const { token } = await (
      await api('/api/v1/auth/register', {
        ...jsonRequest('POST', { email: 'nhieu-don@example.vn', password: 'mua thật nhiều bánh', name: 'Khách mua nhiều' }),
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '198.51.100.34' },
      })
    ).json<{ token: string }>();
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await order([{ productId: BANH, quantity: 1 }], token, `198.51.100.${40 + i}`)).status);
    expect(answers).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('limits how fast one client places orders, with a Vietnamese 429 and Retry-After', async () => {
    const address = '198.51.100.35';
    const answers: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await order([{ productId: BANH, quantity: 1 }], undefined, address);
      answers.push(res.status);
      if (res.status !== 201) {
        const error = await expectError(res, 429, 'rate_limited');
        expect(error.error.message).toBe('Bạn đã đặt hàng quá nhiều lần trong thời gian ngắn; hãy đợi 1 phút rồi thử lại.');
        expect(res.headers.get('Retry-After')).toBe('60');
        break;
      }
      const created = await res.json<OrderJson>();
      await api(`/api/v1/orders/${created.id}/cancel`, { method: 'POST', headers: { 'X-Order-Token': created.accessToken } });
    }
    expect(answers).toEqual([...Array(20).fill(201), 429]);
  });
});

describe('GET /api/v1/orders/:id', () => {
  it("opens with the order's token or the buyer's session, and for nobody else", async () => {
    const shopper = await login('shopper@choso.test');
    const created = await (await order([{ productId: BANH, quantity: 1 }], shopper)).json<OrderJson>();
    expect((await api(`/api/v1/orders/${created.id}`, { headers: { 'X-Order-Token': created.accessToken } })).status).toBe(200);
    expect((await api(`/api/v1/orders/${created.id}`, bearer(shopper))).status).toBe(200);
    await expectError(await api(`/api/v1/orders/${created.id}`), 404, 'order_not_found');
    await expectError(await api(`/api/v1/orders/${created.id}`, { headers: { 'X-Order-Token': 'guess' } }), 404);
    // Another shopper cannot see it.
    const other = await (
      await api(
        '/api/v1/auth/register',
        jsonRequest('POST', { email: 'khach2@example.vn', password: 'khách hàng thứ hai', name: 'Khách 2' }),
      )
    ).json<{ token: string }>();
    await expectError(await api(`/api/v1/orders/${created.id}`, bearer(other.token)), 404);
  });
});

describe('GET /api/v1/seller/orders', () => {
  it('shows each seller only its own part of an order', async () => {
    const created = await (
      await order([
        { productId: BANH, quantity: 2 },
        { productId: POTTERY, quantity: 1 },
      ])
    ).json<OrderJson>();
    const mine = await (await api('/api/v1/seller/orders', bearer(await login('seller2@choso.test')))).json<{
      items: Array<{ orderId: string; items: Array<{ productId: string }>; subtotal: number }>;
    }>();
    const sub = mine.items.find((s) => s.orderId === created.id)!;
    expect(sub.items.map((i) => i.productId)).toEqual([BANH]);
    const theirs = await (await api('/api/v1/seller/orders', bearer(await login('seller@choso.test')))).json<{
      items: Array<{ orderId: string; items: Array<{ productId: string }> }>;
    }>();
    expect(theirs.items.find((s) => s.orderId === created.id)!.items.map((i) => i.productId)).toEqual([POTTERY]);
    await expectError(await api('/api/v1/seller/orders', bearer(await login('shopper@choso.test'))), 403);
  });
});

describe('paying an order', () => {
  it("pays into the platform's account and owes each seller its subtotal", async () => {
    const created = await (
      await order([
        { productId: BANH, quantity: 2 },
        { productId: POTTERY, quantity: 1 },
      ])
    ).json<OrderJson>();
    const payment = await createPayment({ orderId: created.id, orderToken: created.accessToken, method: 'vietqr' });
    expect(payment.payee).toEqual({ name: 'CONG TY CHO SO BAC NINH', bankBin: '970418', accountNumber: '12010009998888' });
    expect(payment.amount).toBe(created.total);
    const minutes = (Date.parse(payment.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
    expect((await (await postBankNotice(noticeFor(payment))).json<{ outcome: string }>()).outcome).toBe('matched');
    const paidOrder = await (
      await api(`/api/v1/orders/${created.id}`, { headers: { 'X-Order-Token': created.accessToken } })
    ).json<OrderJson>();
    expect(paidOrder.status).toBe('paid');
    const ledger = await expectLedgerBalanced(payment.id);
    for (const sub of created.subOrders) expect(ledger.balances[`payable:${sub.sellerId}`]).toBe(sub.subtotal);
  });

  it('needs the order token to pay', async () => {
    const created = await (await order([{ productId: BANH, quantity: 1 }])).json<OrderJson>();
    const res = await api('/api/v1/payments', {
      ...jsonRequest('POST', { orderId: created.id, orderToken: 'wrong' }),
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
    });
    await expectError(res, 404, 'order_not_found');
  });
});

describe('expiry and stock', () => {
  it('the scheduled sweep expires an overdue payment and gives the order its stock back, once', async () => {
    // Let the sweep settle the earlier tests' orders first, so only this one moves stock.
    await runCron(new Date(Date.now() + 40 * 60_000));
    const before = await stockOf(BANH);
    const created = await (await order([{ productId: BANH, quantity: 4 }])).json<OrderJson>();
    const payment = await createPayment({ orderId: created.id, orderToken: created.accessToken });
    expect(await stockOf(BANH)).toBe(before - 4);
    // Not yet due: nothing happens.
    await runCron(new Date());
    expect((await getPayment(payment.id)).status).toBe('pending');
    const later = new Date(Date.parse(payment.expiresAt) + 60_000);
    await runCron(later);
    expect((await getPayment(payment.id)).status).toBe('expired');
    expect(await stockOf(BANH)).toBe(before);
    await runCron(new Date(later.getTime() + 60_000));
    expect(await stockOf(BANH)).toBe(before);
    const after = await (
      await api(`/api/v1/orders/${created.id}`, { headers: { 'X-Order-Token': created.accessToken } })
    ).json<OrderJson>();
    expect(after.status).toBe('expired');
  });

  it('a transfer arriving after expiry becomes an exception, and the stock stays released', async () => {
    const created = await (await order([{ productId: BANH, quantity: 1 }])).json<OrderJson>();
    const payment = await createPayment({ orderId: created.id, orderToken: created.accessToken });
    await runCron(new Date(Date.parse(payment.expiresAt) + 60_000));
    const before = await stockOf(BANH);
    const body = await (await postBankNotice(noticeFor(payment))).json<{ exceptionType: string }>();
    expect(body.exceptionType).toBe('paid_after_expiry');
    expect(await stockOf(BANH)).toBe(before);
    expect((await exceptionsFor({ paymentId: payment.id })).map((e) => e.type)).toEqual(['paid_after_expiry']);
  });

  it('an order left without any payment gives its stock back when its reservation ends', async () => {
    const before = await stockOf(POTTERY);
    const created = await (await order([{ productId: POTTERY, quantity: 2 }])).json<OrderJson>();
    expect(await stockOf(POTTERY)).toBe(before - 2);
    await runCron(new Date(Date.now() + 31 * 60_000));
    expect(await stockOf(POTTERY)).toBe(before);
    const after = await (
      await api(`/api/v1/orders/${created.id}`, { headers: { 'X-Order-Token': created.accessToken } })
    ).json<OrderJson>();
    expect(after.status).toBe('expired');
  });

  it('cancelling gives the stock back and expires the open payment', async () => {
    const before = await stockOf(BANH);
    const created = await (await order([{ productId: BANH, quantity: 2 }])).json<OrderJson>();
    const payment = await createPayment({ orderId: created.id, orderToken: created.accessToken });
    const res = await api(`/api/v1/orders/${created.id}/cancel`, { method: 'POST', headers: { 'X-Order-Token': created.accessToken } });
    expect(res.status).toBe(200);
    expect((await res.json<OrderJson>()).status).toBe('cancelled');
    expect(await stockOf(BANH)).toBe(before);
    expect((await getPayment(payment.id)).status).toBe('expired');
    await expectError(
      await api(`/api/v1/orders/${created.id}/cancel`, { method: 'POST', headers: { 'X-Order-Token': created.accessToken } }),
      409,
    );
  });
});
