import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/db/cursor';
import { buildListQuery, listProducts, PRODUCT_SORTS, type Product, type ProductQuery, type ProductSort } from '../src/db/products';
import { vietnamDate } from '../src/domain/vietnam-time';
import { api, bearer, expectError, login, seedDemo } from './helpers';

interface Page {
  items: Product[];
  nextCursor: string | null;
}

async function list(query: string): Promise<Page> {
  const res = await api(`/api/v1/products?${query}`);
  expect(res.status).toBe(200);
  return res.json<Page>();
}

/** Follows nextCursor to the end and returns every item in order. */
async function listAll(query: string, pageSize: number): Promise<Product[]> {
  const items: Product[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = await list(`${query}&limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('paging did not end');
}

const today = vietnamDate(new Date());
const validStars = (p: Product) => (p.ocop?.valid ? p.ocop.stars : 0);

let everything: Product[];

beforeAll(async () => {
  await seedDemo();
  // A producer and a product whose words appear nowhere else, to pin down what each field matches.
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO organizations (id, kind, name, commune, province) VALUES
       ('org_fixture', 'household', 'Hộ Trần Văn Đạt Xưởng Quạt Giấy', 'Đông Hồ Thử', 'Bắc Ninh')`,
    ),
    env.DB.prepare(
      `INSERT INTO products (id, seller_id, name, description, category, price, unit, stock, status)
       VALUES ('prd_fixture', 'org_fixture', 'Quạt nan tre Đồng Kỵ', 'Nan tre được vót thủ công, phết keo quỳnh', 'handicrafts', 45000, 'chiếc', 5, 'active')`,
    ),
  ]);
  everything = await listAll('sort=newest', 100);
});

describe('GET /api/v1/products: search', () => {
  it('finds "Bánh phu thê Đình Bảng" typed without accents, first', async () => {
    const { items } = await list('q=banh%20phu%20the');
    expect(items[0]?.name).toBe('Bánh phu thê Đình Bảng');
  });

  it.each([
    ['quat nan tre', 'name'],
    ['QUẠT NAN', 'name, any case'],
    ['quynh', 'description'],
    ['dat xuong quat giay', 'producer name, đ folded to d'],
    ['Đạt Xưởng', 'producer name typed with accents'],
    ['dong ky', 'đ in a product name'],
    ['quat na', 'the last word as a prefix'],
  ])('matches %j by %s', async (q, _field) => {
    const { items } = await list(`q=${encodeURIComponent(q)}`);
    expect(items.map((p) => p.id)).toContain('prd_fixture');
  });

  it('gives the same results with or without accents', async () => {
    const plain = await list('q=gom%20phu%20lang&limit=100');
    const accented = await list(`q=${encodeURIComponent('gốm Phù Lãng')}&limit=100`);
    expect(plain.items.length).toBeGreaterThan(0);
    expect(accented.items.map((p) => p.id)).toEqual(plain.items.map((p) => p.id));
  });

  it('requires every word to match', async () => {
    const { items } = await list('q=quat%20vaithieu');
    expect(items).toEqual([]);
  });

  it.each(['"', 'NEAR(', '*', '-', 'a OR', '%', "'; DROP TABLE products; --"])('treats %j as plain text, never an error', async (q) => {
    await list(`q=${encodeURIComponent(q)}`);
  });

  it('lists every active product when q has nothing to search for', async () => {
    const { items } = await list('q=%21%21%21&limit=100');
    expect(items.length).toBe(everything.length);
  });
});

describe('GET /api/v1/products: filters', () => {
  it('shows only active products to the public', async () => {
    const statuses = await env.DB.prepare("SELECT count(*) AS n FROM products WHERE status = 'active'").first<{ n: number }>();
    expect(everything.length).toBe(statuses!.n);
    expect(everything.every((p) => p.status === 'active')).toBe(true);
  });

  it('covers all six OCOP groups, with valid, expired and absent certificates', () => {
    expect(new Set(everything.map((p) => p.category)).size).toBe(6);
    expect(everything.some((p) => p.ocop?.valid === true)).toBe(true);
    expect(everything.some((p) => p.ocop?.valid === false)).toBe(true);
    expect(everything.some((p) => p.ocop === null)).toBe(true);
  });

  const communeOf = () => everything.find((p) => p.id === 'prd_fixture')!.commune;
  const sellerOf = () => everything[0]!.seller.id;

  it.each<[string, () => string, (p: Product) => boolean]>([
    ['category=food', () => 'category=food', (p) => p.category === 'food'],
    ['category=tourism', () => 'category=tourism', (p) => p.category === 'tourism'],
    ['minStars=3', () => 'minStars=3', (p) => validStars(p) >= 3],
    ['minStars=4', () => 'minStars=4', (p) => validStars(p) >= 4],
    ['minStars=5', () => 'minStars=5', (p) => validStars(p) === 5],
    ['commune', () => `commune=${encodeURIComponent(communeOf())}`, (p) => p.commune === communeOf()],
    ['sellerId', () => `sellerId=${sellerOf()}`, (p) => p.seller.id === sellerOf()],
    ['minPrice', () => 'minPrice=100000', (p) => p.price >= 100000],
    ['maxPrice', () => 'maxPrice=100000', (p) => p.price <= 100000],
    ['a price range', () => 'minPrice=50000&maxPrice=200000', (p) => p.price >= 50000 && p.price <= 200000],
    ['group and stars', () => 'category=handicrafts&minStars=4', (p) => p.category === 'handicrafts' && validStars(p) >= 4],
  ])('filters by %s: exactly the matching products', async (_name, query, predicate) => {
    const expected = everything.filter(predicate).map((p) => p.id);
    expect(expected.length).toBeGreaterThan(0);
    const { items } = await list(`${query()}&sort=newest&limit=100`);
    expect(items.map((p) => p.id)).toEqual(expected);
  });

  it('leaves expired certificates out of a stars filter, but still lists those products', async () => {
    const expired = everything.find((p) => p.ocop && !p.ocop.valid)!;
    const { items } = await list(`minStars=3&limit=100`);
    expect(items.map((p) => p.id)).not.toContain(expired.id);
    expect(expired.ocop!.expiresAt < today).toBe(true);
  });
});

describe('GET /api/v1/products: sorting and paging', () => {
  const comparators: Record<Exclude<ProductSort, 'relevance'>, (a: Product, b: Product) => number> = {
    newest: (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
    price_asc: (a, b) => a.price - b.price || a.id.localeCompare(b.id),
    price_desc: (a, b) => b.price - a.price || b.id.localeCompare(a.id),
    stars: (a, b) => validStars(b) - validStars(a) || b.id.localeCompare(a.id),
  };

  it.each(Object.keys(comparators) as Array<keyof typeof comparators>)('sorts by %s', async (sort) => {
    const { items } = await list(`sort=${sort}&limit=100`);
    const expected = [...everything].sort(comparators[sort]).map((p) => p.id);
    expect(items.map((p) => p.id)).toEqual(expected);
  });

  it('sorts by relevance, putting name matches before description matches', async () => {
    await env.DB.prepare(
      `INSERT INTO products (id, seller_id, name, description, category, price, unit, stock, status)
       VALUES ('prd_fixture_desc', 'org_fixture', 'Giỏ mây', 'Dùng đựng quạt nan tre', 'handicrafts', 60000, 'chiếc', 2, 'active')`,
    ).run();
    const { items } = await list('q=quat%20nan&sort=relevance');
    expect(items.map((p) => p.id).slice(0, 2)).toEqual(['prd_fixture', 'prd_fixture_desc']);
    await env.DB.prepare("DELETE FROM products WHERE id = 'prd_fixture_desc'").run();
  });

  it.each(PRODUCT_SORTS)('pages through sort=%s with no duplicates or gaps', async (sort) => {
    const q = sort === 'relevance' ? '&q=ninh' : '';
    const whole = await list(`sort=${sort}${q}&limit=100`);
    expect(whole.nextCursor).toBeNull();
    const paged = await listAll(`sort=${sort}${q}`, 7);
    expect(paged.map((p) => p.id)).toEqual(whole.items.map((p) => p.id));
    expect(new Set(paged.map((p) => p.id)).size).toBe(paged.length);
  });

  it('pages through a filtered search the same way', async () => {
    const whole = await list('minStars=3&maxPrice=500000&sort=price_desc&limit=100');
    const paged = await listAll('minStars=3&maxPrice=500000&sort=price_desc', 5);
    expect(paged.map((p) => p.id)).toEqual(whole.items.map((p) => p.id));
  });

  it('returns 24 items by default', async () => {
    const page = await list('sort=newest');
    expect(page.items).toHaveLength(Math.min(24, everything.length));
  });

  it.each([
    ['garbage', 'cursor=not-a-cursor'],
    ['a cursor from another sort', 'sort=price_asc&cursor=__OTHER__'],
  ])('rejects %s with 400', async (_name, query) => {
    const other = (await list('sort=newest&limit=2')).nextCursor!;
    const res = await api(`/api/v1/products?${query.replace('__OTHER__', encodeURIComponent(other))}`);
    await expectError(res, 400, 'invalid_cursor');
  });
});

describe('GET /api/v1/products: validation', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['minStars=2', 'minStars'],
    ['minStars=6', 'minStars'],
    ['category=cars', 'category'],
    ['sort=cheapest', 'sort'],
    ['minPrice=-1', 'minPrice'],
    ['minPrice=1.5', 'minPrice'],
    ['maxPrice=abc', 'maxPrice'],
    ['minPrice=500&maxPrice=100', 'minPrice'],
    [`q=${'a'.repeat(101)}`, 'q'],
  ])('%s answers 400 naming %s', async (query, path) => {
    const body = await expectError(await api(`/api/v1/products?${query}`), 400, 'validation_failed');
    expect(body.error.details.map((d) => d.path)).toContain(path);
  });
});

describe('catalogue query plans', () => {
  const queries: Array<[string, Partial<ProductQuery>]> = [
    ['no filter', {}],
    ['search', { q: 'banh phu the' }],
    ['search sorted by price', { q: 'gom', sort: 'price_asc' }],
    ['category', { category: 'food' }],
    ['stars', { minStars: 4 }],
    ['commune', { commune: 'Phù Lãng' }],
    ['seller', { sellerId: 'org_htx_phu_lang' }],
    ['price range', { minPrice: 10000, maxPrice: 90000 }],
    ['everything', { q: 'tra', category: 'beverages', minStars: 3, commune: 'Thuận Thành', minPrice: 1, maxPrice: 900000 }],
  ];
  const cases = queries.flatMap(([name, query]) => PRODUCT_SORTS.map((sort) => [`${name}, sort=${sort}`, { ...query, sort }] as const));

  async function planOf(query: ProductQuery): Promise<string[]> {
    const { sql, params } = buildListQuery(query, today);
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    return results.map((row) => row.detail);
  }

  function expectNoProductScan(details: string[]) {
    expect(details.join('\n')).not.toMatch(/\bSCAN (products|p)\b(?!_fts)/);
    // Nor any other table read whole (the search index is a virtual table: it is searched).
    expect(details.join('\n')).not.toMatch(/\bSCAN \w+\b(?! (VIRTUAL TABLE|USING (COVERING )?INDEX))/);
    expect(details.some((d) => /SEARCH (products|p)\b|SCAN products_fts/.test(d))).toBe(true);
  }

  /**
   * The cursor a shopper holds after the first page (of one item). A filter that matches at
   * most one product has no next page; its position is then made up, with the key's type.
   */
  async function secondPageCursor(query: ProductQuery): Promise<string> {
    const first = await listProducts(env.DB, { ...query, limit: 1 }, today);
    if (first.nextCursor) return first.nextCursor;
    const { sort } = buildListQuery(query, today);
    return encodeCursor([sort, sort === 'newest' ? '2026-01-01T00:00:00.000Z' : 0, 'prd_made_up']);
  }

  it.each(cases)('%s searches an index instead of scanning products', async (_name, partial) => {
    const query: ProductQuery = { limit: 24, ...partial } as ProductQuery;
    expectNoProductScan(await planOf(query));
  });

  it.each(cases)('%s, on the page after a cursor, still searches an index', async (_name, partial) => {
    const query: ProductQuery = { limit: 24, ...partial } as ProductQuery;
    const cursor = await secondPageCursor(query);
    const { sql } = buildListQuery({ ...query, cursor }, today);
    expect(sql).toMatch(/ OR \(/); // the keyset condition is part of the planned query
    expectNoProductScan(await planOf({ ...query, cursor }));
  });

  it('pages every sort through a cursor that the next page accepts', async () => {
    for (const sort of PRODUCT_SORTS) {
      const query = { q: 'gom', sort, limit: 2 } as ProductQuery;
      const first = await listProducts(env.DB, query, today);
      expect(first.nextCursor).not.toBeNull();
      const second = await listProducts(env.DB, { ...query, cursor: first.nextCursor! }, today);
      expect(second.items).toHaveLength(2);
      expect(second.items.map((p) => p.id)).not.toContain(first.items[0]!.id);
    }
  });
});

describe('GET /api/v1/products/:id', () => {
  it('returns one product with its seller, commune and OCOP certificate', async () => {
    const res = await api('/api/v1/products/prd_banh_phu_the_dinh_bang');
    expect(res.status).toBe(200);
    const product = await res.json<Product>();
    expect(product).toMatchObject({
      id: 'prd_banh_phu_the_dinh_bang',
      name: 'Bánh phu thê Đình Bảng',
      category: 'food',
      status: 'active',
      images: [],
      seller: { id: 'org_dinh_bang_food', name: expect.any(String), kind: expect.any(String) },
      commune: expect.any(String),
      ocop: { stars: 5, level: 'national', valid: true, certificateNo: expect.any(String) },
    });
    expect(Number.isInteger(product.price) && product.price > 0).toBe(true);
    expect(product.ocop!.issuedAt < product.ocop!.expiresAt).toBe(true);
  });

  it('shows an expired certificate as not valid, and the product still shows', async () => {
    const expired = everything.find((p) => p.ocop && !p.ocop.valid)!;
    const product = await (await api(`/api/v1/products/${expired.id}`)).json<Product>();
    expect(product.ocop).toMatchObject({ valid: false });
  });

  it('answers 404 in the error shape for an unknown id', async () => {
    await expectError(await api('/api/v1/products/prd_nope'), 404, 'product_not_found');
  });

  it('hides a draft from the public and from other sellers, but not from its own seller', async () => {
    const draft = await env.DB.prepare("SELECT id FROM products WHERE status = 'draft' AND seller_id = 'org_htx_phu_lang' LIMIT 1").first<{
      id: string;
    }>();
    expect(draft).not.toBeNull();
    await expectError(await api(`/api/v1/products/${draft!.id}`), 404);
    await expectError(await api(`/api/v1/products/${draft!.id}`, bearer(await login('seller2@choso.test'))), 404);
    const own = await api(`/api/v1/products/${draft!.id}`, bearer(await login('seller@choso.test')));
    expect(own.status).toBe(200);
    expect((await own.json<Product>()).status).toBe('draft');
  });

  it("lists a seller's drafts only in its own catalogue", async () => {
    const token = await login('seller@choso.test');
    const own = await (await api('/api/v1/products?sellerId=org_htx_phu_lang&limit=100', bearer(token))).json<Page>();
    const pub = await list('sellerId=org_htx_phu_lang&limit=100');
    expect(own.items.some((p) => p.status === 'draft')).toBe(true);
    expect(pub.items.every((p) => p.status === 'active')).toBe(true);
    const other = await (
      await api('/api/v1/products?sellerId=org_htx_phu_lang&limit=100', bearer(await login('seller2@choso.test')))
    ).json<Page>();
    expect(other.items.map((p) => p.id)).toEqual(pub.items.map((p) => p.id));
  });
});

describe('GET /api/v1/sellers', () => {
  interface Seller {
    id: string;
    name: string;
    kind: string;
    commune: string;
    productCount: number;
  }

  it('lists the producers, with their product counts, and no billers', async () => {
    const res = await api('/api/v1/sellers');
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: Seller[] }>();
    expect(items.length).toBeGreaterThanOrEqual(12);
    expect(items.every((s) => ['cooperative', 'cooperative_group', 'enterprise', 'household'].includes(s.kind))).toBe(true);
    const phuLang = items.find((s) => s.id === 'org_htx_phu_lang')!;
    expect(phuLang.productCount).toBe(everything.filter((p) => p.seller.id === 'org_htx_phu_lang').length);
  });

  it('returns one profile, without its bank account', async () => {
    const res = await api('/api/v1/sellers/org_dinh_bang_food');
    expect(res.status).toBe(200);
    const seller = await res.json<Record<string, unknown>>();
    expect(seller).toMatchObject({ id: 'org_dinh_bang_food', province: 'Bắc Ninh' });
    expect(JSON.stringify(seller)).not.toMatch(/bank|account/i);
  });

  it('answers 404 for a biller or an unknown id', async () => {
    await expectError(await api('/api/v1/sellers/org_school_dinh_bang'), 404, 'seller_not_found');
    await expectError(await api('/api/v1/sellers/nope'), 404, 'seller_not_found');
  });
});
