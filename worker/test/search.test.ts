import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Product, ProductFacets } from '../src/db/products';
import { api, seedDemo } from './helpers';

interface Page {
  items: Product[];
  nextCursor: string | null;
  facets: ProductFacets | null;
}

async function search(query: string): Promise<Page> {
  const res = await api(`/api/v1/products?${query}`);
  expect(res.status).toBe(200);
  return res.json<Page>();
}

const names = (page: Page) => page.items.map((p) => p.name);
const mine = (q: string, extra = '') => search(`sellerId=org_search_fixture&q=${encodeURIComponent(q)}${extra}`);

beforeAll(async () => {
  await seedDemo();
  // One producer whose products differ only in the words these tests search for.
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO organizations (id, kind, name, commune, province) VALUES
       ('org_search_fixture', 'household', 'Hộ Nguyễn Tìm Kiếm', 'Xã Lạc Thử', 'Bắc Ninh')`,
    ),
    env.DB.prepare(
      `INSERT INTO products (id, seller_id, name, description, category, price, unit, stock, status,
         ocop_stars, ocop_certificate_no, ocop_issued_at, ocop_expires_at, created_at)
       VALUES
       ('prd_sx_binh', 'org_search_fixture', 'Bình gốm men lam', 'Men lam vẽ tay', 'handicrafts', 150000, 'chiếc', 5, 'active',
         4, '77/QĐ-UBND', '2025-01-01', '2099-01-01', '2026-01-03T00:00:00.000Z'),
       ('prd_sx_hop', 'org_search_fixture', 'Hộp quà làng nghề', 'Hộp gồm ba món quà nhỏ', 'handicrafts', 50000, 'hộp', 5, 'active',
         NULL, NULL, NULL, NULL, '2026-01-02T00:00:00.000Z'),
       ('prd_sx_gio', 'org_search_fixture', 'Giỏ tre đan', 'Vừa một bình gốm nhỏ', 'handicrafts', 1200000, 'chiếc', 5, 'active',
         3, '78/QĐ-UBND', '2025-01-01', '2099-01-01', '2026-01-01T00:00:00.000Z')`,
    ),
  ]);
});

describe('search with and without diacritics', () => {
  it('q=gốm lists the exact spelling first and "gồm" (includes) after every exact match', async () => {
    expect(names(await mine('gốm'))).toEqual(['Bình gốm men lam', 'Giỏ tre đan', 'Hộp quà làng nghề']);
  });

  it('q=gốm leaves "gồm" out when exact matches fill the page, and pages on to it', async () => {
    const first = await mine('gốm', '&limit=2');
    expect(names(first)).toEqual(['Bình gốm men lam', 'Giỏ tre đan']);
    const second = await mine('gốm', `&limit=2&cursor=${first.nextCursor}`);
    expect(names(second)).toEqual(['Hộp quà làng nghề']);
    expect(second.nextCursor).toBeNull();
  });

  it('q=gồm lists the description with "gồm" first', async () => {
    expect(names(await mine('gồm'))[0]).toBe('Hộp quà làng nghề');
  });

  it('q=gom (no marks) matches every spelling', async () => {
    expect(names(await mine('gom')).sort()).toEqual(['Bình gốm men lam', 'Giỏ tre đan', 'Hộp quà làng nghề']);
  });

  it('keeps exact spellings first in every sort, here by price from low to high', async () => {
    expect(names(await mine('gốm', '&sort=price_asc'))).toEqual(['Bình gốm men lam', 'Giỏ tre đan', 'Hộp quà làng nghề']);
  });

  it('across the seed, q=gốm lists no product found only through "gồm" before an exact one', async () => {
    const { items } = await search(`q=${encodeURIComponent('gốm')}&limit=100`);
    const exact = items.map((p) => /gốm/i.test(`${p.name} ${p.description} ${p.seller.name} ${p.commune}`));
    expect(exact.indexOf(false)).toBeGreaterThan(0);
    expect(exact.slice(exact.indexOf(false))).not.toContain(true);
  });
});

describe('every word must match, the last as a prefix', () => {
  it('q=dong ho finds Đông Hồ paintings and not "Vải thiều Lục Ngạn tươi" (đóng hộp)', async () => {
    const found = names(await search('q=dong%20ho&limit=100'));
    expect(found).toContain('Tranh Đông Hồ Đám cưới chuột');
    expect(found).not.toContain('Vải thiều Lục Ngạn tươi');
  });

  it('needs every word: "bình lam" finds the vase, "bình hộp" nothing', async () => {
    expect(names(await mine('bình lam'))).toEqual(['Bình gốm men lam']);
    expect(names(await mine('bình hộp'))).toEqual([]);
  });

  it('matches the last word as a prefix while the shopper is still typing', async () => {
    expect(names(await mine('bình gố'))).toEqual(['Bình gốm men lam', 'Giỏ tre đan']);
    expect(names(await mine('men l'))).toEqual(['Bình gốm men lam']);
  });

  it('ranks a name match above a description match', async () => {
    expect(names(await mine('bình'))).toEqual(['Bình gốm men lam', 'Giỏ tre đan']);
  });

  it("finds products by their producer's name and commune", async () => {
    expect(names(await mine('tim kiem')).sort()).toEqual(['Bình gốm men lam', 'Giỏ tre đan', 'Hộp quà làng nghề']);
    expect(names(await mine('Lạc Thử')).sort()).toEqual(['Bình gốm men lam', 'Giỏ tre đan', 'Hộp quà làng nghề']);
  });

  it('follows a rename of the producer', async () => {
    await env.DB.prepare(
      "UPDATE organizations SET name = 'Hộ Nguyễn Tìm Kiếm Mới', commune = 'Xã Lạc Thử' WHERE id = 'org_search_fixture'",
    ).run();
    expect(names(await mine('kiem moi')).sort()).toEqual(['Bình gốm men lam', 'Giỏ tre đan', 'Hộp quà làng nghề']);
  });
});

describe('facet counts', () => {
  it('counts groups, stars (at least), communes and price ranges', async () => {
    const { facets } = await search('sellerId=org_search_fixture');
    expect(facets).toEqual({
      categories: [{ slug: 'handicrafts', count: 3 }],
      stars: [
        { stars: 4, count: 1 },
        { stars: 3, count: 2 },
      ],
      communes: [{ commune: 'Xã Lạc Thử', count: 3 }],
      priceRanges: [
        { id: 'duoi-100k', label: 'Dưới 100.000 ₫', min: 0, max: 99_999, count: 1 },
        { id: '100k-300k', label: '100.000 ₫ – 300.000 ₫', min: 100_000, max: 300_000, count: 1 },
        { id: 'tren-1tr', label: 'Trên 1.000.000 ₫', min: 1_000_001, max: 10_000_000_000, count: 1 },
      ],
    });
  });

  it('leaves out its own filter, so the other price ranges still show their counts', async () => {
    const { items, facets } = await search('sellerId=org_search_fixture&minPrice=100000&maxPrice=300000&q=gom');
    expect(names({ items } as Page)).toEqual(['Bình gốm men lam']);
    expect(facets?.priceRanges.map((r) => [r.id, r.count])).toEqual([
      ['duoi-100k', 1],
      ['100k-300k', 1],
      ['tren-1tr', 1],
    ]);
    expect(facets?.stars).toEqual([
      { stars: 4, count: 1 },
      { stars: 3, count: 1 },
    ]);
  });

  it('answers no facets on the pages after the first', async () => {
    const first = await search('sellerId=org_search_fixture&limit=1');
    expect((await search(`sellerId=org_search_fixture&limit=1&cursor=${first.nextCursor}`)).facets).toBeNull();
  });
});
