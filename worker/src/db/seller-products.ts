/**
 * A seller's own catalogue as the seller works on it (every status, hidden ones with their
 * reason), the order of its photos, and an admin's moderation (hide and unhide, each with an
 * append-only event in the same batch).
 */
import { toFtsQuery } from '../domain/search-text';
import { newId } from '../domain/tokens';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { PRODUCT_COLUMNS, type Product, type ProductRow, rowToProduct } from './products';
import { all, prepare, rowsWritten, type Sql, sql, trusted } from './sql';

/** What a seller filters its list by: a status of its own, or "hidden by an admin". */
export const SELLER_PRODUCT_FILTERS = ['draft', 'active', 'archived', 'hidden'] as const;
export type SellerProductFilter = (typeof SELLER_PRODUCT_FILTERS)[number];

export interface SellerProductQuery {
  q?: string;
  status?: SellerProductFilter;
  limit: number;
  cursor?: string;
}

/**
 * One page of a seller's own products, newest first, keyset-paged on (created_at, id). It
 * searches products_seller_status_created (or the search index with q), never the whole table.
 */
export async function listSellerProducts(
  db: D1Database,
  sellerId: string,
  query: SellerProductQuery,
  today: string,
): Promise<{ items: Product[]; nextCursor: string | null }> {
  const { results } = await prepare(db, buildSellerListQuery(sellerId, query)).all<ProductRow>();
  const hasMore = results.length > query.limit;
  const rows = hasMore ? results.slice(0, query.limit) : results;
  const last = rows.at(-1);
  return {
    items: rows.map((row) => rowToProduct(row, today)),
    nextCursor: hasMore && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

/** The SQL of `listSellerProducts`; exported for the query-plan test. */
export function buildSellerListQuery(sellerId: string, query: SellerProductQuery): Sql {
  const conditions: Sql[] = [sql`p.seller_id = ${sellerId}`];
  const match = query.q ? toFtsQuery(query.q) : null;
  let from = trusted('products p JOIN organizations o ON o.id = p.seller_id');
  if (match) {
    from = trusted('products_fts JOIN products p ON p.seq = products_fts.rowid JOIN organizations o ON o.id = p.seller_id');
    conditions.push(sql`products_fts MATCH ${match}`);
  }
  if (query.status === 'hidden') conditions.push(sql`p.hidden_at IS NOT NULL`);
  else if (query.status) conditions.push(sql`p.status = ${query.status}`);
  if (query.cursor) {
    const [createdAt, id, ...rest] = decodeCursor(query.cursor);
    if (typeof createdAt !== 'string' || typeof id !== 'string' || rest.length > 0) throw invalidCursor();
    conditions.push(sql`(p.created_at < ${createdAt} OR (p.created_at = ${createdAt} AND p.id < ${id}))`);
  }
  return sql`SELECT ${trusted(PRODUCT_COLUMNS)} FROM ${from} WHERE ${all(conditions)}
    ORDER BY p.created_at DESC, p.id DESC LIMIT ${query.limit + 1}`;
}

/**
 * Replaces a product's photo order with `keys`, only if the product still has exactly the
 * photos `current` lists: an upload or a delete that landed meanwhile is never lost (the
 * caller answers 409 and the seller tries again on fresh state).
 */
export async function replaceProductImages(
  db: D1Database,
  id: string,
  sellerId: string,
  current: readonly string[],
  keys: readonly string[],
  now: string,
): Promise<boolean> {
  const result = await prepare(
    db,
    sql`UPDATE products SET images = ${JSON.stringify(keys)}, updated_at = ${now}
      WHERE id = ${id} AND seller_id = ${sellerId} AND images = ${JSON.stringify(current)} RETURNING id`,
  ).all();
  return rowsWritten(result) === 1;
}

/** The R2 keys of a product's photos, in display order. */
export async function productImageKeys(db: D1Database, id: string, sellerId: string): Promise<string[] | null> {
  const row = await prepare(db, sql`SELECT images FROM products WHERE id = ${id} AND seller_id = ${sellerId}`).first<{ images: string }>();
  return row ? (JSON.parse(row.images) as string[]) : null;
}

export const MODERATION_ACTIONS = ['hide', 'unhide'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/**
 * Hides a product from the public catalogue (or shows it again), with its event, in one
 * batch. The event is written only when the product actually changed, so hiding twice logs
 * once. Returns false when nothing changed (unknown product, or already in that state).
 */
export async function moderateProduct(
  db: D1Database,
  productId: string,
  action: ModerationAction,
  reason: string | null,
  actorUserId: string,
  now: string,
): Promise<boolean> {
  const eventId = newId('mod');
  // The product's state before the change. The event is written first, only from that
  // state, and the update applies only beside its own event: one transaction, so both or
  // neither.
  const before = action === 'hide' ? trusted('hidden_at IS NULL') : trusted('hidden_at IS NOT NULL');
  const [, result] = await db.batch([
    prepare(
      db,
      sql`INSERT INTO product_moderation_events (id, product_id, action, reason, actor_user_id, created_at)
        SELECT ${eventId}, ${productId}, ${action}, ${reason}, ${actorUserId}, ${now}
        WHERE EXISTS (SELECT 1 FROM products WHERE id = ${productId} AND ${before})`,
    ),
    prepare(
      db,
      sql`UPDATE products SET hidden_reason = ${action === 'hide' ? reason : null}, hidden_at = ${action === 'hide' ? now : null}
        WHERE id = ${productId} AND ${before}
          AND EXISTS (SELECT 1 FROM product_moderation_events WHERE id = ${eventId}) RETURNING id`,
    ),
  ]);
  return rowsWritten(result) === 1;
}

/** Products an admin has hidden, most recent first, for the moderation page. */
export async function listHiddenProducts(db: D1Database, today: string, limit = 100): Promise<Product[]> {
  const { results } = await prepare(
    db,
    sql`SELECT ${trusted(PRODUCT_COLUMNS)} FROM products p JOIN organizations o ON o.id = p.seller_id
      WHERE p.hidden_at IS NOT NULL ORDER BY p.hidden_at DESC LIMIT ${limit}`,
  ).all<ProductRow>();
  return results.map((row) => rowToProduct(row, today));
}
