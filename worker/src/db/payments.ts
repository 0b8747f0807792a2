import type { LedgerLine } from '../domain/ledger';
import { type PaymentEvent, type PaymentStatus, transition } from '../domain/payment-state';
import { newId } from '../domain/tokens';
import { inSlices, join, list, prepare, rowsWritten, type Sql, type SqlValue, sql, trusted } from './sql';
import { orderSubOrdersTransition, stillSold } from './sub-orders';

export type { SqlValue } from './sql';
export type PaymentMethod = 'vietqr' | 'stripe';
export type PaymentSource = 'api' | 'bank' | 'stripe' | 'system' | 'staff';

export interface Payment {
  id: string;
  reference: string;
  billId: string | null;
  orderId: string | null;
  payeeOrgId: string | null;
  amount: number;
  currency: 'VND';
  method: PaymentMethod;
  status: PaymentStatus;
  payeeBankBin: string;
  payeeAccountNo: string;
  payeeAccountName: string;
  vietqrPayload: string | null;
  stripeSessionId: string | null;
  stripeCheckoutUrl: string | null;
  stripePaymentIntent: string | null;
  amountRefunded: number;
  expiresAt: string;
  paidAt: string | null;
  requestHash: string;
  createdAt: string;
  updatedAt: string;
}

interface PaymentRow {
  id: string;
  reference: string;
  bill_id: string | null;
  order_id: string | null;
  payee_org_id: string | null;
  amount: number;
  currency: 'VND';
  method: PaymentMethod;
  status: PaymentStatus;
  payee_bank_bin: string;
  payee_account_no: string;
  payee_account_name: string;
  vietqr_payload: string | null;
  stripe_session_id: string | null;
  stripe_checkout_url: string | null;
  stripe_payment_intent: string | null;
  amount_refunded: number;
  expires_at: string;
  paid_at: string | null;
  request_hash: string;
  created_at: string;
  updated_at: string;
}

function rowToPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    reference: row.reference,
    billId: row.bill_id,
    orderId: row.order_id,
    payeeOrgId: row.payee_org_id,
    amount: row.amount,
    currency: row.currency,
    method: row.method,
    status: row.status,
    payeeBankBin: row.payee_bank_bin,
    payeeAccountNo: row.payee_account_no,
    payeeAccountName: row.payee_account_name,
    vietqrPayload: row.vietqr_payload,
    stripeSessionId: row.stripe_session_id,
    stripeCheckoutUrl: row.stripe_checkout_url,
    stripePaymentIntent: row.stripe_payment_intent,
    amountRefunded: row.amount_refunded,
    expiresAt: row.expires_at,
    paidAt: row.paid_at,
    requestHash: row.request_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findPayment(db: D1Database, id: string): Promise<Payment | null> {
  const row = await db.prepare('SELECT * FROM payments WHERE id = ?1').bind(id).first<PaymentRow>();
  return row ? rowToPayment(row) : null;
}

export async function findPaymentByStripeSession(db: D1Database, sessionId: string): Promise<Payment | null> {
  const row = await db.prepare('SELECT * FROM payments WHERE stripe_session_id = ?1').bind(sessionId).first<PaymentRow>();
  return row ? rowToPayment(row) : null;
}

export async function findPaymentByStripeIntent(db: D1Database, intent: string): Promise<Payment | null> {
  const row = await db.prepare('SELECT * FROM payments WHERE stripe_payment_intent = ?1').bind(intent).first<PaymentRow>();
  return row ? rowToPayment(row) : null;
}

/** A payment with its bill's status (null for an order's payment). */
export type PaymentWithBill = Payment & { billStatus: 'open' | 'paid' | 'cancelled' | null };

/** The payments whose references are among `references` (several may name none of ours). */
export async function findPaymentsByReferences(db: D1Database, references: readonly string[]): Promise<PaymentWithBill[]> {
  const rows = await inSlices(
    references,
    async (slice) =>
      (
        await prepare(
          db,
          sql`SELECT p.*, b.status AS bill_status FROM payments p LEFT JOIN bills b ON b.id = p.bill_id WHERE p.reference IN (${list(slice)})`,
        ).all<PaymentRow & { bill_status: PaymentWithBill['billStatus'] }>()
      ).results,
  );
  return rows.map((row) => ({ ...rowToPayment(row), billStatus: row.bill_status }));
}

/** The open payment of a bill or an order, if any. */
export async function findPendingPayment(db: D1Database, target: { billId?: string; orderId?: string }): Promise<Payment | null> {
  const row = target.billId
    ? await db.prepare("SELECT * FROM payments WHERE bill_id = ?1 AND status = 'pending'").bind(target.billId).first<PaymentRow>()
    : await db
        .prepare("SELECT * FROM payments WHERE order_id = ?1 AND status = 'pending'")
        .bind(target.orderId ?? '')
        .first<PaymentRow>();
  return row ? rowToPayment(row) : null;
}

/** Pending payments on an account, for credits that carry no reference (matched by amount and date). */
export async function findPendingPaymentsOnAccount(db: D1Database, accountNumber: string): Promise<Payment[]> {
  const { results } = await db
    .prepare("SELECT * FROM payments WHERE payee_account_no = ?1 AND status = 'pending'")
    .bind(accountNumber)
    .all<PaymentRow>();
  return results.map(rowToPayment);
}

export interface NewPayment {
  id: string;
  reference: string;
  billId: string | null;
  orderId: string | null;
  payeeOrgId: string | null;
  amount: number;
  method: PaymentMethod;
  payeeBankBin: string;
  payeeAccountNo: string;
  payeeAccountName: string;
  vietqrPayload: string | null;
  expiresAt: string;
  requestHash: string;
}

export interface PreparedCreation {
  eventId: string;
  statements: D1PreparedStatement[];
  /** True once the payment row exists. */
  created: Sql;
}

/**
 * The creation edge of the payment table (`∅ --create--> pending`): the payment row and its
 * "create" event. With `onlyIf`, both are written only when that condition holds inside the
 * batch (an Idempotency-Key claim won, a credit row is this batch's own).
 */
export function createPaymentStatements(
  db: D1Database,
  payment: NewPayment,
  options: { source: PaymentSource; sourceRef?: string | null; data?: Record<string, unknown>; now: string; onlyIf?: Sql },
): PreparedCreation {
  const status = transition(null, 'create');
  const eventId = newId('pev');
  const condition = options.onlyIf ?? sql`1 = 1`;
  const created = sql`EXISTS (SELECT 1 FROM payments WHERE id = ${payment.id} AND last_event_id = ${eventId})`;
  return {
    eventId,
    created,
    statements: [
      prepare(
        db,
        sql`INSERT INTO payments (id, reference, bill_id, order_id, payee_org_id, amount, method, status,
              payee_bank_bin, payee_account_no, payee_account_name, vietqr_payload, expires_at, request_hash,
              last_event_id, created_at, updated_at)
            SELECT ${payment.id}, ${payment.reference}, ${payment.billId}, ${payment.orderId}, ${payment.payeeOrgId}, ${payment.amount},
              ${payment.method}, ${status}, ${payment.payeeBankBin}, ${payment.payeeAccountNo}, ${payment.payeeAccountName},
              ${payment.vietqrPayload}, ${payment.expiresAt}, ${payment.requestHash}, ${eventId}, ${options.now}, ${options.now}
            WHERE ${condition}`,
      ),
      prepare(
        db,
        sql`INSERT INTO payment_events (id, payment_id, event, from_status, to_status, source, source_ref, data, created_at)
            SELECT ${eventId}, ${payment.id}, 'create', NULL, ${status}, ${options.source}, ${options.sourceRef ?? null},
              ${JSON.stringify(options.data ?? {})}, ${options.now}
            WHERE ${created}`,
      ),
    ],
  };
}

/**
 * Creates a payment under an Idempotency-Key in one batch: the key's row is claimed first,
 * and the payment is created only if this request's claim won. Two concurrent requests
 * with one key therefore make one payment; the loser reads the winner's.
 * Throws D1's UNIQUE error when the bill or order already has a pending payment.
 */
export async function insertPaymentOnce(db: D1Database, scopeKey: string, payment: NewPayment, now: string): Promise<string> {
  const claimed = sql`EXISTS (SELECT 1 FROM idempotency_keys WHERE scope_key = ${scopeKey} AND payment_id = ${payment.id})`;
  const creation = createPaymentStatements(db, payment, {
    source: 'api',
    data: { method: payment.method, amount: payment.amount },
    now,
    onlyIf: claimed,
  });
  await db.batch([
    db
      .prepare(
        'INSERT INTO idempotency_keys (scope_key, request_hash, payment_id, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING',
      )
      .bind(scopeKey, payment.requestHash, payment.id, now),
    ...creation.statements,
    // While a payment is open the order's stock stays reserved.
    prepare(
      db,
      sql`UPDATE orders SET reserved_until = max(reserved_until, ${payment.expiresAt}), updated_at = ${now}
          WHERE id = ${payment.orderId} AND ${claimed}`,
    ),
  ]);
  const winner = await findIdempotencyKey(db, scopeKey);
  return winner!.payment_id;
}

/** Records that a key maps to an existing payment (the open one a second request got back). */
export async function rememberIdempotencyKey(db: D1Database, scopeKey: string, requestHash: string, paymentId: string, now: string) {
  await db
    .prepare(
      'INSERT INTO idempotency_keys (scope_key, request_hash, payment_id, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING',
    )
    .bind(scopeKey, requestHash, paymentId, now)
    .run();
}

/**
 * Lets a key go again, when the payment it made could not be offered (Stripe did not answer):
 * the payer's retry with the same key then starts afresh instead of getting the failed one back.
 */
export function prepareReleaseIdempotencyKey(db: D1Database, scopeKey: string, paymentId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM idempotency_keys WHERE scope_key = ?1 AND payment_id = ?2').bind(scopeKey, paymentId);
}

export async function findIdempotencyKey(db: D1Database, scopeKey: string) {
  return db
    .prepare('SELECT request_hash, payment_id FROM idempotency_keys WHERE scope_key = ?1')
    .bind(scopeKey)
    .first<{ request_hash: string; payment_id: string }>();
}

export async function attachStripeSession(db: D1Database, paymentId: string, sessionId: string, url: string, now: string) {
  await db
    .prepare(
      `UPDATE payments SET stripe_session_id = ?2, stripe_checkout_url = ?3, updated_at = ?4
       WHERE id = ?1 AND stripe_session_id IS NULL`,
    )
    .bind(paymentId, sessionId, url, now)
    .run();
}

/** Columns a transition may set along with the status. */
export interface PaymentColumnChanges {
  paid_at?: string;
  /** When the bank or Stripe booked the money: the day reports count it on. */
  received_at?: string;
  stripe_payment_intent?: string | null;
  stripe_session_id?: string;
  amount_refunded?: number;
}

export interface TransitionRequest {
  payment: Payment;
  event: PaymentEvent;
  source: PaymentSource;
  sourceRef?: string | null;
  data?: Record<string, unknown>;
  now: string;
  /** Further columns of the payment to set with the status, e.g. paid_at. */
  set?: PaymentColumnChanges;
  /** A further condition the change needs, checked in the same statement as the status. */
  condition?: Sql;
  ledger?: LedgerLine[];
}

export interface PreparedTransition {
  eventId: string;
  to: PaymentStatus;
  statements: D1PreparedStatement[];
  /** True only once this transition has been applied: guards the caller's own statements. */
  applied: Sql;
}

/**
 * The only way a payment's status changes. Builds the statements of one D1 batch: the
 * status update (which applies only from the status the caller read, so a concurrent change
 * makes it a no-op), the append-only event row and the ledger journal. Every statement after
 * the first runs only when the first applied, checked through `last_event_id`. Callers add
 * their own statements (mark the bill paid, …) guarded by `applied`, and after the batch
 * read `transitionApplied(results)`.
 * Throws IllegalTransitionError for a move the table does not allow.
 */
export function prepareTransition(db: D1Database, request: TransitionRequest): PreparedTransition {
  const { payment, event, now } = request;
  const to = transition(payment.status, event);
  const eventId = newId('pev');
  const extraSet = Object.entries(request.set ?? {}).map(([column, value]) => sql`, ${trusted(column)} = ${value as SqlValue}`);
  const condition = request.condition ? sql` AND (${request.condition})` : sql``;
  const applied = sql`EXISTS (SELECT 1 FROM payments WHERE id = ${payment.id} AND last_event_id = ${eventId})`;
  const statements = [
    prepare(
      db,
      sql`UPDATE payments SET status = ${to}, last_event_id = ${eventId}, updated_at = ${now}${join(extraSet, '')}
          WHERE id = ${payment.id} AND status = ${payment.status}${condition}
          RETURNING id`,
    ),
    prepare(
      db,
      sql`INSERT INTO payment_events (id, payment_id, event, from_status, to_status, source, source_ref, data, created_at)
          SELECT ${eventId}, ${payment.id}, ${event}, ${payment.status}, ${to}, ${request.source}, ${request.sourceRef ?? null},
            ${JSON.stringify(request.data ?? {})}, ${now}
          WHERE ${applied}`,
    ),
    ...(request.ledger ?? []).map((line) =>
      prepare(
        db,
        sql`INSERT INTO ledger_lines (journal_id, payment_id, account, debit, credit, memo, created_at)
            SELECT ${eventId}, ${payment.id}, ${line.account}, ${line.debit}, ${line.credit}, ${line.memo}, ${now} WHERE ${applied}`,
      ),
    ),
  ];
  return { eventId, to, statements, applied };
}

/** Whether the transition's status update (the first statement of its part of the batch) took effect. */
export function transitionApplied(results: D1Result[], firstIndex = 0): boolean {
  return rowsWritten(results[firstIndex]) === 1;
}

/**
 * Statements that mark a payment's bill or order paid, guarded by `applied` (they run only
 * with the confirmation that precedes them in the batch).
 */
export function markTargetPaidStatements(db: D1Database, payment: Payment, applied: Sql, now: string): D1PreparedStatement[] {
  if (payment.billId) {
    return [
      prepare(
        db,
        sql`UPDATE bills SET status = 'paid', paid_at = ${now}, payment_id = ${payment.id}, updated_at = ${now}
            WHERE id = ${payment.billId} AND status = 'open' AND ${applied}`,
      ),
    ];
  }
  const orderId = payment.orderId!;
  const orderLapsed = sql`EXISTS (SELECT 1 FROM orders WHERE id = ${orderId} AND status IN ('expired', 'cancelled'))`;
  return [
    // A late card payment for an order whose reservation lapsed takes its stock again (not
    // for a part its seller cancelled, which is not paid for); if that stock is gone the
    // CHECK constraint fails the batch and a person takes over.
    prepare(
      db,
      sql`UPDATE products SET stock = stock - (SELECT oi.quantity FROM order_items oi WHERE oi.order_id = ${orderId} AND oi.product_id = products.id)
          WHERE id IN (SELECT oi.product_id FROM order_items oi JOIN sub_orders s ON s.order_id = oi.order_id AND s.seller_id = oi.seller_id
                       WHERE oi.order_id = ${orderId} AND ${stillSold('s')})
            AND ${orderLapsed} AND ${applied}`,
    ),
    // Each seller's part is paid: it is theirs to confirm and ship now.
    ...orderSubOrdersTransition(db, orderId, 'awaiting_payment', 'pay', { source: 'payment', now, where: applied }),
    ...orderSubOrdersTransition(db, orderId, 'cancelled', 'pay_late', {
      source: 'payment',
      now,
      where: sql`${stillSold('sub_orders')} AND ${orderLapsed} AND ${applied}`,
      set: { cancelled_at: null, cancelled_by: null },
    }),
    prepare(
      db,
      sql`UPDATE orders SET status = 'paid', paid_at = ${now}, payment_id = ${payment.id}, updated_at = ${now}
          WHERE id = ${orderId} AND status IN ('awaiting_payment', 'expired', 'cancelled') AND ${applied}`,
    ),
  ];
}

/** True once a payment's expiry time has passed (for the sweep, racing a late credit). */
export const expiredBy = (now: string) => sql`expires_at <= ${now}`;

/** True while the bill is open: a bill is paid once, and never after it was cancelled. */
export const billIsOpen = (billId: string) => sql`EXISTS (SELECT 1 FROM bills WHERE id = ${billId} AND status = 'open')`;

/** Pending payments whose time ran out, oldest first, for the sweep. */
export async function findExpiredPending(db: D1Database, now: string, limit: number): Promise<Payment[]> {
  const { results } = await db
    .prepare("SELECT * FROM payments WHERE status = 'pending' AND expires_at <= ?1 ORDER BY expires_at LIMIT ?2")
    .bind(now, limit)
    .all<PaymentRow>();
  return results.map(rowToPayment);
}

/** True while the payment is still in the status it was read in. */
export const paymentIsStill = (paymentId: string, status: PaymentStatus) =>
  sql`EXISTS (SELECT 1 FROM payments WHERE id = ${paymentId} AND status = ${status})`;
