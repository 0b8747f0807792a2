import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CellFilters, type FacetCell, facetsFromCells, parseFacetCells } from './facet-cells';

const today = '2026-12-03';
const cell = (category: string, commune: string | null, certificate: string | null, price: number, count = 1): FacetCell => {
  const [stars, expiresAt] = certificate ? certificate.split('@') : [null, null];
  return { category, commune, stars: stars ? Number(stars) : null, expiresAt: expiresAt ?? null, price, count };
};

const catalogue: FacetCell[] = [
  cell('food', 'Xã Phù Lãng', '4@2027-01-01', 120_000, 3),
  cell('food', 'Xã Phù Lãng', '5@2026-12-02', 99_999),
  cell('food', 'Phường Đình Bảng', '3@2026-12-03', 300_000, 2),
  cell('beverages', 'Xã Phù Lãng', null, 1_000_001),
  cell('beverages', null, '5@2030-01-01', 300_001),
  cell('handicrafts', 'Phường Đình Bảng', '4@2029-06-30', 45_000, 2),
];

describe('facetsFromCells', () => {
  it('reads the cells row as migration 0020 writes it', () => {
    const hex = (text: string) => `x${Buffer.from(text).toString('hex').toUpperCase()}`;
    expect(
      parseFacetCells(
        JSON.stringify({ [`food|${hex('Xã Phù Lãng')}|4@2027-01-01|120000`]: 3, 'beverages||5@2030-01-01|300001': 1, 'tourism|x||10': 0 }),
      ),
    ).toEqual([catalogue[0], catalogue[4]]);
  });

  it.each<[string, CellFilters, number, Array<[string, number]>, Array<[number, number]>]>([
    [
      'the whole catalogue',
      {},
      10,
      [
        ['beverages', 2],
        ['food', 6],
        ['handicrafts', 2],
      ],
      [
        [5, 1],
        [4, 6],
        [3, 8],
      ],
    ],
    // The stars facet leaves out the star filter; the group facet keeps it.
    [
      'food with 4 stars',
      { category: 'food', minStars: 4 },
      3,
      [
        ['beverages', 1],
        ['food', 3],
        ['handicrafts', 2],
      ],
      [
        [4, 3],
        [3, 5],
      ],
    ],
    // A certificate counts on its last day and not the day after.
    [
      '3 stars',
      { minStars: 3 },
      8,
      [
        ['beverages', 1],
        ['food', 5],
        ['handicrafts', 2],
      ],
      [
        [5, 1],
        [4, 6],
        [3, 8],
      ],
    ],
    [
      'a price range, bounds included',
      { minPrice: 100_000, maxPrice: 300_000 },
      5,
      [['food', 5]],
      [
        [4, 3],
        [3, 5],
      ],
    ],
    [
      'a commune',
      { commune: 'Phường Đình Bảng' },
      4,
      [
        ['food', 2],
        ['handicrafts', 2],
      ],
      [
        [4, 2],
        [3, 4],
      ],
    ],
  ])('%s', (_name, filters, total, categories, stars) => {
    const facets = facetsFromCells(catalogue, filters, today);
    expect(facets.total).toBe(total);
    expect(facets.categories.map((row) => [row.slug, row.count])).toEqual(categories);
    expect(facets.stars.map((row) => [row.stars, row.count])).toEqual(stars);
  });

  it('lists communes by count, ties in byte order, and price ranges in their own order', () => {
    const facets = facetsFromCells(catalogue, {}, today);
    expect(facets.communes).toEqual([
      { commune: 'Xã Phù Lãng', count: 5 },
      { commune: 'Phường Đình Bảng', count: 4 },
    ]);
    expect(facets.priceRanges.map((range) => [range.id, range.count])).toEqual([
      ['duoi-100k', 3],
      ['100k-300k', 5],
      ['300k-1tr', 1],
      ['tren-1tr', 1],
    ]);
  });

  const cells = fc.array(
    fc.record({
      category: fc.constantFrom('food', 'beverages', 'herbs'),
      commune: fc.option(fc.constantFrom('Xã A', 'Xã Ă', 'Phường B'), { nil: null }),
      certificate: fc.option(fc.tuple(fc.constantFrom(3, 4, 5), fc.constantFrom('2026-12-02', '2026-12-03', '2027-05-01')), { nil: null }),
      price: fc.integer({ min: 0, max: 2_000_000 }),
      count: fc.integer({ min: 1, max: 4 }),
    }),
    { maxLength: 30 },
  );
  const filters = fc.record(
    {
      category: fc.constantFrom('food', 'beverages', 'herbs'),
      commune: fc.constantFrom('Xã A', 'Xã Ă', 'Phường B'),
      minStars: fc.constantFrom(3, 4, 5),
      minPrice: fc.integer({ min: 0, max: 2_000_000 }),
      maxPrice: fc.integer({ min: 0, max: 2_000_000 }),
    },
    { requiredKeys: [] },
  );
  const toCells = (
    rows: Array<{ category: string; commune: string | null; certificate: [number, string] | null; price: number; count: number }>,
  ) => rows.map((row) => cell(row.category, row.commune, row.certificate ? row.certificate.join('@') : null, row.price, row.count));

  it('counts the same whether products share a cell or each has its own', () => {
    fc.assert(
      fc.property(cells, filters, (rows, chosen) => {
        const shared = toCells(rows);
        const single = shared.flatMap((c) => Array.from({ length: c.count }, () => ({ ...c, count: 1 })));
        expect(facetsFromCells(single, chosen, today)).toEqual(facetsFromCells(shared, chosen, today));
      }),
    );
  });

  it('a facet value counts exactly the products that choosing it would list', () => {
    fc.assert(
      fc.property(cells, filters, (rows, chosen) => {
        const all = toCells(rows);
        const facets = facetsFromCells(all, chosen, today);
        for (const row of facets.categories) expect(facetsFromCells(all, { ...chosen, category: row.slug }, today).total).toBe(row.count);
        for (const row of facets.stars) expect(facetsFromCells(all, { ...chosen, minStars: row.stars }, today).total).toBe(row.count);
        for (const range of facets.priceRanges) {
          expect(facetsFromCells(all, { ...chosen, minPrice: range.min, maxPrice: range.max }, today).total).toBe(range.count);
        }
        for (const row of facets.communes) expect(facetsFromCells(all, { ...chosen, commune: row.commune }, today).total).toBe(row.count);
      }),
    );
  });
});
