import { type RefundEvent, type RefundStatus, refundTransition } from '../domain/refund-state';
import { newId } from '../domain/tokens';
import { join, list, prepare, rowsWritten, type Sql, sql, trusted } from './sql';

export type RefundSource = 'api' | 'stripe' | 'staff';

export interface Refund {
  id: string;
  /** The payment refunded, or null for money that matched nothing (then exceptionId). */
  paymentId: string | null;
  exceptionId: string | null;
  /** Set when a seller cancelled its paid sub-order: the refund reverses only that seller's share. */
  subOrderId: string | null;
  subOrderSellerId: string | null;
  /** Whose money it is: the payment's payee, or the exception's queue. */
  organizationId: string | null;
  amount: number;
  reason: string;
  method: 'vietqr' | 'stripe';
  status: RefundStatus;
  requestedBy: string | null;
  approvedBy: string | null;
  sentBy: string | null;
  stripeRefundId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface RefundRow {
  id: string;
  payment_id: string | null;
  exception_id: string | null;
  sub_order_id: string | null;
  sub_order_seller_id: string | null;
  organization_id: string | null;
  amount: number;
  reason: string;
  method: 'vietqr' | 'stripe';
  status: RefundStatus;
  requested_by: string | null;
  approved_by: string | null;
  sent_by: string | null;
  stripe_refund_id: string | null;
  created_at: string;
  updated_at: string;
}

const rowToRefund = (row: RefundRow): Refund => ({
  id: row.id,
  paymentId: row.payment_id,
  exceptionId: row.exception_id,
  subOrderId: row.sub_order_id,
  subOrderSellerId: row.sub_order_seller_id,
  organizationId: row.organization_id,
  amount: row.amount,
  reason: row.reason,
  method: row.method,
  status: row.status,
  requestedBy: row.requested_by,
  approvedBy: row.approved_by,
  sentBy: row.sent_by,
  stripeRefundId: row.stripe_refund_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const REFUNDS = `SELECT r.id, r.payment_id, r.exception_id, r.sub_order_id, so.seller_id AS sub_order_seller_id,
    coalesce(p.payee_org_id, e.organization_id) AS organization_id, r.amount,
    r.reason, r.method, r.status, r.requested_by, r.approved_by, r.sent_by, r.stripe_refund_id, r.created_at, r.updated_at
  FROM refunds r LEFT JOIN payments p ON p.id = r.payment_id LEFT JOIN payment_exceptions e ON e.id = r.exception_id
    LEFT JOIN sub_orders so ON so.id = r.sub_order_id`;

export async function findRefund(db: D1Database, id: string): Promise<Refund | null> {
  const row = await db.prepare(`${REFUNDS} WHERE r.id = ?1`).bind(id).first<RefundRow>();
  return row ? rowToRefund(row) : null;
}

/** The refunds made because sellers cancelled sub-orders of an order, for the buyer's order page. */
export async function listSubOrderRefunds(db: D1Database, orderId: string): Promise<Refund[]> {
  const { results } = await db
    .prepare(`${REFUNDS} WHERE r.sub_order_id IN (SELECT id FROM sub_orders WHERE order_id = ?1) ORDER BY r.created_at`)
    .bind(orderId)
    .all<RefundRow>();
  return results.map(rowToRefund);
}

export async function listPaymentRefunds(db: D1Database, paymentId: string): Promise<Refund[]> {
  const { results } = await db.prepare(`${REFUNDS} WHERE r.payment_id = ?1 ORDER BY r.created_at`).bind(paymentId).all<RefundRow>();
  return results.map(rowToRefund);
}

/** Transfers back of exception money, newest first: one organization's, or everyone's (admins). */
export async function listExceptionRefunds(db: D1Database, organizationId: string | undefined, limit = 200): Promise<Refund[]> {
  const statement =
    organizationId === undefined
      ? db.prepare(`${REFUNDS} WHERE r.exception_id IS NOT NULL ORDER BY r.created_at DESC LIMIT ?1`).bind(limit)
      : db.prepare(`${REFUNDS} WHERE e.organization_id = ?1 ORDER BY r.created_at DESC LIMIT ?2`).bind(organizationId, limit);
  return (await statement.all<RefundRow>()).results.map(rowToRefund);
}

/** The sum of a payment's refunds in the given statuses. */
export async function sumPaymentRefunds(db: D1Database, paymentId: string, statuses: readonly RefundStatus[]): Promise<number> {
  const row = await prepare(
    db,
    sql`SELECT coalesce(sum(amount), 0) AS total FROM refunds WHERE payment_id = ${paymentId} AND status IN (${list(statuses)})`,
  ).first<{ total: number }>();
  return row!.total;
}

/**
 * True while the refund is still `status` and the payment's settled refunds still add up to
 * `settledTotal`: its settlement (partial or full) was decided on what is still true.
 */
export const refundStillSettleable = (refundId: string, status: RefundStatus, paymentId: string, settledTotal: number) =>
  sql`EXISTS (SELECT 1 FROM refunds WHERE id = ${refundId} AND status = ${status})
    AND (SELECT coalesce(sum(amount), 0) FROM refunds WHERE payment_id = ${paymentId} AND status IN ('sent', 'succeeded')) = ${settledTotal}`;

function eventStatement(
  db: D1Database,
  change: { eventId: string; refundId: string; event: RefundEvent; from: RefundStatus | null; to: RefundStatus },
  options: { source: RefundSource; actorId: string | null; data?: Record<string, unknown>; now: string },
  applied: Sql,
): D1PreparedStatement {
  return prepare(
    db,
    sql`INSERT INTO refund_events (id, refund_id, event, from_status, to_status, source, actor_id, data, created_at)
        SELECT ${change.eventId}, ${change.refundId}, ${change.event}, ${change.from}, ${change.to}, ${options.source}, ${options.actorId},
          ${JSON.stringify(options.data ?? {})}, ${options.now}
        WHERE ${applied}`,
  );
}

export interface PreparedRefundChange {
  refundId: string;
  eventId: string;
  to: RefundStatus;
  statements: D1PreparedStatement[];
  /** True only once this change has been applied: guards the caller's own statements. */
  applied: Sql;
}

export interface NewRefund {
  id?: string;
  paymentId: string | null;
  exceptionId: string | null;
  /** The sub-order whose cancellation this refund pays back, if that is why it is made. */
  subOrderId?: string | null;
  amount: number;
  reason: string;
  method: 'vietqr' | 'stripe';
  requestedBy: string | null;
}

/**
 * The creation edge of the refund table: the refund row and its first event. With
 * `onlyIf`, both are written only when that condition holds inside the batch.
 */
export function createRefundStatements(
  db: D1Database,
  refund: NewRefund,
  event: Extract<RefundEvent, 'request_transfer' | 'request_card' | 'record_gateway'>,
  options: { source: RefundSource; data?: Record<string, unknown>; now: string; onlyIf?: Sql },
): PreparedRefundChange {
  const to = refundTransition(null, event);
  const refundId = refund.id ?? newId('ref');
  const eventId = newId('rev');
  const applied = sql`EXISTS (SELECT 1 FROM refunds WHERE id = ${refundId} AND last_event_id = ${eventId})`;
  return {
    refundId,
    eventId,
    to,
    applied,
    statements: [
      prepare(
        db,
        sql`INSERT INTO refunds (id, payment_id, exception_id, sub_order_id, amount, reason, method, status, requested_by, last_event_id,
              created_at, updated_at)
            SELECT ${refundId}, ${refund.paymentId}, ${refund.exceptionId}, ${refund.subOrderId ?? null}, ${refund.amount}, ${refund.reason},
              ${refund.method}, ${to}, ${refund.requestedBy}, ${eventId}, ${options.now}, ${options.now}
            WHERE ${options.onlyIf ?? sql`1 = 1`}
            RETURNING id`,
      ),
      eventStatement(db, { eventId, refundId, event, from: null, to }, { ...options, actorId: refund.requestedBy }, applied),
    ],
  };
}

/** Columns a refund change may set along with the status. */
export interface RefundColumnChanges {
  approved_by?: string;
  sent_by?: string | null;
  stripe_refund_id?: string;
}

/**
 * The only way a refund's status changes: the conditional status update (from the status
 * the caller read), and its event, guarded by the refund's last event id.
 * Throws IllegalRefundTransitionError for a move the table does not allow.
 */
export function prepareRefundTransition(
  db: D1Database,
  refund: Pick<Refund, 'id' | 'status'>,
  event: RefundEvent,
  options: {
    source: RefundSource;
    actorId: string | null;
    data?: Record<string, unknown>;
    now: string;
    set?: RefundColumnChanges;
    condition?: Sql;
  },
): PreparedRefundChange {
  const to = refundTransition(refund.status, event);
  const eventId = newId('rev');
  const extraSet = Object.entries(options.set ?? {}).map(([column, value]) => sql`, ${trusted(column)} = ${value ?? null}`);
  const condition = options.condition ? sql` AND (${options.condition})` : sql``;
  const applied = sql`EXISTS (SELECT 1 FROM refunds WHERE id = ${refund.id} AND last_event_id = ${eventId})`;
  return {
    refundId: refund.id,
    eventId,
    to,
    applied,
    statements: [
      prepare(
        db,
        sql`UPDATE refunds SET status = ${to}, last_event_id = ${eventId}, updated_at = ${options.now}${join(extraSet, '')}
            WHERE id = ${refund.id} AND status = ${refund.status}${condition}
            RETURNING id`,
      ),
      eventStatement(db, { eventId, refundId: refund.id, event, from: refund.status, to }, options, applied),
    ],
  };
}

/** Whether the change (the first statement of its part of the batch) took effect. */
export function refundChangeApplied(results: D1Result[], firstIndex = 0): boolean {
  return rowsWritten(results[firstIndex]) === 1;
}

/**
 * True while a payment can take a refund of `amount` more: paid, and neither more than it
 * was for nor more than actually arrived (a person may have accepted a shortfall; the
 * payer's ledger account says what arrived).
 */
export const paymentHasRoomFor = (paymentId: string, amount: number) =>
  sql`EXISTS (SELECT 1 FROM payments WHERE id = ${paymentId} AND status IN ('paid', 'partially_refunded')
        AND amount_refunded + ${amount} <= amount
        AND amount_refunded + ${amount} <= (SELECT coalesce(sum(credit), 0) FROM ledger_lines
          WHERE payment_id = ${paymentId} AND account = 'payer:' || ${paymentId}))`;

/** Moves `delta` into (or, negative, out of) a payment's refunded amount, guarded by `applied`. */
export function shiftRefundedAmount(db: D1Database, paymentId: string, delta: number, applied: Sql, now: string): D1PreparedStatement {
  return prepare(
    db,
    sql`UPDATE payments SET amount_refunded = amount_refunded + ${delta}, updated_at = ${now} WHERE id = ${paymentId} AND ${applied}`,
  );
}

/**
 * A rejected transfer back of exception money leaves it where it was: open again, as a new
 * exception that points at the old one, never dropped. Guarded by `applied`.
 */
export function reopenExceptionStatement(db: D1Database, exceptionId: string, refundId: string, applied: Sql, now: string) {
  return prepare(
    db,
    sql`INSERT INTO payment_exceptions (id, type, organization_id, bank_credit_id, payment_id, amount, expected_amount, details,
          account_number, booked_date, created_at)
        SELECT ${newId('exc')}, e.type, e.organization_id, e.bank_credit_id, e.payment_id, e.amount, e.expected_amount,
          json_set(e.details, '$.reopenedFrom', e.id, '$.rejectedRefund', ${refundId}), e.account_number, e.booked_date, ${now}
        FROM payment_exceptions e WHERE e.id = ${exceptionId} AND ${applied}`,
  );
}
