import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../src/db/products';
import { buildSellerListQuery, type SellerProductFilter } from '../src/db/seller-products';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

let seller: string;
let seller2: string;
let admin: string;

beforeAll(async () => {
  await seedDemo();
  [seller, seller2, admin] = await Promise.all([login('seller@choso.test'), login('seller2@choso.test'), login('admin@choso.test')]);
});

async function create(body: Record<string, unknown>, token = seller): Promise<Product> {
  const res = await api(
    '/api/v1/products',
    jsonRequest('POST', { category: 'handicrafts', price: 150000, unit: 'chiếc', stock: 3, ...body }, token),
  );
  expect(res.status).toBe(201);
  return res.json<Product>();
}

async function upload(id: string, token = seller): Promise<Response> {
  const form = new FormData();
  form.append('file', new File([PNG], 'anh.png', { type: 'image/png' }));
  return api(`/api/v1/products/${id}/images`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
}

const mine = async (query: string, token = seller) =>
  (await (await api(`/api/v1/seller/products?${query}`, bearer(token))).json<{ items: Product[] }>()).items;

describe('GET /api/v1/seller/products', () => {
  it("lists only the seller's own products, filtered by status and searched, newest first", async () => {
    const draft = await create({ name: 'Niêu kho cá Phù Lãng nháp', status: 'draft' });
    const active = await create({ name: 'Niêu kho cá Phù Lãng bán', status: 'active' });
    const other = await create({ name: 'Niêu kho cá Đình Bảng', status: 'draft' }, seller2);

    const drafts = await mine('status=draft&q=nieu%20kho%20ca');
    expect(drafts.map((p) => p.name)).toEqual(['Niêu kho cá Phù Lãng nháp']);
    const both = await mine('q=nieu%20kho%20ca%20phu');
    expect(both.map((p) => p.name)).toEqual(['Niêu kho cá Phù Lãng bán', 'Niêu kho cá Phù Lãng nháp']);
    expect((await mine('q=nieu%20kho%20ca')).map((p) => p.id)).not.toContain(other.id);

    await api(`/api/v1/products/${active.id}`, jsonRequest('DELETE', undefined, seller));
    expect((await mine('status=archived&q=nieu%20kho%20ca')).map((p) => p.id)).toEqual([active.id]);
    expect(draft.status).toBe('draft');
  });

  it('pages by cursor without repeating', async () => {
    const first = await (await api('/api/v1/seller/products?limit=2', bearer(seller))).json<{ items: Product[]; nextCursor: string }>();
    const second = await (await api(`/api/v1/seller/products?limit=2&cursor=${first.nextCursor}`, bearer(seller))).json<{
      items: Product[];
    }>();
    expect(first.items).toHaveLength(2);
    expect(second.items.map((p) => p.id).some((id) => first.items.some((p) => p.id === id))).toBe(false);
  });

  it('is for sellers: 401 for guests, 403 for others, 400 for an unknown status', async () => {
    await expectError(await api('/api/v1/seller/products'), 401);
    await expectError(await api('/api/v1/seller/products', bearer(admin)), 403);
    await expectError(await api('/api/v1/seller/products?status=deleted', bearer(seller)), 400, 'validation_failed');
  });
});

describe('drafts are visible only to their seller', () => {
  it('a draft is refused by the public catalogue, the product page and another seller', async () => {
    const draft = await create({ name: 'Bình vôi men nâu bản nháp', status: 'draft' });
    const search = await (await api('/api/v1/products?q=binh%20voi%20men%20nau')).json<{ items: Product[] }>();
    expect(search.items.map((p) => p.id)).not.toContain(draft.id);
    await expectError(await api(`/api/v1/products/${draft.id}`), 404, 'product_not_found');
    await expectError(await api(`/api/v1/products/${draft.id}`, bearer(seller2)), 404, 'product_not_found');
    expect((await api(`/api/v1/products/${draft.id}`, bearer(seller))).status).toBe(200);
  });

  it('quick stock edit and OCOP expiry 36 months after issue', async () => {
    const product = await create({ name: 'Chậu gốm trồng lan', status: 'active' });
    const stock = await api(`/api/v1/products/${product.id}`, jsonRequest('PATCH', { stock: 42 }, seller));
    expect((await stock.json<Product>()).stock).toBe(42);
    const ocop = await api(
      `/api/v1/products/${product.id}`,
      jsonRequest('PATCH', { ocop: { stars: 3, certificateNo: '88/QĐ-UBND', issuedAt: '2024-02-29' } }, seller),
    );
    expect((await ocop.json<Product>()).ocop).toMatchObject({
      stars: 3,
      issuedAt: '2024-02-29',
      expiresAt: '2027-02-28',
      level: 'provincial',
    });
    // Another seller's edit is a 404, and changes nothing.
    await expectError(await api(`/api/v1/products/${product.id}`, jsonRequest('PATCH', { stock: 0 }, seller2)), 404);
    const row = await env.DB.prepare('SELECT stock FROM products WHERE id = ?1').bind(product.id).first<{ stock: number }>();
    expect(row!.stock).toBe(42);
  });
});

describe('PUT /api/v1/products/:id/images', () => {
  it('reorders photos and deletes the ones left out, from R2 too', async () => {
    const product = await create({ name: 'Đĩa gốm vẽ sen', status: 'active' });
    for (let i = 0; i < 3; i++) expect((await upload(product.id)).status).toBe(201);
    const images = (await (await api(`/api/v1/products/${product.id}`, bearer(seller))).json<Product>()).images;
    expect(images).toHaveLength(3);

    const reordered = await api(`/api/v1/products/${product.id}/images`, jsonRequest('PUT', { images: [images[2], images[0]] }, seller));
    expect(reordered.status).toBe(200);
    expect((await reordered.json<Product>()).images).toEqual([images[2], images[0]]);
    const removedKey = images[1]!.replace('/api/v1/media/', '');
    expect(await env.MEDIA.get(removedKey)).toBeNull();
    expect(await env.MEDIA.get(images[0]!.replace('/api/v1/media/', ''))).not.toBeNull();
    expect((await api(images[1]!)).status).toBe(404);
  });

  it('refuses photos that are not the product’s, duplicates, and another seller', async () => {
    const product = await create({ name: 'Ấm tích gốm', status: 'active' });
    await upload(product.id);
    const [image] = (await (await api(`/api/v1/products/${product.id}`, bearer(seller))).json<Product>()).images;
    const bad = await expectError(
      await api(`/api/v1/products/${product.id}/images`, jsonRequest('PUT', { images: ['/api/v1/media/products/x/y.png'] }, seller)),
      400,
      'validation_failed',
    );
    expect(bad.error.details).toEqual([{ path: 'images', message: 'Chỉ gửi các ảnh hiện có của sản phẩm này, mỗi ảnh một lần' }]);
    await expectError(await api(`/api/v1/products/${product.id}/images`, jsonRequest('PUT', { images: [image, image] }, seller)), 400);
    await expectError(await api(`/api/v1/products/${product.id}/images`, jsonRequest('PUT', { images: [] }, seller2)), 404);
    expect((await (await api(`/api/v1/products/${product.id}`, bearer(seller))).json<Product>()).images).toEqual([image]);
  });
});

describe("the seller's list searches an index", () => {
  it.each([
    [undefined, undefined],
    ['draft', undefined],
    ['hidden', undefined],
    [undefined, 'gom'],
    ['active', 'gom men'],
  ] as Array<[SellerProductFilter | undefined, string | undefined]>)('status %s, q %s: no full scan of products', async (status, q) => {
    const statement = buildSellerListQuery('org_htx_phu_lang', { status, q, limit: 20, cursor: 'WyIyMDI2LTAxLTAxIiwicHJkX3giXQ' });
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${statement.text}`)
      .bind(...statement.params)
      .all<{ detail: string }>();
    const details = results.map((row) => row.detail);
    expect(details.filter((detail) => /^SCAN (p|products)\b/.test(detail))).toEqual([]);
  });
});
