import type { Carrier } from '../domain/carriers';
import type { FulfilmentStatus } from '../domain/fulfilment-state';
import { ApiError } from '../errors';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { join, prepare, sql, trusted } from './sql';
import { orderSubOrdersTransition, placeSubOrderEvents, stillSold } from './sub-orders';

export type OrderStatus = 'awaiting_payment' | 'paid' | 'cancelled' | 'expired';

export interface OrderItem {
  productId: string;
  name: string;
  unit: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

/** Where one seller's part of an order is on its way to the buyer. */
export interface Fulfilment {
  status: FulfilmentStatus;
  carrier: Carrier | null;
  trackingNumber: string | null;
  confirmedAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
}

export interface SubOrder extends Fulfilment {
  id: string;
  sellerId: string;
  sellerName: string;
  items: OrderItem[];
  subtotal: number;
}

export interface Order {
  id: string;
  status: OrderStatus;
  total: number;
  buyer: { name: string; phone: string; address: string };
  buyerUserId: string | null;
  accessTokenHash: string;
  reservedUntil: string;
  paidAt: string | null;
  paymentId: string | null;
  createdAt: string;
  subOrders: SubOrder[];
}

interface OrderRow {
  id: string;
  status: OrderStatus;
  total: number;
  buyer_name: string;
  buyer_phone: string;
  buyer_address: string;
  buyer_user_id: string | null;
  access_token_hash: string;
  reserved_until: string;
  paid_at: string | null;
  payment_id: string | null;
  created_at: string;
}

interface FulfilmentColumns {
  status: FulfilmentStatus;
  carrier: Carrier | null;
  tracking_number: string | null;
  confirmed_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
}

function rowToFulfilment(row: FulfilmentColumns): Fulfilment {
  return {
    status: row.status,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    confirmedAt: row.confirmed_at,
    shippedAt: row.shipped_at,
    deliveredAt: row.delivered_at,
    cancelledAt: row.cancelled_at,
    cancelReason: row.cancel_reason,
  };
}

const FULFILMENT_COLUMNS = `s.status, s.carrier, s.tracking_number, s.confirmed_at, s.shipped_at, s.delivered_at, s.cancelled_at,
  s.cancel_reason`;

interface ItemRow extends FulfilmentColumns {
  order_id: string;
  sub_order_id: string;
  seller_id: string;
  seller_name: string;
  subtotal: number;
  product_id: string;
  product_name: string;
  unit: string;
  unit_price: number;
  quantity: number;
  line_total: number;
}

type ItemColumns = Pick<ItemRow, 'product_id' | 'product_name' | 'unit' | 'unit_price' | 'quantity' | 'line_total'>;

function rowToItem(row: ItemColumns): OrderItem {
  return {
    productId: row.product_id,
    name: row.product_name,
    unit: row.unit,
    unitPrice: row.unit_price,
    quantity: row.quantity,
    lineTotal: row.line_total,
  };
}

function groupSubOrders(rows: ItemRow[]): SubOrder[] {
  const bySeller = new Map<string, SubOrder>();
  for (const row of rows) {
    let sub = bySeller.get(row.seller_id);
    if (!sub) {
      sub = {
        id: row.sub_order_id,
        sellerId: row.seller_id,
        sellerName: row.seller_name,
        items: [],
        subtotal: row.subtotal,
        ...rowToFulfilment(row),
      };
      bySeller.set(row.seller_id, sub);
    }
    sub.items.push(rowToItem(row));
  }
  return [...bySeller.values()];
}

const ITEM_COLUMNS = `oi.order_id, s.id AS sub_order_id, oi.seller_id, o.name AS seller_name, s.subtotal, oi.product_id,
  oi.product_name, oi.unit, oi.unit_price, oi.quantity, oi.line_total, ${FULFILMENT_COLUMNS}`;

export async function findOrder(db: D1Database, id: string): Promise<Order | null> {
  const [orderResult, itemsResult] = await db.batch([
    db.prepare('SELECT * FROM orders WHERE id = ?1').bind(id),
    db
      .prepare(
        `SELECT ${ITEM_COLUMNS}
         FROM order_items oi
         JOIN sub_orders s ON s.order_id = oi.order_id AND s.seller_id = oi.seller_id
         JOIN organizations o ON o.id = oi.seller_id
         WHERE oi.order_id = ?1 ORDER BY s.created_at, s.id, oi.product_name`,
      )
      .bind(id),
  ]);
  const row = (orderResult!.results as OrderRow[])[0];
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    total: row.total,
    buyer: { name: row.buyer_name, phone: row.buyer_phone, address: row.buyer_address },
    buyerUserId: row.buyer_user_id,
    accessTokenHash: row.access_token_hash,
    reservedUntil: row.reserved_until,
    paidAt: row.paid_at,
    paymentId: row.payment_id,
    createdAt: row.created_at,
    subOrders: groupSubOrders(itemsResult!.results as ItemRow[]),
  };
}

export interface PricedLine {
  productId: string;
  sellerId: string;
  name: string;
  unit: string;
  unitPrice: number;
  quantity: number;
}

export interface NewOrder {
  id: string;
  accessTokenHash: string;
  buyerUserId: string | null;
  /** A hash of the caller's address, for the cap on open orders per client. */
  clientKey: string;
  buyer: { name: string; phone: string; address: string };
  lines: PricedLine[];
  reservedUntil: string;
}

/**
 * Writes an order and reserves its stock in one batch. The catalogue's CHECK (stock >= 0)
 * makes the whole batch fail if any product ran out meanwhile, so an order never holds
 * stock it did not get.
 */
export async function insertOrder(db: D1Database, order: NewOrder, now: string): Promise<void> {
  const subtotals = new Map<string, number>();
  for (const line of order.lines) subtotals.set(line.sellerId, (subtotals.get(line.sellerId) ?? 0) + line.unitPrice * line.quantity);
  const total = [...subtotals.values()].reduce((a, b) => a + b, 0);
  const statements = [
    db
      .prepare(
        `INSERT INTO orders (id, access_token_hash, buyer_user_id, buyer_name, buyer_phone, buyer_address, total, reserved_until, created_at, updated_at, client_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)`,
      )
      .bind(
        order.id,
        order.accessTokenHash,
        order.buyerUserId,
        order.buyer.name,
        order.buyer.phone,
        order.buyer.address,
        total,
        order.reservedUntil,
        now,
        order.clientKey,
      ),
    ...[...subtotals.entries()].map(([sellerId, subtotal], index) =>
      db
        .prepare(
          `INSERT INTO sub_orders (id, order_id, seller_id, subtotal, status, created_at, updated_at)
           VALUES (?1, ?2, ?3, ?4, 'awaiting_payment', ?5, ?5)`,
        )
        .bind(`${order.id}_${index + 1}`, order.id, sellerId, subtotal, now),
    ),
    placeSubOrderEvents(db, order.id, now),
    ...order.lines.flatMap((line) => [
      db
        .prepare(
          `INSERT INTO order_items (order_id, product_id, seller_id, product_name, unit, unit_price, quantity, line_total)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
        )
        .bind(order.id, line.productId, line.sellerId, line.name, line.unit, line.unitPrice, line.quantity, line.unitPrice * line.quantity),
      db
        // No status filter: the product was checked just before, and an order must take
        // exactly the stock it will later give back.
        .prepare('UPDATE products SET stock = stock - ?2, updated_at = ?3 WHERE id = ?1')
        .bind(line.productId, line.quantity, now),
    ]),
  ];
  try {
    await db.batch(statements);
  } catch (error) {
    if (String(error).includes('CHECK constraint failed')) throw await insufficientStock(db, order.lines);
    throw error;
  }
}

/** The 409 for lines whose stock ran out between the check and the write, naming each product. */
async function insufficientStock(db: D1Database, lines: PricedLine[]): Promise<ApiError> {
  const rows = await db.batch(lines.map((line) => db.prepare('SELECT stock FROM products WHERE id = ?1').bind(line.productId)));
  const details = lines.flatMap((line, index) => {
    const stock = (rows[index]?.results[0] as { stock: number } | undefined)?.stock ?? 0;
    return stock < line.quantity ? [{ path: `items.${index}.quantity`, message: `${line.name}: chỉ còn ${stock} ${line.unit}` }] : [];
  });
  return new ApiError(
    409,
    'insufficient_stock',
    'Vừa có người mua trước, một số sản phẩm không còn đủ hàng; hãy sửa giỏ hàng rồi đặt lại.',
    details,
  );
}

/** Orders still awaiting payment placed from `clientKey`, and by `buyerUserId` when signed in. */
export async function countOpenOrders(
  db: D1Database,
  clientKey: string,
  buyerUserId: string | null,
): Promise<{ byClient: number; byBuyer: number }> {
  const row = await db
    .prepare(
      `SELECT (SELECT count(*) FROM orders WHERE client_key = ?1 AND status = 'awaiting_payment') AS by_client,
              (SELECT count(*) FROM orders WHERE buyer_user_id = ?2 AND status = 'awaiting_payment') AS by_buyer`,
    )
    .bind(clientKey, buyerUserId)
    .first<{ by_client: number; by_buyer: number }>();
  return { byClient: row?.by_client ?? 0, byBuyer: row?.by_buyer ?? 0 };
}

/**
 * Statements that give an order's stock back and mark it `to`, only if it is still
 * awaiting payment with no payment open: run twice (two sweeps, or a sweep and a cancel),
 * stock comes back once. A cancel expires the open payment earlier in the same batch.
 */
export function releaseOrderStatements(db: D1Database, orderId: string, to: 'cancelled' | 'expired', now: string): D1PreparedStatement[] {
  const stillReleasable = sql`EXISTS (SELECT 1 FROM orders WHERE id = ${orderId} AND status = 'awaiting_payment')
    AND NOT EXISTS (SELECT 1 FROM payments WHERE order_id = ${orderId} AND status = 'pending')`;
  return [
    // Items of a sub-order its seller already cancelled gave their stock back then.
    prepare(
      db,
      sql`UPDATE products SET stock = stock + (SELECT oi.quantity FROM order_items oi WHERE oi.order_id = ${orderId} AND oi.product_id = products.id),
            updated_at = ${now}
          WHERE id IN (SELECT oi.product_id FROM order_items oi JOIN sub_orders s ON s.order_id = oi.order_id AND s.seller_id = oi.seller_id
                       WHERE oi.order_id = ${orderId} AND ${stillSold('s')})
            AND ${stillReleasable}`,
    ),
    ...orderSubOrdersTransition(db, orderId, 'awaiting_payment', to === 'expired' ? 'expire' : 'buyer_cancel', {
      source: to === 'expired' ? 'system' : 'buyer',
      now,
      where: stillReleasable,
      set: { cancelled_at: now, cancelled_by: to === 'expired' ? 'system' : 'buyer' },
    }),
    // Last, and returning its row: callers read whether the release applied from it.
    prepare(
      db,
      sql`UPDATE orders SET status = ${to}, updated_at = ${now} WHERE id = ${orderId} AND ${stillReleasable}
          RETURNING id`,
    ),
  ];
}

/** True while an order still awaits payment (a condition for its payment's expiry when it is cancelled). */
export const orderIsAwaitingPayment = (orderId: string) =>
  sql`EXISTS (SELECT 1 FROM orders WHERE id = ${orderId} AND status = 'awaiting_payment')`;

/** Orders whose reservation ran out with no payment open, for the sweep. */
export async function findStaleOrders(db: D1Database, now: string, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT id FROM orders o
       WHERE o.status = 'awaiting_payment' AND o.reserved_until <= ?1
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'pending')
       ORDER BY reserved_until LIMIT ?2`,
    )
    .bind(now, limit)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

export interface SellerSubOrder extends Fulfilment {
  orderId: string;
  subOrderId: string;
  createdAt: string;
  buyer: { name: string; phone: string; address: string };
  items: OrderItem[];
  subtotal: number;
}

/**
 * A seller's part of each order, newest first, optionally only those in one status, or one
 * sub-order by id. Other sellers' items are never included.
 */
export async function listSellerSubOrders(
  db: D1Database,
  sellerId: string,
  options: { limit: number; status?: FulfilmentStatus; subOrderId?: string },
): Promise<SellerSubOrder[]> {
  const filters = [
    sql`seller_id = ${sellerId}`,
    ...(options.status ? [sql`status = ${options.status}`] : []),
    ...(options.subOrderId ? [sql`id = ${options.subOrderId}`] : []),
  ];
  const { results } = await prepare(
    db,
    sql`SELECT s.id AS sub_order_id, s.order_id, s.subtotal, s.created_at, ${trusted(FULFILMENT_COLUMNS)},
         o.buyer_name, o.buyer_phone, o.buyer_address,
         oi.product_id, oi.product_name, oi.unit, oi.unit_price, oi.quantity, oi.line_total
       FROM (SELECT * FROM sub_orders WHERE ${join(filters, ' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${options.limit}) s
       JOIN orders o ON o.id = s.order_id
       JOIN order_items oi ON oi.order_id = s.order_id AND oi.seller_id = s.seller_id
       ORDER BY s.created_at DESC, s.id DESC, oi.product_name`,
  ).all<
    ItemColumns &
      FulfilmentColumns & {
        sub_order_id: string;
        order_id: string;
        subtotal: number;
        created_at: string;
        buyer_name: string;
        buyer_phone: string;
        buyer_address: string;
      }
  >();
  const subs = new Map<string, SellerSubOrder>();
  for (const row of results) {
    let sub = subs.get(row.sub_order_id);
    if (!sub) {
      sub = {
        orderId: row.order_id,
        subOrderId: row.sub_order_id,
        createdAt: row.created_at,
        buyer: { name: row.buyer_name, phone: row.buyer_phone, address: row.buyer_address },
        items: [],
        subtotal: row.subtotal,
        ...rowToFulfilment(row),
      };
      subs.set(row.sub_order_id, sub);
    }
    sub.items.push(rowToItem(row));
  }
  return [...subs.values()];
}

/**
 * What each seller of an order is owed, for the ledger. A sub-order its seller cancelled is
 * owed to nobody: before payment the order's total shrank by it, after payment it was refunded.
 */
export async function orderPayees(db: D1Database, orderId: string): Promise<Array<{ organizationId: string; amount: number }>> {
  const { results } = await db
    .prepare("SELECT seller_id, subtotal FROM sub_orders WHERE order_id = ?1 AND cancelled_by IS NOT 'seller' ORDER BY id")
    .bind(orderId)
    .all<{ seller_id: string; subtotal: number }>();
  return results.map((row) => ({ organizationId: row.seller_id, amount: row.subtotal }));
}

export interface BuyerOrderSummary {
  id: string;
  status: OrderStatus;
  total: number;
  createdAt: string;
  paidAt: string | null;
  paymentId: string | null;
  /** Sellers' names, in the order of the sub-orders, so a shopper recognises the order. */
  sellers: string[];
  itemCount: number;
}

export interface BuyerOrderPage {
  items: BuyerOrderSummary[];
  nextCursor: string | null;
}

/**
 * A signed-in shopper's own orders, newest first, in keyset pages through the
 * (buyer_user_id, created_at) index. Only orders placed while signed in carry the user.
 */
export async function listBuyerOrders(db: D1Database, userId: string, limit: number, cursor?: string): Promise<BuyerOrderPage> {
  let after: [string, string] | null = null;
  if (cursor) {
    const [createdAt, id, ...rest] = decodeCursor(cursor);
    if (typeof createdAt !== 'string' || typeof id !== 'string' || rest.length > 0) throw invalidCursor();
    after = [createdAt, id];
  }
  const { results } = await db
    .prepare(
      `SELECT o.id, o.status, o.total, o.created_at, o.paid_at,
         coalesce(o.payment_id, (SELECT pay.id FROM payments pay WHERE pay.order_id = o.id AND pay.status = 'pending')) AS payment_id,
         (SELECT json_group_array(org.name) FROM sub_orders s JOIN organizations org ON org.id = s.seller_id WHERE s.order_id = o.id) AS sellers,
         (SELECT coalesce(sum(oi.quantity), 0) FROM order_items oi WHERE oi.order_id = o.id) AS item_count
       FROM orders o
       WHERE o.buyer_user_id = ?1 ${after ? 'AND (o.created_at < ?2 OR (o.created_at = ?2 AND o.id < ?3))' : ''}
       ORDER BY o.created_at DESC, o.id DESC
       LIMIT ${limit + 1}`,
    )
    .bind(userId, ...(after ?? []))
    .all<{
      id: string;
      status: OrderStatus;
      total: number;
      created_at: string;
      paid_at: string | null;
      payment_id: string | null;
      sellers: string;
      item_count: number;
    }>();
  const rows = results.slice(0, limit);
  const last = rows.at(-1);
  return {
    items: rows.map((row) => ({
      id: row.id,
      status: row.status,
      total: row.total,
      createdAt: row.created_at,
      paidAt: row.paid_at,
      paymentId: row.payment_id,
      sellers: JSON.parse(row.sellers) as string[],
      itemCount: row.item_count,
    })),
    nextCursor: results.length > limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}
