import type { Carrier } from '../domain/carriers';
import { type FulfilmentEvent, type FulfilmentStatus, fulfilmentTransition } from '../domain/fulfilment-state';
import { newId } from '../domain/tokens';
import { join, prepare, type Sql, type SqlValue, sql, trusted } from './sql';

export type SubOrderSource = 'seller' | 'buyer' | 'system' | 'payment';
export type CancelledBy = 'seller' | 'buyer' | 'system';

export interface SubOrderRecord {
  id: string;
  orderId: string;
  sellerId: string;
  status: FulfilmentStatus;
  subtotal: number;
  carrier: Carrier | null;
  trackingNumber: string | null;
  confirmedAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  cancelledBy: CancelledBy | null;
  createdAt: string;
}

interface SubOrderRow {
  id: string;
  order_id: string;
  seller_id: string;
  status: FulfilmentStatus;
  subtotal: number;
  carrier: Carrier | null;
  tracking_number: string | null;
  confirmed_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  cancelled_by: CancelledBy | null;
  created_at: string;
}

export const rowToSubOrder = (row: SubOrderRow): SubOrderRecord => ({
  id: row.id,
  orderId: row.order_id,
  sellerId: row.seller_id,
  status: row.status,
  subtotal: row.subtotal,
  carrier: row.carrier,
  trackingNumber: row.tracking_number,
  confirmedAt: row.confirmed_at,
  shippedAt: row.shipped_at,
  deliveredAt: row.delivered_at,
  cancelledAt: row.cancelled_at,
  cancelReason: row.cancel_reason,
  cancelledBy: row.cancelled_by,
  createdAt: row.created_at,
});

export async function findSubOrder(db: D1Database, id: string): Promise<SubOrderRecord | null> {
  const row = await db.prepare('SELECT * FROM sub_orders WHERE id = ?1').bind(id).first<SubOrderRow>();
  return row ? rowToSubOrder(row) : null;
}

/** Columns a sub-order's change may set along with its status. */
export interface SubOrderColumnChanges {
  carrier?: Carrier;
  tracking_number?: string | null;
  confirmed_at?: string;
  shipped_at?: string;
  delivered_at?: string;
  cancelled_at?: string | null;
  cancel_reason?: string;
  cancelled_by?: CancelledBy | null;
}

export interface PreparedSubOrderChange {
  eventId: string;
  to: FulfilmentStatus;
  statements: D1PreparedStatement[];
  /** True only once this change has been applied: guards the caller's own statements. */
  applied: Sql;
}

const setClause = (set: SubOrderColumnChanges | undefined) =>
  join(
    Object.entries(set ?? {}).map(([column, value]) => sql`, ${trusted(column)} = ${(value ?? null) as SqlValue}`),
    '',
  );

/**
 * The only way one sub-order's status changes: the conditional update (from the status the
 * caller read, and `condition`), and its event, guarded by the sub-order's last event id.
 * The update is the first statement and returns the row: `rowsWritten(results[i]) === 1`
 * says whether it applied. Throws IllegalFulfilmentTransitionError for a move the table does not allow.
 */
export function prepareSubOrderTransition(
  db: D1Database,
  subOrder: Pick<SubOrderRecord, 'id' | 'status'>,
  event: FulfilmentEvent,
  options: {
    source: SubOrderSource;
    actorId: string | null;
    now: string;
    data?: Record<string, unknown>;
    set?: SubOrderColumnChanges;
    condition?: Sql;
  },
): PreparedSubOrderChange {
  const to = fulfilmentTransition(subOrder.status, event);
  const eventId = newId('soev');
  const condition = options.condition ? sql` AND (${options.condition})` : sql``;
  const applied = sql`EXISTS (SELECT 1 FROM sub_orders WHERE id = ${subOrder.id} AND last_event_id = ${eventId})`;
  return {
    eventId,
    to,
    applied,
    statements: [
      prepare(
        db,
        sql`UPDATE sub_orders SET status = ${to}, last_event_id = ${eventId}, updated_at = ${options.now}${setClause(options.set)}
            WHERE id = ${subOrder.id} AND status = ${subOrder.status}${condition}
            RETURNING id`,
      ),
      prepare(
        db,
        sql`INSERT INTO sub_order_events (id, sub_order_id, event, from_status, to_status, source, actor_id, data, created_at)
            SELECT ${eventId}, ${subOrder.id}, ${event}, ${subOrder.status}, ${to}, ${options.source}, ${options.actorId},
              ${JSON.stringify(options.data ?? {})}, ${options.now}
            WHERE ${applied}`,
      ),
    ],
  };
}

/**
 * The same move for every sub-order of an order that is `from` and meets `where` (a payment
 * confirmed, the order expired or cancelled): one event per sub-order, then the updates.
 * Each event id is the batch's prefix and the sub-order id, so the rows stay linked.
 */
export function orderSubOrdersTransition(
  db: D1Database,
  orderId: string,
  from: FulfilmentStatus,
  event: FulfilmentEvent,
  options: { source: SubOrderSource; now: string; where: Sql; set?: SubOrderColumnChanges; data?: Record<string, unknown> },
): D1PreparedStatement[] {
  const to = fulfilmentTransition(from, event);
  const prefix = `${newId('soev')}_`;
  const chosen = sql`order_id = ${orderId} AND status = ${from} AND (${options.where})`;
  return [
    prepare(
      db,
      sql`INSERT INTO sub_order_events (id, sub_order_id, event, from_status, to_status, source, actor_id, data, created_at)
          SELECT ${prefix} || id, id, ${event}, status, ${to}, ${options.source}, NULL, ${JSON.stringify(options.data ?? {})}, ${options.now}
          FROM sub_orders WHERE ${chosen}`,
    ),
    prepare(
      db,
      sql`UPDATE sub_orders SET status = ${to}, last_event_id = ${prefix} || id, updated_at = ${options.now}${setClause(options.set)}
          WHERE ${chosen}`,
    ),
  ];
}

/** The creation edge for a new order's sub-orders (`∅ --place--> awaiting_payment`), after their rows are inserted. */
export function placeSubOrderEvents(db: D1Database, orderId: string, now: string): D1PreparedStatement {
  const to = fulfilmentTransition(null, 'place');
  const prefix = `${newId('soev')}_`;
  return prepare(
    db,
    sql`INSERT INTO sub_order_events (id, sub_order_id, event, from_status, to_status, source, actor_id, data, created_at)
        SELECT ${prefix} || id, id, 'place', NULL, ${to}, 'buyer', NULL, '{}', ${now} FROM sub_orders WHERE order_id = ${orderId}`,
  );
}

/** Gives back the stock of one seller's items in an order, guarded by `applied`. */
export function releaseSubOrderStock(db: D1Database, subOrder: Pick<SubOrderRecord, 'orderId' | 'sellerId'>, applied: Sql, now: string) {
  return prepare(
    db,
    sql`UPDATE products SET stock = stock + (SELECT oi.quantity FROM order_items oi WHERE oi.order_id = ${subOrder.orderId} AND oi.product_id = products.id),
          updated_at = ${now}
        WHERE id IN (SELECT product_id FROM order_items WHERE order_id = ${subOrder.orderId} AND seller_id = ${subOrder.sellerId})
          AND ${applied}`,
  );
}

/** True for a sub-order that still counts in its order: not cancelled by its seller. */
export const stillSold = (alias: string) => sql`${trusted(alias)}.cancelled_by IS NOT 'seller'`;

/**
 * After a seller cancelled part of an unpaid order: the order costs that much less, or, when
 * nothing is left, is cancelled. Guarded by `applied` (the sub-order's cancellation).
 */
export function shrinkUnpaidOrder(db: D1Database, subOrder: Pick<SubOrderRecord, 'orderId' | 'subtotal'>, applied: Sql, now: string) {
  const anyLeft = sql`EXISTS (SELECT 1 FROM sub_orders WHERE order_id = ${subOrder.orderId} AND status <> 'cancelled')`;
  return [
    prepare(
      db,
      sql`UPDATE orders SET total = total - ${subOrder.subtotal}, updated_at = ${now}
          WHERE id = ${subOrder.orderId} AND status = 'awaiting_payment' AND ${anyLeft} AND ${applied}`,
    ),
    prepare(
      db,
      sql`UPDATE orders SET status = 'cancelled', updated_at = ${now}
          WHERE id = ${subOrder.orderId} AND status = 'awaiting_payment' AND NOT ${anyLeft} AND ${applied}`,
    ),
  ];
}
