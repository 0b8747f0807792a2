import {
  type CellFilters,
  categoryCounts,
  type FacetCell,
  facetsFromCells,
  MAX_COMMUNE_FACETS,
  parseFacetCells,
} from '../domain/facet-cells';
import { isOcopValid, type OcopLevel, type OcopStars, ocopLevel } from '../domain/ocop';
import type { PRODUCER_KINDS } from '../domain/organization-kinds';
import { PRICE_RANGES, type PriceRange } from '../domain/price-ranges';
import { hasDiacritics, type LastWordMatch, toExactFtsQuery, toFtsQuery } from '../domain/search-text';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { rowsWritten } from './sql';

export const CATEGORY_SLUGS = ['food', 'beverages', 'herbs', 'textiles', 'handicrafts', 'tourism'] as const;
export type CategorySlug = (typeof CATEGORY_SLUGS)[number];
export const PRODUCT_STATUSES = ['draft', 'active', 'archived'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export const PRODUCT_SORTS = ['relevance', 'price_asc', 'price_desc', 'newest', 'stars'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];
// The kinds of organization live in one module; re-exported for the catalogue's callers.
export { PRODUCER_KINDS } from '../domain/organization-kinds';
export type ProducerKind = (typeof PRODUCER_KINDS)[number];

export const MAX_IMAGES_PER_PRODUCT = 8;

export interface OcopCertificate {
  stars: OcopStars;
  certificateNo: string;
  issuedAt: string;
  expiresAt: string;
  level: OcopLevel;
  /** False once the expiry date has passed: the product then shows without a star badge. */
  valid: boolean;
}

export interface Product {
  id: string;
  name: string;
  description: string;
  category: CategorySlug;
  price: number;
  unit: string;
  stock: number;
  status: ProductStatus;
  images: string[];
  commune: string;
  seller: { id: string; name: string; kind: ProducerKind };
  ocop: OcopCertificate | null;
  /** Set while an admin keeps the product out of the public catalogue; only its seller and admins see it then. */
  hidden: { reason: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** Shoppers see a product only when its seller has it on sale and no admin has hidden it. */
export function isInPublicCatalogue(product: Product): boolean {
  return product.status === 'active' && product.hidden === null;
}

export interface ProductRow {
  id: string;
  seller_id: string;
  name: string;
  description: string;
  category: CategorySlug;
  price: number;
  unit: string;
  stock: number;
  status: ProductStatus;
  images: string;
  ocop_stars: OcopStars | null;
  ocop_certificate_no: string | null;
  ocop_issued_at: string | null;
  ocop_expires_at: string | null;
  hidden_reason: string | null;
  hidden_at: string | null;
  created_at: string;
  updated_at: string;
  seller_name: string;
  seller_kind: ProducerKind;
  seller_commune: string;
}

/** Where product photos are served from: stable, so pages and carts can keep the URL. */
export function imageUrl(key: string): string {
  return `/api/v1/media/${key}`;
}

export function rowToProduct(row: ProductRow, today: string): Product {
  const keys = JSON.parse(row.images) as string[];
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    category: row.category,
    price: row.price,
    unit: row.unit,
    stock: row.stock,
    status: row.status,
    images: keys.map(imageUrl),
    commune: row.seller_commune,
    seller: { id: row.seller_id, name: row.seller_name, kind: row.seller_kind },
    ocop:
      row.ocop_stars && row.ocop_certificate_no && row.ocop_issued_at && row.ocop_expires_at
        ? {
            stars: row.ocop_stars,
            certificateNo: row.ocop_certificate_no,
            issuedAt: row.ocop_issued_at,
            expiresAt: row.ocop_expires_at,
            level: ocopLevel(row.ocop_stars),
            valid: isOcopValid(row.ocop_expires_at, today),
          }
        : null,
    hidden: row.hidden_at && row.hidden_reason ? { reason: row.hidden_reason, at: row.hidden_at } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const PRODUCT_COLUMNS = `p.id, p.seller_id, p.name, p.description, p.category, p.price, p.unit, p.stock,
  p.status, p.images, p.ocop_stars, p.ocop_certificate_no, p.ocop_issued_at, p.ocop_expires_at,
  p.hidden_reason, p.hidden_at, p.created_at, p.updated_at, o.name AS seller_name, o.kind AS seller_kind, o.commune AS seller_commune`;

export interface ProductQuery {
  q?: string;
  category?: CategorySlug;
  minStars?: number;
  commune?: string;
  sellerId?: string;
  minPrice?: number;
  maxPrice?: number;
  sort: ProductSort;
  limit: number;
  cursor?: string;
}

export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

/** A position in one sort order: the sort key of the last item seen, its id, and how the last word matched. */
interface Cursor {
  sort: ProductSort;
  key: string | number;
  id: string;
  last: LastWordMatch;
}

const LAST_WORD_MATCHES: readonly LastWordMatch[] = ['whole', 'prefix'];

function decodeProductCursor(text: string, sort: ProductSort): Cursor {
  const message = 'Liên kết trang này không khớp với bộ lọc hay cách sắp xếp; hãy xem lại từ trang đầu';
  const [cursorSort, key, id, last = 'whole', ...rest] = decodeCursor(text, message);
  const keyIsText = sort === 'newest';
  if (
    rest.length > 0 ||
    cursorSort !== sort ||
    typeof id !== 'string' ||
    !LAST_WORD_MATCHES.includes(last as LastWordMatch) ||
    (keyIsText ? typeof key !== 'string' : typeof key !== 'number' || !Number.isFinite(key))
  ) {
    throw invalidCursor(message);
  }
  return { sort, key: key as string | number, id, last: last as LastWordMatch };
}

interface SortSpec {
  /** SQL for the sort key; `?today` is replaced by the bound date parameter, `?tier` by the spelling tier. */
  key: string;
  /** The same key when exact spellings come first: tier 0 (exact) before tier 1 (only once folded). */
  tiered: string;
  direction: 'ASC' | 'DESC';
}

// FTS5's bm25 normalises by the length of the whole row, so a long description buried
// the product whose short name is exactly what was typed. The share of the name's words
// that matched (highlight() marks each hit with char(1)) is rewarded, and any name match
// ranks above every product matched only elsewhere (bm25 stays well inside ±100).
const NAME_SHARE = `((length(highlight(products_fts, 0, char(1), '')) - length(products_fts.name))
      / (length(products_fts.name) - length(replace(products_fts.name, ' ', '')) + 1.0))`;
const RELEVANCE = `(products_fts.rank - 10.0 * ${NAME_SHARE} - CASE WHEN ${NAME_SHARE} > 0 THEN 100.0 ELSE 0.0 END)`;
const STARS = 'CASE WHEN p.ocop_expires_at >= ?today THEN p.ocop_stars ELSE 0 END';
// Larger than any price (the ceiling is 10^10 đồng), so the tier decides before the price.
const PRICE_TIER = '100000000000';

const SORT_SPECS: Record<ProductSort, SortSpec> = {
  relevance: { key: RELEVANCE, tiered: `(${RELEVANCE} + 1000000.0 * ?tier)`, direction: 'ASC' },
  newest: { key: 'p.created_at', tiered: "((CASE ?tier WHEN 0 THEN '1' ELSE '0' END) || p.created_at)", direction: 'DESC' },
  price_asc: { key: 'p.price', tiered: `(p.price + ${PRICE_TIER} * ?tier)`, direction: 'ASC' },
  price_desc: { key: 'p.price', tiered: `(p.price - ${PRICE_TIER} * ?tier)`, direction: 'DESC' },
  // Expired certificates sort as no certificate: they have no star badge either.
  stars: { key: STARS, tiered: `(${STARS} - 10 * ?tier)`, direction: 'DESC' },
};

/**
 * One page of the catalogue, filtered and sorted, with keyset paging: the cursor holds
 * the last item's sort key and id, so pages neither repeat nor skip items however deep
 * the shopper pages. Every variant searches an index (see migrations and the
 * EXPLAIN QUERY PLAN test); none scans the products table.
 *
 * Search: every word must match. The last word matches as a whole word, or, when that
 * finds nothing, as a prefix (the shopper is still typing). A query typed with marks
 * lists exact spellings before those that match only once folded ("gồm" for "gốm").
 *
 * Only active products are listed, except that a seller listing its own catalogue
 * (`viewerSellerId === query.sellerId`) also sees its drafts.
 */
export async function listProducts(
  db: D1Database,
  query: ProductQuery,
  today: string,
  viewerSellerId: string | null = null,
): Promise<ProductPage & { lastWord: LastWordMatch }> {
  const run = async (last: LastWordMatch) => {
    const { sql, params, sort } = buildListQuery(query, today, viewerSellerId, last);
    const { results } = await db
      .prepare(sql)
      .bind(...params)
      .all<ProductRow & { sort_key: string | number }>();
    return { results, sort };
  };
  let last: LastWordMatch = query.cursor ? lastWordOfCursor(query) : 'whole';
  let { results, sort } = await run(last);
  if (results.length === 0 && !query.cursor && query.q && toFtsQuery(query.q) !== null) {
    last = 'prefix';
    ({ results, sort } = await run(last));
  }
  const hasMore = results.length > query.limit;
  const rows = hasMore ? results.slice(0, query.limit) : results;
  const lastRow = rows.at(-1);
  return {
    items: rows.map((row) => rowToProduct(row, today)),
    nextCursor: hasMore && lastRow ? encodeCursor([sort, lastRow.sort_key, lastRow.id, last]) : null,
    lastWord: last,
  };
}

function effectiveSort(query: ProductQuery): ProductSort {
  // Relevance needs words to rank by; without them the newest come first.
  return query.sort === 'relevance' && !(query.q && toFtsQuery(query.q)) ? 'newest' : query.sort;
}

function lastWordOfCursor(query: ProductQuery): LastWordMatch {
  return query.cursor ? decodeProductCursor(query.cursor, effectiveSort(query)).last : 'whole';
}

/** A facet leaves out its own filter, so its counts show what choosing another value would give. */
type FacetName = 'category' | 'stars' | 'commune' | 'price';

interface Filters {
  from: string;
  where: string[];
  params: unknown[];
  bind: (value: unknown) => string;
  bindToday: () => string;
  /** The spelling tier's SQL, its query bound on first use (D1 refuses unused parameters); null when spelling does not matter. */
  tier: (() => string) | null;
}

function buildFilters(
  query: ProductQuery,
  today: string,
  viewerSellerId: string | null,
  last: LastWordMatch,
  leaveOut?: FacetName,
): Filters {
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `?${params.length}`;
  };
  // Bound once, and only when used: D1 refuses parameters that the SQL never mentions.
  let todayParam: string | undefined;
  const bindToday = () => (todayParam ??= bind(today));
  const match = query.q ? toFtsQuery(query.q, last) : null;
  const where: string[] = [];
  let from = 'products p JOIN organizations o ON o.id = p.seller_id';
  let tier: (() => string) | null = null;
  if (match) {
    from = 'products_fts JOIN products p ON p.seq = products_fts.rowid JOIN organizations o ON o.id = p.seller_id';
    where.push(`products_fts MATCH ${bind(match)}`);
    const exact = query.q && hasDiacritics(query.q) ? toExactFtsQuery(query.q, last) : null;
    if (exact) {
      let exactParam: string | undefined;
      tier = () => {
        exactParam ??= bind(exact);
        return `(CASE WHEN p.seq IN (SELECT rowid FROM products_fts_exact WHERE products_fts_exact MATCH ${exactParam}) THEN 0 ELSE 1 END)`;
      };
    }
  }
  const ownCatalogue = viewerSellerId !== null && query.sellerId === viewerSellerId;
  where.push(ownCatalogue ? "p.status IN ('draft', 'active')" : "p.status = 'active' AND p.hidden_at IS NULL");
  if (query.sellerId) where.push(`p.seller_id = ${bind(query.sellerId)}`);
  if (query.category && leaveOut !== 'category') where.push(`p.category = ${bind(query.category)}`);
  // Through the sellers of that commune (its index), not by reading every product and its seller.
  if (query.commune && leaveOut !== 'commune')
    where.push(`p.seller_id IN (SELECT id FROM organizations WHERE commune = ${bind(query.commune)})`);
  if (leaveOut !== 'price') {
    if (query.minPrice !== undefined) where.push(`p.price >= ${bind(query.minPrice)}`);
    if (query.maxPrice !== undefined) where.push(`p.price <= ${bind(query.maxPrice)}`);
  }
  if (query.minStars !== undefined && leaveOut !== 'stars') {
    where.push(`p.ocop_stars >= ${bind(query.minStars)} AND p.ocop_expires_at >= ${bindToday()}`);
  }
  return { from, where, params, bind, bindToday, tier };
}

/**
 * Builds the SQL for `listProducts`; exported for the query-plan test. It reads one row past
 * the page to learn whether another page follows, unless the caller knows that already
 * (`probeNext: false`: the whole catalogue's first page, whose size the facet summary holds).
 */
export function buildListQuery(
  query: ProductQuery,
  today: string,
  viewerSellerId: string | null = null,
  last: LastWordMatch = query.cursor ? lastWordOfCursor(query) : 'whole',
  probeNext = true,
) {
  const sort = effectiveSort(query);
  const { from, where, params, bind, bindToday, tier } = buildFilters(query, today, viewerSellerId, last);
  const spec = SORT_SPECS[sort];
  let key = tier ? spec.tiered.replaceAll('?tier', tier()) : spec.key;
  if (key.includes('?today')) key = key.replaceAll('?today', bindToday());
  if (query.cursor) {
    const cursor = decodeProductCursor(query.cursor, sort);
    const after = spec.direction === 'ASC' ? '>' : '<';
    const keyParam = bind(cursor.key);
    where.push(`(${key} ${after} ${keyParam} OR (${key} = ${keyParam} AND p.id ${after} ${bind(cursor.id)}))`);
  }

  const sql = `SELECT ${PRODUCT_COLUMNS}, ${key} AS sort_key
    FROM ${from}
    WHERE ${where.join(' AND ')}
    ORDER BY ${key} ${spec.direction}, p.id ${spec.direction}
    LIMIT ${probeNext ? query.limit + 1 : query.limit}`;
  return { sql, params, sort };
}

export interface ProductFacets {
  categories: Array<{ slug: CategorySlug; count: number }>;
  /** Products with a valid certificate of at least this many stars, as the minStars filter counts them. */
  stars: Array<{ stars: OcopStars; count: number }>;
  communes: Array<{ commune: string; count: number }>;
  priceRanges: Array<PriceRange & { count: number }>;
}

/** The statements that count each facet; exported for the query-plan test. */
export function buildFacetQueries(query: ProductQuery, today: string, last: LastWordMatch) {
  const grouped = (leaveOut: FacetName, select: string, extra = '', tail = '') => {
    const filters = buildFilters(query, today, null, last, leaveOut);
    const where = [...filters.where];
    if (extra) where.push(extra.includes('?today') ? extra.replaceAll('?today', filters.bindToday()) : extra);
    return {
      sql: `SELECT ${select} AS value, count(*) AS count FROM ${filters.from} WHERE ${where.join(' AND ')} GROUP BY value ${tail}`,
      params: filters.params,
    };
  };
  const priceCase = `CASE ${PRICE_RANGES.map((range, index) => `WHEN p.price <= ${range.max} THEN ${index}`).join(' ')} END`;
  return {
    categories: grouped('category', 'p.category'),
    stars: grouped('stars', 'p.ocop_stars', 'p.ocop_stars IS NOT NULL AND p.ocop_expires_at >= ?today'),
    communes: grouped('commune', 'o.commune', 'o.commune IS NOT NULL', `ORDER BY count DESC, value LIMIT ${MAX_COMMUNE_FACETS}`),
    priceRanges: grouped('price', priceCase),
  };
}

/**
 * How many products each filter value would give, for the same words and the other
 * filters: groups, stars, communes and price ranges. Four grouped counts in one batch,
 * each through the same indexes as the list.
 */
export async function countFacets(db: D1Database, query: ProductQuery, today: string, last: LastWordMatch): Promise<ProductFacets> {
  const queries = buildFacetQueries(query, today, last);
  const statements = [queries.categories, queries.stars, queries.communes, queries.priceRanges].map(({ sql, params }) =>
    db.prepare(sql).bind(...params),
  );
  const [categories, stars, communes, prices] = (await db.batch<{ value: string | number; count: number }>(statements)).map(
    (result) => result.results,
  );
  const starCount = (value: number) => (stars ?? []).filter((row) => Number(row.value) >= value).reduce((sum, row) => sum + row.count, 0);
  return {
    categories: (categories ?? []).map((row) => ({ slug: row.value as CategorySlug, count: row.count })),
    stars: ([5, 4, 3] as const).map((value) => ({ stars: value, count: starCount(value) })).filter((row) => row.count > 0),
    communes: (communes ?? []).map((row) => ({ commune: String(row.value), count: row.count })),
    priceRanges: PRICE_RANGES.map((range, index) => ({
      ...range,
      count: (prices ?? []).find((row) => row.value === index)?.count ?? 0,
    })).filter((range) => range.count > 0),
  };
}

/**
 * Whether the facet cells (migration 0020) answer this page: a first page whose words, if any,
 * search nothing, of the public catalogue with any group, commune, star or price filter. A
 * seller's page (its drafts, or a filter the cells do not hold) and a search count through the
 * indexes.
 */
export function isAnsweredByFacetCells(query: ProductQuery): boolean {
  return !query.cursor && !(query.q && toFtsQuery(query.q) !== null) && query.sellerId === undefined;
}

export const FACET_CELLS_SQL = 'SELECT cells FROM catalogue_facet_cells WHERE id = 1';

// The last cells row this isolate parsed: a catalogue that has not changed since is not parsed
// again (one string compare instead), and the isolate keeps one row, whatever it serves.
let lastCells: { json: string; cells: FacetCell[]; communes: string[] | null } | null = null;

function parsedCells(result: D1Result | undefined) {
  const row = (result?.results as Array<{ cells: string }> | undefined)?.[0];
  if (!row) return null;
  if (lastCells?.json !== row.cells) lastCells = { json: row.cells, cells: parseFacetCells(row.cells), communes: null };
  return lastCells;
}

/** The cells of the public catalogue, or none if the row is missing (a database not yet migrated). */
function cellsOf(result: D1Result | undefined): readonly FacetCell[] | null {
  return parsedCells(result)?.cells ?? null;
}

const vietnameseOrder = new Intl.Collator('vi');

/** The communes with products on sale, in Vietnamese order, sorted once per cells row. */
function communesOf(result: D1Result | undefined): readonly string[] {
  const parsed = parsedCells(result);
  if (!parsed) return [];
  parsed.communes ??= [...new Set(parsed.cells.flatMap((cell) => (cell.commune === null ? [] : [cell.commune])))].sort(
    vietnameseOrder.compare,
  );
  return parsed.communes;
}

const cellFilters = (query: ProductQuery): CellFilters => ({
  category: query.category,
  commune: query.commune,
  minStars: query.minStars,
  minPrice: query.minPrice,
  maxPrice: query.maxPrice,
});

/** The facets of a page the cells answer, exactly as `countFacets` counts them, and its size. */
export function facetsOfCells(cells: readonly FacetCell[], query: ProductQuery, today: string): ProductFacets & { total: number } {
  const { categories, ...rest } = facetsFromCells(cells, cellFilters(query), today);
  return { ...rest, categories: categories.map((row) => ({ slug: row.slug as CategorySlug, count: row.count })) };
}

/**
 * A catalogue page with its facets (on the first page only: the next pages keep the same
 * filters, hence the same counts). A first page of the public catalogue, what shoppers see with
 * or without filters, reads its facets and its size from the cells kept by triggers (migration
 * 0020), in the same batch as the page, so both come from one snapshot: about two rows per
 * product listed and one more. A search and a seller's page count their facets through the
 * indexes.
 */
export async function listProductsWithFacets(
  db: D1Database,
  query: ProductQuery,
  today: string,
  viewerSellerId: string | null = null,
): Promise<ProductListing> {
  if (isAnsweredByFacetCells(query)) {
    const list = buildListQuery(query, today, viewerSellerId, 'whole', false);
    const [cellsResult, page] = await db.batch([db.prepare(FACET_CELLS_SQL), db.prepare(list.sql).bind(...list.params)]);
    const cells = cellsOf(cellsResult);
    if (cells) return listingFromCells(query, list.sort, page, cells, today);
  }
  const page = await listProducts(db, query, today, viewerSellerId);
  const facets = query.cursor ? null : await countFacets(db, query, today, page.lastWord);
  return { ...page, facets };
}

export type ProductListing = ProductPage & { lastWord: LastWordMatch; facets: ProductFacets | null };

/** A first page listed without probing for a next one: the cells know the page's size. */
function listingFromCells(
  query: ProductQuery,
  sort: ProductSort,
  page: D1Result | undefined,
  cells: readonly FacetCell[],
  today: string,
): ProductListing {
  const rows = (page?.results ?? []) as Array<ProductRow & { sort_key: string | number }>;
  const { total, ...facets } = facetsOfCells(cells, query, today);
  const lastRow = rows.at(-1);
  return {
    items: rows.map((row) => rowToProduct(row, today)),
    nextCursor: total > query.limit && lastRow ? encodeCursor([sort, lastRow.sort_key, lastRow.id, 'whole']) : null,
    lastWord: 'whole',
    facets,
  };
}

export interface CataloguePage {
  categories: CategorySummary[];
  /** The communes with products on sale, in Vietnamese order: the commune filter's choices. */
  communes: readonly string[];
  /** None when the filters were refused before listing. */
  listing: ProductListing | null;
}

/**
 * Everything the catalogue page shows, in one batch when the cells answer the page: the groups
 * with their counts, the communes to filter by, and the page with its facets, all from one
 * snapshot. A search or a later page lists after the batch (`listProductsWithFacets`).
 */
export async function loadCataloguePage(db: D1Database, query: ProductQuery | null, today: string): Promise<CataloguePage> {
  const list = query && isAnsweredByFacetCells(query) ? buildListQuery(query, today, null, 'whole', false) : null;
  const [categoriesResult, cellsResult, page] = await db.batch([
    db.prepare(CATEGORIES_SQL),
    db.prepare(FACET_CELLS_SQL),
    ...(list ? [db.prepare(list.sql).bind(...list.params)] : []),
  ]);
  const cells = cellsOf(cellsResult);
  const chrome = {
    categories: categorySummaries(categoriesResult, cells ?? []),
    communes: communesOf(cellsResult),
  };
  if (!query) return { ...chrome, listing: null };
  if (list && cells) return { ...chrome, listing: listingFromCells(query, list.sort, page, cells, today) };
  return { ...chrome, listing: await listProductsWithFacets(db, query, today) };
}

/** One product in any status; the caller decides who may see drafts and archived ones. */
export async function findProduct(db: D1Database, id: string, today: string): Promise<Product | null> {
  const row = await db
    .prepare(`SELECT ${PRODUCT_COLUMNS} FROM products p JOIN organizations o ON o.id = p.seller_id WHERE p.id = ?1`)
    .bind(id)
    .first<ProductRow>();
  return row ? rowToProduct(row, today) : null;
}

/** Several products in any status, by id (a cart's): at most a few dozen, in one query. */
export async function findProducts(db: D1Database, ids: readonly string[], today: string): Promise<Product[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT ${PRODUCT_COLUMNS} FROM products p JOIN organizations o ON o.id = p.seller_id WHERE p.id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(ids))
    .all<ProductRow>();
  return results.map((row) => rowToProduct(row, today));
}

export interface OcopInput {
  stars: OcopStars;
  certificateNo: string;
  issuedAt: string;
  expiresAt: string;
}

export interface NewProduct {
  id: string;
  sellerId: string;
  name: string;
  description: string;
  category: CategorySlug;
  price: number;
  unit: string;
  stock: number;
  status: 'draft' | 'active';
  ocop: OcopInput | null;
}

export async function insertProduct(db: D1Database, product: NewProduct, now: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO products (id, seller_id, name, description, category, price, unit, stock, status,
         ocop_stars, ocop_certificate_no, ocop_issued_at, ocop_expires_at, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)`,
    )
    .bind(
      product.id,
      product.sellerId,
      product.name,
      product.description,
      product.category,
      product.price,
      product.unit,
      product.stock,
      product.status,
      product.ocop?.stars ?? null,
      product.ocop?.certificateNo ?? null,
      product.ocop?.issuedAt ?? null,
      product.ocop?.expiresAt ?? null,
      now,
    )
    .run();
}

export type ProductChanges = Partial<Omit<NewProduct, 'id' | 'sellerId'>>;

/**
 * Applies a seller's changes to one of its own products. Returns false when the product
 * does not exist or belongs to another seller: the caller answers 404 either way, so a
 * seller cannot learn which ids another seller uses.
 */
export async function updateProduct(db: D1Database, id: string, sellerId: string, changes: ProductChanges, now: string): Promise<boolean> {
  const params: unknown[] = [id, sellerId, now];
  const set: string[] = ['updated_at = ?3'];
  const column = (name: string, value: unknown) => {
    params.push(value);
    set.push(`${name} = ?${params.length}`);
  };
  if (changes.name !== undefined) column('name', changes.name);
  if (changes.description !== undefined) column('description', changes.description);
  if (changes.category !== undefined) column('category', changes.category);
  if (changes.price !== undefined) column('price', changes.price);
  if (changes.unit !== undefined) column('unit', changes.unit);
  if (changes.stock !== undefined) column('stock', changes.stock);
  if (changes.status !== undefined) column('status', changes.status);
  if (changes.ocop !== undefined) {
    column('ocop_stars', changes.ocop?.stars ?? null);
    column('ocop_certificate_no', changes.ocop?.certificateNo ?? null);
    column('ocop_issued_at', changes.ocop?.issuedAt ?? null);
    column('ocop_expires_at', changes.ocop?.expiresAt ?? null);
  }
  const result = await db
    .prepare(`UPDATE products SET ${set.join(', ')} WHERE id = ?1 AND seller_id = ?2 RETURNING id`)
    .bind(...params)
    .all();
  return rowsWritten(result) === 1;
}

export async function archiveProduct(db: D1Database, id: string, sellerId: string, now: string): Promise<boolean> {
  const result = await db
    .prepare("UPDATE products SET status = 'archived', updated_at = ?3 WHERE id = ?1 AND seller_id = ?2 RETURNING id")
    .bind(id, sellerId, now)
    .all();
  return rowsWritten(result) === 1;
}

/**
 * Appends an uploaded photo's key, unless the product already has the maximum. The
 * count is checked in the same statement, so two uploads at once cannot exceed it.
 */
export async function appendProductImage(db: D1Database, id: string, sellerId: string, key: string, now: string): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE products SET images = json_insert(images, '$[#]', ?3), updated_at = ?4
       WHERE id = ?1 AND seller_id = ?2 AND json_array_length(images) < ?5 RETURNING id`,
    )
    .bind(id, sellerId, key, now, MAX_IMAGES_PER_PRODUCT)
    .all();
  return rowsWritten(result) === 1;
}

export interface CategorySummary {
  slug: CategorySlug;
  name: string;
  productCount: number;
}

const CATEGORIES_SQL = 'SELECT slug, name FROM categories ORDER BY position';

/** The groups in their order, counted from the facet cells (one row), not from the products. */
function categorySummaries(categories: D1Result | undefined, cells: readonly FacetCell[]): CategorySummary[] {
  const counts = categoryCounts(cells);
  return ((categories?.results ?? []) as Array<{ slug: CategorySlug; name: string }>).map((row) => ({
    slug: row.slug,
    name: row.name,
    productCount: counts.get(row.slug) ?? 0,
  }));
}

export async function listCategories(db: D1Database): Promise<CategorySummary[]> {
  const [categories, cells] = await db.batch([db.prepare(CATEGORIES_SQL), db.prepare(FACET_CELLS_SQL)]);
  return categorySummaries(categories, cellsOf(cells) ?? []);
}
