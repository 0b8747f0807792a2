import { beforeAll, describe, expect, it } from 'vitest';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';

const buyer = { name: 'Nguyễn Văn An', phone: '0912345678', address: 'Số 1, phường Đình Bảng, Bắc Ninh' };

async function placeOrder(token: string, productId: string, quantity: number): Promise<string> {
  const res = await api('/api/v1/orders', jsonRequest('POST', { items: [{ productId, quantity }], buyer }, token));
  expect(res.status).toBe(201);
  return (await res.json<{ id: string }>()).id;
}

let shopper: string;
let first: string;
let second: string;

beforeAll(async () => {
  await seedDemo();
  shopper = await login('shopper@choso.test');
  first = await placeOrder(shopper, 'prd_banh_phu_the_dinh_bang', 1);
  second = await placeOrder(shopper, 'prd_banh_phu_the_dinh_bang', 2);
});

describe('GET /api/v1/me/orders', () => {
  it("lists the signed-in shopper's own orders, newest first, with status, total and sellers", async () => {
    const res = await api('/api/v1/me/orders', bearer(shopper));
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: Array<{ id: string; status: string; itemCount: number; sellers: string[] }> }>();
    expect(items.map((o) => o.id)).toEqual([second, first]);
    expect(items[0]).toMatchObject({ status: 'awaiting_payment', itemCount: 2, sellers: [expect.any(String)] });
  });

  it('pages with a cursor', async () => {
    const page1 = await (await api('/api/v1/me/orders?limit=1', bearer(shopper))).json<{
      items: Array<{ id: string }>;
      nextCursor: string;
    }>();
    expect(page1.items.map((o) => o.id)).toEqual([second]);
    const page2 = await (await api(`/api/v1/me/orders?limit=1&cursor=${page1.nextCursor}`, bearer(shopper))).json<{
      items: Array<{ id: string }>;
      nextCursor: string | null;
    }>();
    expect(page2.items.map((o) => o.id)).toEqual([first]);
    expect(page2.nextCursor).toBeNull();
  });

  it("shows another user none of this shopper's orders", async () => {
    const admin = await login('admin@choso.test');
    const { items } = await (await api('/api/v1/me/orders', bearer(admin))).json<{ items: unknown[] }>();
    expect(items).toEqual([]);
  });

  it('answers 401 without a session and 400 for a bad cursor', async () => {
    await expectError(await api('/api/v1/me/orders'), 401);
    await expectError(await api('/api/v1/me/orders?cursor=bad', bearer(shopper)), 400, 'invalid_cursor');
  });
});
