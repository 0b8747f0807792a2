import { PRICE_RANGES, type PriceRange } from './price-ranges';

/**
 * The catalogue's facet cells (migration 0020): how many public products share each combination
 * of group, commune, certificate and exact price. From them the worker counts, for any filter on
 * those four, what the grouped counts over the products would give, in the same order, without
 * reading the products. Pure, so the counting rules are tested here against a plain count.
 */
export interface FacetCell {
  category: string;
  commune: string | null;
  stars: number | null;
  expiresAt: string | null;
  price: number;
  count: number;
}

/** The filters a cell can answer for: a seller's or a search's page counts through the indexes. */
export interface CellFilters {
  category?: string;
  commune?: string;
  minStars?: number;
  minPrice?: number;
  maxPrice?: number;
}

export interface CellFacets {
  /** Products matching every filter: the page's size, which tells whether a next page exists. */
  total: number;
  categories: Array<{ slug: string; count: number }>;
  /** Products with a certificate valid today of at least this many stars, as minStars counts them. */
  stars: Array<{ stars: 5 | 4 | 3; count: number }>;
  communes: Array<{ commune: string; count: number }>;
  priceRanges: Array<PriceRange & { count: number }>;
}

/** As many communes as the facet lists: the most products first. */
export const MAX_COMMUNE_FACETS = 20;

const utf8 = new TextDecoder();
const utf8Bytes = new TextEncoder();

/** A commune is written 'x' followed by the hex of its UTF-8 bytes, so no key needs quoting. */
function communeOfKey(key: string): string | null {
  if (key === '') return null;
  const bytes = new Uint8Array((key.length - 1) / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(key.slice(1 + 2 * i, 3 + 2 * i), 16);
  return utf8.decode(bytes);
}

/** The cells row's JSON, one cell per key `category|commune|stars@expiry|price`. */
export function parseFacetCells(json: string): FacetCell[] {
  const cells: FacetCell[] = [];
  for (const [key, count] of Object.entries(JSON.parse(json) as Record<string, number>)) {
    if (!(count > 0)) continue;
    const [category = '', commune = '', certificate = '', price = ''] = key.split('|');
    const at = certificate.indexOf('@');
    cells.push({
      category,
      commune: communeOfKey(commune),
      stars: at > 0 ? Number(certificate.slice(0, at)) : null,
      expiresAt: at > 0 ? certificate.slice(at + 1) : null,
      price: Number(price),
      count,
    });
  }
  return cells;
}

/** SQLite's BINARY collation: UTF-8 bytes in order, which is how a GROUP BY lists its groups. */
function compareAsSqlite(a: string, b: string): number {
  const x = utf8Bytes.encode(a);
  const y = utf8Bytes.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

type FacetName = 'category' | 'commune' | 'stars' | 'price';

const validStars = (cell: FacetCell, today: string) =>
  cell.stars !== null && cell.expiresAt !== null && cell.expiresAt >= today ? cell.stars : null;

/** Whether a cell passes every filter but `leaveOut`: a facet counts what choosing another value would give. */
function passes(cell: FacetCell, filters: CellFilters, today: string, leaveOut?: FacetName): boolean {
  if (leaveOut !== 'category' && filters.category !== undefined && cell.category !== filters.category) return false;
  if (leaveOut !== 'commune' && filters.commune !== undefined && cell.commune !== filters.commune) return false;
  if (leaveOut !== 'price') {
    if (filters.minPrice !== undefined && cell.price < filters.minPrice) return false;
    if (filters.maxPrice !== undefined && cell.price > filters.maxPrice) return false;
  }
  if (leaveOut !== 'stars' && filters.minStars !== undefined) {
    const stars = validStars(cell, today);
    if (stars === null || stars < filters.minStars) return false;
  }
  return true;
}

function tally<K>(cells: readonly FacetCell[], keyOf: (cell: FacetCell) => K | null): Map<K, number> {
  const counts = new Map<K, number>();
  for (const cell of cells) {
    const key = keyOf(cell);
    if (key !== null) counts.set(key, (counts.get(key) ?? 0) + cell.count);
  }
  return counts;
}

/** The facets and the size of the page these filters give, counted from the cells. */
export function facetsFromCells(cells: readonly FacetCell[], filters: CellFilters, today: string): CellFacets {
  const without = (leaveOut?: FacetName) => cells.filter((cell) => passes(cell, filters, today, leaveOut));
  const total = without().reduce((sum, cell) => sum + cell.count, 0);
  const categories = [...tally(without('category'), (cell) => cell.category)]
    .sort(([a], [b]) => compareAsSqlite(a, b))
    .map(([slug, count]) => ({ slug, count }));
  const starCounts = tally(without('stars'), (cell) => validStars(cell, today));
  const atLeast = (stars: number) => [...starCounts].filter(([value]) => value >= stars).reduce((sum, [, count]) => sum + count, 0);
  const communes = [...tally(without('commune'), (cell) => cell.commune)]
    .map(([commune, count]) => ({ commune, count }))
    .sort((a, b) => b.count - a.count || compareAsSqlite(a.commune, b.commune))
    .slice(0, MAX_COMMUNE_FACETS);
  const priceCounts = tally(without('price'), (cell) => {
    const index = PRICE_RANGES.findIndex((range) => cell.price <= range.max);
    return index >= 0 ? index : null;
  });
  return {
    total,
    categories,
    stars: ([5, 4, 3] as const).map((stars) => ({ stars, count: atLeast(stars) })).filter((row) => row.count > 0),
    communes,
    priceRanges: PRICE_RANGES.map((range, index) => ({ ...range, count: priceCounts.get(index) ?? 0 })).filter((range) => range.count > 0),
  };
}

/** How many public products each group has: the home page's and the filter's group counts. */
export function categoryCounts(cells: readonly FacetCell[]): Map<string, number> {
  return tally(cells, (cell) => cell.category);
}
