import type { LedgerLine } from '../domain/ledger';
import { type PaymentEvent, type PaymentStatus, transition } from '../domain/payment-state';
import { newId } from '../domain/tokens';

export type PaymentMethod = 'vietqr' | 'stripe';
export type SqlValue = string | number | null;

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

export function rowToPayment(row: PaymentRow): Payment {
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

async function findOne(db: D1Database, where: string, value: string): Promise<Payment | null> {
  const row = await db.prepare(`SELECT * FROM payments WHERE ${where} = ?1`).bind(value).first<PaymentRow>();
  return row ? rowToPayment(row) : null;
}

export const findPayment = (db: D1Database, id: string) => findOne(db, 'id', id);
export const findPaymentByReference = (db: D1Database, reference: string) => findOne(db, 'reference', reference);
export const findPaymentByStripeSession = (db: D1Database, sessionId: string) => findOne(db, 'stripe_session_id', sessionId);
export const findPaymentByStripeIntent = (db: D1Database, intent: string) => findOne(db, 'stripe_payment_intent', intent);

/** The open payment of a bill or an order, if any. */
export async function findPendingPayment(db: D1Database, target: { billId?: string; orderId?: string }): Promise<Payment | null> {
  const column = target.billId ? 'bill_id' : 'order_id';
  const row = await db
    .prepare(`SELECT * FROM payments WHERE ${column} = ?1 AND status = 'pending'`)
    .bind(target.billId ?? target.orderId ?? '')
    .first<PaymentRow>();
  return row ? rowToPayment(row) : null;
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

/**
 * Creates a payment under an Idempotency-Key in one batch: the key's row is claimed first,
 * and the payment is inserted only if this request's claim won. Two concurrent requests
 * with one key therefore make one payment; the loser reads the winner's.
 * Throws D1's UNIQUE error when the bill or order already has a pending payment.
 */
export async function insertPaymentOnce(db: D1Database, scopeKey: string, payment: NewPayment, now: string): Promise<string> {
  const eventId = newId('pev');
  const claimed = 'EXISTS (SELECT 1 FROM idempotency_keys WHERE scope_key = ?1 AND payment_id = ?2)';
  await db.batch([
    db
      .prepare(
        'INSERT INTO idempotency_keys (scope_key, request_hash, payment_id, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING',
      )
      .bind(scopeKey, payment.requestHash, payment.id, now),
    db
      .prepare(
        `INSERT INTO payments (id, reference, bill_id, order_id, payee_org_id, amount, method, status,
           payee_bank_bin, payee_account_no, payee_account_name, vietqr_payload, expires_at, request_hash,
           last_event_id, created_at, updated_at)
         SELECT ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16
         WHERE ${claimed}`,
      )
      .bind(
        scopeKey,
        payment.id,
        payment.reference,
        payment.billId,
        payment.orderId,
        payment.payeeOrgId,
        payment.amount,
        payment.method,
        payment.payeeBankBin,
        payment.payeeAccountNo,
        payment.payeeAccountName,
        payment.vietqrPayload,
        payment.expiresAt,
        payment.requestHash,
        eventId,
        now,
      ),
    db
      .prepare(
        `INSERT INTO payment_events (id, payment_id, event, from_status, to_status, source, data, created_at)
         SELECT ?3, ?2, 'create', NULL, 'pending', 'api', ?4, ?5 WHERE ${claimed}`,
      )
      .bind(scopeKey, payment.id, eventId, JSON.stringify({ method: payment.method, amount: payment.amount }), now),
    // While a payment is open the order's stock stays reserved.
    db
      .prepare(
        `UPDATE orders SET reserved_until = max(reserved_until, ?3), updated_at = ?4
         WHERE id = ?5 AND ${claimed}`,
      )
      .bind(scopeKey, payment.id, payment.expiresAt, now, payment.orderId),
  ]);
  const winner = await db
    .prepare('SELECT payment_id FROM idempotency_keys WHERE scope_key = ?1')
    .bind(scopeKey)
    .first<{ payment_id: string }>();
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

export interface TransitionRequest {
  payment: Payment;
  event: PaymentEvent;
  source: 'api' | 'bank' | 'stripe' | 'system' | 'staff';
  sourceRef?: string | null;
  data?: Record<string, unknown>;
  now: string;
  /** Further columns of the payment to set with the status, e.g. paid_at. */
  set?: Record<string, SqlValue>;
  /** An SQL condition (with ?-free literals bound through `conditionParams`) the change also needs. */
  condition?: { sql: string; params: SqlValue[] };
  ledger?: LedgerLine[];
}

export interface PreparedTransition {
  eventId: string;
  to: PaymentStatus;
  statements: D1PreparedStatement[];
  /** SQL that is true only once this transition has been applied; bind (paymentId, eventId). */
  appliedGuard: string;
}

/**
 * The only way a payment's status changes. Builds the statements of one D1 batch: the
 * status update (which applies only from the status the caller read, so a concurrent change
 * makes it a no-op), the append-only event row and the ledger journal. Every statement after
 * the first runs only when the first applied, checked through `last_event_id`. Callers add
 * their own statements (mark the bill paid, …) guarded by `appliedGuard`, and after the
 * batch read `applied(results)`.
 * Throws IllegalTransitionError for a move the table does not allow.
 */
export function prepareTransition(db: D1Database, request: TransitionRequest): PreparedTransition {
  const { payment, event, now } = request;
  const to = transition(payment.status, event);
  const eventId = newId('pev');
  const setColumns = Object.entries(request.set ?? {});
  const params: SqlValue[] = [payment.id, payment.status, to, eventId, now, ...setColumns.map(([, value]) => value)];
  const extraSet = setColumns.map(([column], index) => `, ${column} = ?${6 + index}`).join('');
  let condition = '';
  if (request.condition) {
    const offset = params.length;
    condition = ` AND (${request.condition.sql.replace(/\?(\d+)/g, (_, n: string) => `?${Number(n) + offset}`)})`;
    params.push(...request.condition.params);
  }
  const appliedGuard = 'EXISTS (SELECT 1 FROM payments WHERE id = ?1 AND last_event_id = ?2)';
  const statements = [
    db
      .prepare(
        `UPDATE payments SET status = ?3, last_event_id = ?4, updated_at = ?5${extraSet}
         WHERE id = ?1 AND status = ?2${condition}`,
      )
      .bind(...params),
    db
      .prepare(
        `INSERT INTO payment_events (id, payment_id, event, from_status, to_status, source, source_ref, data, created_at)
         SELECT ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE ${appliedGuard}`,
      )
      .bind(
        payment.id,
        eventId,
        event,
        payment.status,
        to,
        request.source,
        request.sourceRef ?? null,
        JSON.stringify(request.data ?? {}),
        now,
      ),
    ...(request.ledger ?? []).map((line) =>
      db
        .prepare(
          `INSERT INTO ledger_lines (journal_id, payment_id, account, debit, credit, memo, created_at)
           SELECT ?2, ?1, ?3, ?4, ?5, ?6, ?7 WHERE ${appliedGuard}`,
        )
        .bind(payment.id, eventId, line.account, line.debit, line.credit, line.memo, now),
    ),
  ];
  return { eventId, to, statements, appliedGuard };
}

/** Whether the transition's status update (the first statement of its batch) took effect. */
export function transitionApplied(results: D1Result[], firstIndex = 0): boolean {
  return results[firstIndex]?.meta.changes === 1;
}

export async function listPaymentEvents(db: D1Database, paymentId: string) {
  const { results } = await db
    .prepare(
      'SELECT event, from_status, to_status, source, source_ref, created_at FROM payment_events WHERE payment_id = ?1 ORDER BY created_at, rowid',
    )
    .bind(paymentId)
    .all<{ event: string; from_status: string | null; to_status: string; source: string; source_ref: string | null; created_at: string }>();
  return results;
}

/** Pending payments whose time ran out, oldest first, for the sweep. */
export async function findExpiredPending(db: D1Database, now: string, limit: number): Promise<Payment[]> {
  const { results } = await db
    .prepare("SELECT * FROM payments WHERE status = 'pending' AND expires_at <= ?1 ORDER BY expires_at LIMIT ?2")
    .bind(now, limit)
    .all<PaymentRow>();
  return results.map(rowToPayment);
}
