import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  countFacets,
  FACET_CELLS_SQL,
  facetsOfCells,
  listCategories,
  type Product,
  type ProductFacets,
  type ProductQuery,
} from '../src/db/products';
import { parseFacetCells } from '../src/domain/facet-cells';
import { vietnamDate } from '../src/domain/vietnam-time';
import { api, seedDemo } from './helpers';

// The catalogue's facets come from one row of cells kept by triggers (migration 0020). Whatever
// is written to products and sellers, and whatever filters a shopper picks, that row must give
// exactly what counting the products gives.

const wholeCatalogue: ProductQuery = { sort: 'relevance', limit: 24 };
const today = vietnamDate(new Date());

/** Filter combinations a shopper can pick, alone and together, with edges on each bound. */
const filterSets: ProductQuery[] = [
  wholeCatalogue,
  { ...wholeCatalogue, category: 'beverages' },
  { ...wholeCatalogue, category: 'food', minStars: 4 },
  { ...wholeCatalogue, minStars: 5 },
  { ...wholeCatalogue, minStars: 3, commune: 'Xã Đếm Thử' },
  { ...wholeCatalogue, commune: 'Phường "Ngoặc" Kép' },
  { ...wholeCatalogue, minPrice: 100_000, maxPrice: 300_000 },
  { ...wholeCatalogue, minPrice: 300_001 },
  { ...wholeCatalogue, maxPrice: 99_999, category: 'beverages' },
  { ...wholeCatalogue, category: 'handicrafts', commune: 'Xã Mới Đổi', minStars: 4, minPrice: 1, maxPrice: 2_000_000 },
];

async function cells() {
  const row = await env.DB.prepare(FACET_CELLS_SQL).first<{ cells: string }>();
  if (!row) throw new Error('no facet cells');
  return parseFacetCells(row.cells);
}

async function fromCells(query: ProductQuery, day = today): Promise<ProductFacets> {
  const { total: _total, ...facets } = facetsOfCells(await cells(), query, day);
  return facets;
}

async function publicCount(query: ProductQuery = wholeCatalogue, day = today): Promise<number> {
  const page = await env.DB.prepare(
    `SELECT count(*) AS n FROM products p JOIN organizations o ON o.id = p.seller_id
     WHERE p.status = 'active' AND p.hidden_at IS NULL
       AND (?1 IS NULL OR p.category = ?1) AND (?2 IS NULL OR o.commune = ?2)
       AND (?3 IS NULL OR (p.ocop_stars >= ?3 AND p.ocop_expires_at >= ?6))
       AND (?4 IS NULL OR p.price >= ?4) AND (?5 IS NULL OR p.price <= ?5)`,
  )
    .bind(query.category ?? null, query.commune ?? null, query.minStars ?? null, query.minPrice ?? null, query.maxPrice ?? null, day)
    .first<number>('n');
  return page ?? -1;
}

async function expectCellsToMatchCounts() {
  for (const day of [today, '2027-06-01', '2099-12-31']) {
    for (const query of filterSets) {
      expect(await fromCells(query, day), JSON.stringify({ day, query })).toEqual(await countFacets(env.DB, query, day, 'whole'));
      expect(facetsOfCells(await cells(), query, day).total).toBe(await publicCount(query, day));
    }
  }
  const counted = await env.DB.prepare(
    `SELECT c.slug, (SELECT count(*) FROM products p WHERE p.status = 'active' AND p.hidden_at IS NULL AND p.category = c.slug) AS n
     FROM categories c ORDER BY c.position`,
  ).all<{ slug: string; n: number }>();
  expect((await listCategories(env.DB)).map((c) => [c.slug, c.productCount])).toEqual(counted.results.map((r) => [r.slug, r.n]));
}

beforeAll(async () => {
  await seedDemo();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO organizations (id, kind, name, commune, province) VALUES
       ('org_facet_a', 'household', 'Hộ Tóm Tắt', 'Xã Đếm Thử', 'Bắc Ninh'),
       ('org_facet_b', 'household', 'Hộ Tổng Hợp', 'Phường "Ngoặc" Kép', 'Bắc Ninh')`,
    ),
    env.DB.prepare(
      `INSERT INTO products (id, seller_id, name, category, price, unit, stock, status,
         ocop_stars, ocop_certificate_no, ocop_issued_at, ocop_expires_at)
       VALUES
       ('prd_facet_1', 'org_facet_a', 'Chè đếm một', 'beverages', 99999, 'gói', 3, 'active', 5, 'F1', '2025-01-01', '2027-01-01'),
       ('prd_facet_2', 'org_facet_a', 'Chè đếm hai', 'beverages', 100000, 'gói', 3, 'active', 3, 'F2', '2025-01-01', '2099-01-01'),
       ('prd_facet_3', 'org_facet_b', 'Nón đếm ba', 'handicrafts', 1000001, 'chiếc', 3, 'draft', NULL, NULL, NULL, NULL),
       ('prd_facet_4', 'org_facet_b', 'Nón đếm bốn', 'handicrafts', 300001, 'chiếc', 3, 'active', 4, 'F4', '2025-01-01', '2027-01-01')`,
    ),
  ]);
});

describe('the facet cells', () => {
  it('matches the counted facets after seeding and new products', async () => {
    await expectCellsToMatchCounts();
  });

  it('follows every change a facet or the public filter reads', async () => {
    const steps = [
      "UPDATE products SET status = 'active' WHERE id = 'prd_facet_3'",
      "UPDATE products SET price = 300000, category = 'food' WHERE id = 'prd_facet_1'",
      "UPDATE products SET hidden_at = '2026-12-01T00:00:00Z', hidden_reason = 'Ảnh sai' WHERE id = 'prd_facet_2'",
      "UPDATE products SET ocop_stars = 5, ocop_expires_at = '2030-01-01' WHERE id = 'prd_facet_4'",
      "UPDATE products SET seller_id = 'org_facet_a' WHERE id = 'prd_facet_4'",
      "UPDATE organizations SET commune = 'Xã Mới Đổi' WHERE id = 'org_facet_a'",
      "UPDATE products SET stock = 0 WHERE id = 'prd_facet_1'",
      "UPDATE products SET status = 'archived' WHERE id = 'prd_facet_3'",
      "DELETE FROM products WHERE id = 'prd_facet_1'",
      "UPDATE products SET hidden_at = NULL, hidden_reason = NULL WHERE id = 'prd_facet_2'",
    ];
    for (const sql of steps) {
      await env.DB.prepare(sql).run();
      await expectCellsToMatchCounts();
    }
  });

  it('serves the first page with the same facets and pages through the whole catalogue', async () => {
    const first = await api('/api/v1/products?limit=24');
    const page = await first.json<{ items: Product[]; nextCursor: string | null; facets: ProductFacets }>();
    expect(page.facets).toEqual(await countFacets(env.DB, wholeCatalogue, today, 'whole'));
    expect(page.items).toHaveLength(24);
    const seen = page.items.map((p) => p.id);
    let cursor = page.nextCursor;
    while (cursor) {
      const next = await (await api(`/api/v1/products?limit=24&cursor=${encodeURIComponent(cursor)}`)).json<{
        items: Product[];
        nextCursor: string | null;
      }>();
      seen.push(...next.items.map((p) => p.id));
      cursor = next.nextCursor;
    }
    expect(seen).toHaveLength(await publicCount());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('pages through a filtered catalogue with the counted facets, neither repeating nor skipping', async () => {
    const filtered: ProductQuery = { ...wholeCatalogue, category: 'food', minStars: 3 };
    const first = await (await api('/api/v1/products?category=food&minStars=3&limit=5')).json<{
      items: Product[];
      nextCursor: string | null;
      facets: ProductFacets;
    }>();
    expect(first.facets).toEqual(await countFacets(env.DB, { ...filtered, limit: 5 }, today, 'whole'));
    const seen = first.items.map((p) => p.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await (await api(`/api/v1/products?category=food&minStars=3&limit=5&cursor=${encodeURIComponent(cursor)}`)).json<{
        items: Product[];
        nextCursor: string | null;
      }>();
      seen.push(...next.items.map((p) => p.id));
      cursor = next.nextCursor;
    }
    const expected = await publicCount(filtered);
    expect(expected).toBeGreaterThan(5);
    expect(seen).toHaveLength(expected);
    expect(new Set(seen).size).toBe(seen.length);
    const exact = await (await api(`/api/v1/products?category=food&minStars=3&limit=${expected}`)).json<{ nextCursor: string | null }>();
    expect(exact.nextCursor).toBeNull();
  });

  it('answers no next page when the whole catalogue fits the first page exactly', async () => {
    const total = await publicCount();
    const exact = await (await api(`/api/v1/products?limit=${Math.min(total, 100)}`)).json<{
      items: Product[];
      nextCursor: string | null;
    }>();
    if (total <= 100) {
      expect(exact.items).toHaveLength(total);
      expect(exact.nextCursor).toBeNull();
    }
    const short = await (await api(`/api/v1/products?limit=${total - 1}`)).json<{ items: Product[]; nextCursor: string | null }>();
    expect(short.nextCursor).not.toBeNull();
  });
});
