import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../src/db/products';
import { api, expectError, jsonRequest, login, seedDemo } from './helpers';

let seller: string;
let seller2: string;
let shopper: string;

beforeAll(async () => {
  await seedDemo();
  [seller, seller2, shopper] = await Promise.all([login('seller@choso.test'), login('seller2@choso.test'), login('shopper@choso.test')]);
});

const valid = {
  name: 'Chum gốm men nâu Phù Lãng',
  description: 'Chum gốm nung củi, men da lươn.',
  category: 'handicrafts',
  price: 1250000,
  unit: 'chiếc',
  stock: 4,
  status: 'active',
  ocop: { stars: 4, certificateNo: '2001/QĐ-UBND', issuedAt: '2025-03-10' },
};

async function create(body: unknown, token = seller) {
  return api('/api/v1/products', jsonRequest('POST', body, token));
}

describe('POST /api/v1/products', () => {
  it("creates a product in the seller's own organization, with a default 36-month expiry", async () => {
    const res = await create(valid);
    expect(res.status).toBe(201);
    const product = await res.json<Product>();
    expect(res.headers.get('Location')).toBe(`/api/v1/products/${product.id}`);
    expect(product).toMatchObject({
      name: valid.name,
      price: 1250000,
      status: 'active',
      seller: { id: 'org_htx_phu_lang' },
      ocop: { stars: 4, level: 'provincial', issuedAt: '2025-03-10', expiresAt: '2028-03-10', valid: true },
    });
    const listed = await (await api(`/api/v1/products?q=${encodeURIComponent('chum gom men nau')}`)).json<{ items: Product[] }>();
    expect(listed.items.map((p) => p.id)).toContain(product.id);
  });

  it('starts as a draft when no status is given, and keeps an explicit expiry', async () => {
    const { status, ...rest } = valid;
    const res = await create({ ...rest, ocop: { ...valid.ocop, stars: 5, expiresAt: '2026-12-31' } });
    const product = await res.json<Product>();
    expect(status).toBe('active');
    expect(product.status).toBe('draft');
    expect(product.ocop).toMatchObject({ level: 'national', expiresAt: '2026-12-31' });
  });

  it.each([
    ['sellerId', { ...valid, sellerId: 'org_dinh_bang_food' }],
    ['id', { ...valid, id: 'prd_mine' }],
    ['status archived', { ...valid, status: 'archived' }],
    ['images', { ...valid, images: ['products/x/y.jpg'] }],
    ['createdAt', { ...valid, createdAt: '2020-01-01' }],
  ])('rejects mass assignment of %s with 400', async (_field, body) => {
    await expectError(await create(body), 400, 'validation_failed');
    const count = await env.DB.prepare("SELECT count(*) AS n FROM products WHERE seller_id = 'org_dinh_bang_food' AND name = ?1")
      .bind(valid.name)
      .first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it.each([
    [{ ...valid, price: 0 }, 'price'],
    [{ ...valid, price: 1250000.5 }, 'price'],
    [{ ...valid, price: '1250000' }, 'price'],
    [{ ...valid, price: -5 }, 'price'],
    [{ ...valid, stock: -1 }, 'stock'],
    [{ ...valid, name: '  ' }, 'name'],
    [{ ...valid, category: 'electronics' }, 'category'],
    [{ ...valid, unit: '' }, 'unit'],
    [{ ...valid, ocop: { ...valid.ocop, stars: 2 } }, 'ocop.stars'],
    [{ ...valid, ocop: { ...valid.ocop, issuedAt: '2025-02-30' } }, 'ocop.issuedAt'],
    [{ ...valid, ocop: { ...valid.ocop, issuedAt: '2099-01-01' } }, 'ocop.issuedAt'],
    [{ ...valid, ocop: { ...valid.ocop, expiresAt: '2024-01-01' } }, 'ocop.expiresAt'],
    [{ ...valid, ocop: { stars: 4 } }, 'ocop.certificateNo'],
  ])('rejects %j with 400 naming the field', async (body, path) => {
    const error = await expectError(await create(body), 400, 'validation_failed');
    expect(error.error.details.map((d) => d.path)).toContain(path);
  });

  it('answers 401 without a session and 403 for a shopper', async () => {
    await expectError(
      await api('/api/v1/products', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(valid) }),
      401,
    );
    await expectError(await create(valid, shopper), 403, 'forbidden');
  });
});

describe('PATCH /api/v1/products/:id', () => {
  it('updates only the fields sent', async () => {
    const product = await (await create(valid)).json<Product>();
    const res = await api(`/api/v1/products/${product.id}`, jsonRequest('PATCH', { price: 990000, stock: 0 }, seller));
    expect(res.status).toBe(200);
    expect(await res.json<Product>()).toMatchObject({ price: 990000, stock: 0, name: valid.name, ocop: { stars: 4 } });
  });

  it('removes a certificate with ocop: null', async () => {
    const product = await (await create(valid)).json<Product>();
    const updated = await (await api(`/api/v1/products/${product.id}`, jsonRequest('PATCH', { ocop: null }, seller))).json<Product>();
    expect(updated.ocop).toBeNull();
  });

  it('answers 404 to another seller, and leaves the product as it was', async () => {
    const product = await (await create(valid)).json<Product>();
    await expectError(await api(`/api/v1/products/${product.id}`, jsonRequest('PATCH', { price: 1 }, seller2)), 404, 'product_not_found');
    await expectError(await api(`/api/v1/products/${product.id}`, jsonRequest('DELETE', undefined, seller2)), 404);
    const after = await (await api(`/api/v1/products/${product.id}`)).json<Product>();
    expect(after.price).toBe(valid.price);
    expect(after.status).toBe('active');
  });

  it.each([[{ sellerId: 'org_dinh_bang_food' }], [{ id: 'prd_other' }], [{ status: 'archived' }], [{}], [{ price: 12.5 }]])(
    'rejects %j with 400',
    async (body) => {
      await expectError(
        await api('/api/v1/products/prd_banh_phu_the_dinh_bang', jsonRequest('PATCH', body, seller2)),
        400,
        'validation_failed',
      );
    },
  );

  it('answers 404 for an unknown product', async () => {
    await expectError(await api('/api/v1/products/prd_missing', jsonRequest('PATCH', { price: 1000 }, seller)), 404);
  });
});

describe('DELETE /api/v1/products/:id', () => {
  it('archives the product: it leaves the catalogue but its seller still sees it', async () => {
    const product = await (await create(valid)).json<Product>();
    const res = await api(`/api/v1/products/${product.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${seller}` } });
    expect(res.status).toBe(200);
    expect((await res.json<Product>()).status).toBe('archived');
    await expectError(await api(`/api/v1/products/${product.id}`), 404);
    const own = await api(`/api/v1/products/${product.id}`, { headers: { Authorization: `Bearer ${seller}` } });
    expect(own.status).toBe(200);
    const row = await env.DB.prepare('SELECT status FROM products WHERE id = ?1').bind(product.id).first<{ status: string }>();
    expect(row!.status).toBe('archived');
  });
});
