import type Stripe from 'stripe';
import { orderPayees } from '../db/orders';
import {
  findPayment,
  findPaymentByReference,
  findPendingPayment,
  findPaymentByStripeIntent,
  findPaymentByStripeSession,
  prepareTransition,
  transitionApplied,
  type Payment,
  type SqlValue,
} from '../db/payments';
import { allocate, collectionAccount, receiptJournal, refundJournal, type PayeeShare } from '../domain/ledger';
import { SETTLED_STATUSES, type PaymentEvent } from '../domain/payment-state';
import { findPaymentReferences } from '../domain/reference-search';
import { newPaymentReference } from '../domain/codes';
import { vietnamDate } from '../domain/ocop';
import { newId } from '../domain/tokens';

export type ExceptionType =
  | 'unmatched_credit'
  | 'unknown_reference'
  | 'amount_mismatch'
  | 'paid_after_expiry'
  | 'duplicate_payment';

/** One credit on a collection account, whatever its source (bank notice or statement line). */
export interface BankCredit {
  accountNumber: string;
  transactionId: string;
  amount: number;
  description: string;
  bookedAt: string;
  source: 'notification' | 'statement';
}

export type CreditOutcome =
  | { outcome: 'duplicate' }
  | { outcome: 'matched'; paymentId: string }
  | { outcome: 'exception'; type: ExceptionType; exceptionId: string; paymentId: string | null };

/** Who is owed a payment's money: the biller, or each seller of the order. */
export async function payeesOf(db: D1Database, payment: Payment): Promise<PayeeShare[]> {
  if (payment.orderId) return orderPayees(db, payment.orderId);
  return [{ organizationId: payment.payeeOrgId!, amount: payment.amount }];
}

/** Statements that mark the bill or order paid, guarded to run only with the transition. */
function markTargetPaid(db: D1Database, payment: Payment, eventId: string, guard: string, now: string): D1PreparedStatement[] {
  if (payment.billId) {
    return [
      db
        .prepare(`UPDATE bills SET status = 'paid', paid_at = ?3, payment_id = ?1, updated_at = ?3 WHERE id = ?4 AND status = 'open' AND ${guard}`)
        .bind(payment.id, eventId, now, payment.billId),
    ];
  }
  return [
    // A late card payment for an order whose reservation lapsed takes its stock again;
    // if that stock is gone the CHECK constraint fails the batch and a person takes over.
    db
      .prepare(
        `UPDATE products SET stock = stock - (SELECT oi.quantity FROM order_items oi WHERE oi.order_id = ?3 AND oi.product_id = products.id)
         WHERE id IN (SELECT product_id FROM order_items WHERE order_id = ?3)
           AND EXISTS (SELECT 1 FROM orders WHERE id = ?3 AND status IN ('expired', 'cancelled')) AND ${guard}`,
      )
      .bind(payment.id, eventId, payment.orderId),
    db
      .prepare(
        `UPDATE orders SET status = 'paid', paid_at = ?4, payment_id = ?1, updated_at = ?4
         WHERE id = ?3 AND status IN ('awaiting_payment', 'expired', 'cancelled') AND ${guard}`,
      )
      .bind(payment.id, eventId, payment.orderId, now),
  ];
}

/**
 * The statements that confirm a payment: status, event, ledger journal, and the bill or
 * order marked paid, all or nothing in one batch.
 */
export async function confirmStatements(
  db: D1Database,
  payment: Payment,
  options: {
    event: Extract<PaymentEvent, 'confirm' | 'gateway_confirm' | 'staff_confirm'>;
    source: 'bank' | 'stripe' | 'staff';
    sourceRef: string;
    now: string;
    set?: Record<string, SqlValue>;
    condition?: { sql: string; params: SqlValue[] };
    data?: Record<string, unknown>;
  },
) {
  const collection = collectionAccount(payment.method, payment.payeeBankBin, payment.payeeAccountNo);
  const prepared = prepareTransition(db, {
    payment,
    event: options.event,
    source: options.source,
    sourceRef: options.sourceRef,
    now: options.now,
    set: { paid_at: options.now, ...options.set },
    condition: options.condition,
    data: options.data,
    ledger: receiptJournal(payment.id, collection, payment.amount, await payeesOf(db, payment)),
  });
  return {
    ...prepared,
    statements: [...prepared.statements, ...markTargetPaid(db, payment, prepared.eventId, prepared.appliedGuard, options.now)],
  };
}

type StallCredit =
  | { payment: Payment; insert: D1PreparedStatement[] | null }
  | { type: ExceptionType; organizationId: string; expected: number | null; details: Record<string, unknown> };

/**
 * A transfer to a stall's static QR pays that stall's oldest open bill (arrears first). The
 * exact amount gets a payment made for it here, confirmed in the caller's batch; any other
 * amount, or money when nothing is owed, is an exception for the market board.
 */
async function findStallCredit(
  db: D1Database,
  references: string[],
  credit: BankCredit,
  creditId: string,
  now: string,
): Promise<StallCredit | null> {
  for (const reference of references) {
    const stall = await db
      .prepare(
        `SELECT s.id, s.code, m.board_id, o.bank_bin, o.bank_account_no, o.bank_account_name
         FROM stalls s JOIN markets m ON m.id = s.market_id JOIN organizations o ON o.id = m.board_id
         WHERE s.reference = ?1`,
      )
      .bind(reference)
      .first<{ id: string; code: string; board_id: string; bank_bin: string; bank_account_no: string; bank_account_name: string }>();
    if (!stall) continue;
    const details = { stallId: stall.id, stallCode: stall.code, stallReference: reference };
    if (stall.bank_account_no !== credit.accountNumber) return { type: 'unknown_reference', organizationId: stall.board_id, expected: null, details };
    const bill = await db
      .prepare("SELECT id, amount FROM bills WHERE stall_id = ?1 AND status = 'open' ORDER BY due_date, created_at LIMIT 1")
      .bind(stall.id)
      .first<{ id: string; amount: number }>();
    if (!bill) return { type: 'duplicate_payment', organizationId: stall.board_id, expected: null, details: { ...details, reason: 'no open bill for this stall' } };
    if (bill.amount !== credit.amount) return { type: 'amount_mismatch', organizationId: stall.board_id, expected: bill.amount, details: { ...details, billId: bill.id } };
    const pending = await findPendingPayment(db, { billId: bill.id });
    if (pending) return { payment: pending, insert: null };
    const payment: Payment = {
      id: newId('pay'),
      reference: newPaymentReference(),
      billId: bill.id,
      orderId: null,
      payeeOrgId: stall.board_id,
      amount: bill.amount,
      currency: 'VND',
      method: 'vietqr',
      status: 'pending',
      payeeBankBin: stall.bank_bin,
      payeeAccountNo: stall.bank_account_no,
      payeeAccountName: stall.bank_account_name,
      vietqrPayload: null,
      stripeSessionId: null,
      stripeCheckoutUrl: null,
      stripePaymentIntent: null,
      amountRefunded: 0,
      // The money is already here: a static QR has no expiry to miss.
      expiresAt: credit.bookedAt > now ? credit.bookedAt : now,
      paidAt: null,
      requestHash: `stall:${stall.id}`,
      createdAt: now,
      updatedAt: now,
    };
    const insert = [
      db
        .prepare(
          `INSERT INTO payments (id, reference, bill_id, payee_org_id, amount, method, status, payee_bank_bin, payee_account_no,
             payee_account_name, expires_at, request_hash, created_at, updated_at)
           SELECT ?1, ?2, ?3, ?4, ?5, 'vietqr', 'pending', ?6, ?7, ?8, ?9, ?10, ?11, ?11
           WHERE EXISTS (SELECT 1 FROM bank_credits WHERE id = ?12)`,
        )
        .bind(payment.id, payment.reference, bill.id, stall.board_id, bill.amount, stall.bank_bin, stall.bank_account_no, stall.bank_account_name, payment.expiresAt, payment.requestHash, now, creditId),
      db
        .prepare(
          `INSERT INTO payment_events (id, payment_id, event, from_status, to_status, source, source_ref, data, created_at)
           SELECT ?1, ?2, 'create', NULL, 'pending', 'bank', ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM payments WHERE id = ?2)`,
        )
        .bind(newId('pev'), payment.id, credit.transactionId, JSON.stringify({ stallId: stall.id, staticQr: true }), now),
    ];
    return { payment, insert };
  }
  return null;
}

/** Whose exception queue a credit goes to: the payee of the payment, or whoever owns the account. */
async function accountOwner(db: D1Database, accountNumber: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT id FROM organizations WHERE bank_account_no = ?1 LIMIT 1')
    .bind(accountNumber)
    .first<{ id: string }>();
  return row?.id ?? null;
}

function decideException(payment: Payment, credit: BankCredit): ExceptionType | null {
  if (SETTLED_STATUSES.includes(payment.status)) return 'duplicate_payment';
  if (payment.status !== 'pending') return 'paid_after_expiry';
  if (credit.amount !== payment.amount) return 'amount_mismatch';
  if (credit.bookedAt > payment.expiresAt) return 'paid_after_expiry';
  return null;
}

/**
 * Applies one bank credit exactly once. The credit row (unique per account and bank
 * transaction id) is written in the same batch as its effect, and the effect runs only if
 * this request's row is the one that was written: a repeated notification changes nothing.
 * A credit that cannot confirm a payment becomes an exception; it is never dropped. If the
 * payment changed between our read and our write (a sweep expired it, say), the fallback
 * statement files the exception instead.
 */
export async function applyBankCredit(db: D1Database, credit: BankCredit, now: string): Promise<CreditOutcome> {
  const seen = await db
    .prepare('SELECT 1 FROM bank_credits WHERE account_number = ?1 AND transaction_id = ?2')
    .bind(credit.accountNumber, credit.transactionId)
    .first();
  if (seen) return { outcome: 'duplicate' };

  let payment: Payment | null = null;
  const references = findPaymentReferences(credit.description);
  for (const reference of references) {
    payment = await findPaymentByReference(db, reference);
    if (payment) break;
  }
  const creditId = newId('bcr');
  // A stall's static QR carries the stall's reference instead of a payment's.
  let stallPayment: { payment: Payment; insert: D1PreparedStatement[] } | null = null;
  let stallProblem: { type: ExceptionType; organizationId: string; expected: number | null; details: Record<string, unknown> } | null = null;
  if (!payment && references.length > 0) {
    const stall = await findStallCredit(db, references, credit, creditId, now);
    if (stall && 'payment' in stall) {
      if (stall.insert) stallPayment = { payment: stall.payment, insert: stall.insert };
      else payment = stall.payment;
    } else if (stall) stallProblem = stall;
  }
  if (stallPayment) payment = stallPayment.payment;

  let type: ExceptionType | null;
  if (stallProblem) type = stallProblem.type;
  else if (references.length === 0) type = 'unmatched_credit';
  else if (!payment) type = 'unknown_reference';
  else if (payment.payeeAccountNo !== credit.accountNumber) type = 'unknown_reference';
  else type = decideException(payment, credit);

  const exceptionId = newId('exc');
  const insertCredit = (outcome: 'matched' | 'exception') =>
    db
      .prepare(
        `INSERT INTO bank_credits (id, account_number, transaction_id, amount, description, booked_at, source, payment_id, outcome, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (account_number, transaction_id) DO NOTHING`,
      )
      // A stall's new payment does not exist yet when the credit is written: linked just after.
      .bind(creditId, credit.accountNumber, credit.transactionId, credit.amount, credit.description, credit.bookedAt, credit.source, stallPayment ? null : (payment?.id ?? null), outcome, now);
  const creditIsOurs = 'EXISTS (SELECT 1 FROM bank_credits WHERE id = ?1)';
  const details = JSON.stringify({ transactionId: credit.transactionId, description: credit.description, bookedAt: credit.bookedAt, references });
  const organizationId = stallProblem?.organizationId ?? payment?.payeeOrgId ?? (await accountOwner(db, credit.accountNumber));

  if (type !== null || !payment) {
    const exceptionType = type ?? 'unmatched_credit';
    const results = await db.batch([
      insertCredit('exception'),
      db
        .prepare(
          `INSERT INTO payment_exceptions (id, type, organization_id, bank_credit_id, payment_id, amount, expected_amount, details,
             account_number, booked_date, created_at)
           SELECT ?2, ?3, ?4, ?1, ?5, ?6, ?7, ?8, ?9, ?10, ?11 WHERE ${creditIsOurs}`,
        )
        .bind(
          creditId,
          exceptionId,
          exceptionType,
          organizationId,
          stallPayment ? null : (payment?.id ?? null),
          credit.amount,
          stallProblem?.expected ?? payment?.amount ?? null,
          stallProblem ? JSON.stringify({ ...JSON.parse(details), ...stallProblem.details }) : details,
          credit.accountNumber,
          vietnamDate(new Date(credit.bookedAt)),
          now,
        ),
    ]);
    if (results[0]!.meta.changes === 0) return { outcome: 'duplicate' };
    return { outcome: 'exception', type: exceptionType, exceptionId, paymentId: stallPayment ? null : (payment?.id ?? null) };
  }

  const confirm = await confirmStatements(db, payment, {
    event: 'confirm',
    source: 'bank',
    sourceRef: credit.transactionId,
    now,
    condition: { sql: 'EXISTS (SELECT 1 FROM bank_credits WHERE id = ?1)', params: [creditId] },
    data: { accountNumber: credit.accountNumber, amount: credit.amount, bookedAt: credit.bookedAt, source: credit.source },
  });
  const notApplied = `NOT EXISTS (SELECT 1 FROM payments WHERE id = ?2 AND last_event_id = ?3)`;
  const results = await db.batch([
    insertCredit('matched'),
    // The stall's bill gets its payment in the same batch that confirms it.
    ...(stallPayment
      ? [...stallPayment.insert, db.prepare('UPDATE bank_credits SET payment_id = ?2 WHERE id = ?1 AND EXISTS (SELECT 1 FROM payments WHERE id = ?2)').bind(creditId, payment.id)]
      : []),
    ...confirm.statements,
    // Fallback: the payment moved on between our read and this batch; keep the money visible.
    db
      .prepare(
        `INSERT INTO payment_exceptions (id, type, organization_id, bank_credit_id, payment_id, amount, expected_amount, details,
           account_number, booked_date, created_at)
         SELECT ?4, CASE WHEN p.status IN ('paid', 'partially_refunded', 'refunded') THEN 'duplicate_payment' ELSE 'paid_after_expiry' END,
                ?5, ?1, p.id, ?6, p.amount, ?7, ?9, ?10, ?8
         FROM payments p WHERE p.id = ?2 AND ${notApplied} AND ${creditIsOurs}`,
      )
      .bind(creditId, payment.id, confirm.eventId, exceptionId, organizationId, credit.amount, details, now, credit.accountNumber, vietnamDate(new Date(credit.bookedAt))),
    db
      .prepare(`UPDATE bank_credits SET outcome = 'exception' WHERE id = ?1 AND ${notApplied}`)
      .bind(creditId, payment.id, confirm.eventId),
  ]);
  if (results[0]!.meta.changes === 0) return { outcome: 'duplicate' };
  if (transitionApplied(results, stallPayment ? 2 + stallPayment.insert.length : 1)) return { outcome: 'matched', paymentId: payment.id };
  const filed = await db.prepare('SELECT type FROM payment_exceptions WHERE id = ?1').bind(exceptionId).first<{ type: ExceptionType }>();
  return { outcome: 'exception', type: filed?.type ?? 'paid_after_expiry', exceptionId, paymentId: payment.id };
}

export type StripeOutcome = 'duplicate' | 'ignored' | 'applied' | 'no_change' | 'exception';

interface StripeObjectLike {
  id: string;
  metadata?: Record<string, string> | null;
  client_reference_id?: string | null;
  payment_intent?: string | { id: string } | null;
  payment_status?: string;
  amount_total?: number | null;
  currency?: string | null;
  amount_refunded?: number;
}

const HANDLED_STRIPE_EVENTS = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
]);

const intentId = (value: StripeObjectLike['payment_intent']) => (typeof value === 'string' ? value : (value?.id ?? null));

async function paymentForStripeObject(db: D1Database, type: string, object: StripeObjectLike): Promise<Payment | null> {
  const byMetadata = object.metadata?.paymentId ?? object.client_reference_id ?? null;
  if (byMetadata) {
    const payment = await findPayment(db, byMetadata);
    if (payment) return payment;
  }
  if (type.startsWith('checkout.session.')) return findPaymentByStripeSession(db, object.id);
  const intent = intentId(object.payment_intent);
  return intent ? findPaymentByStripeIntent(db, intent) : null;
}

/**
 * Applies one verified Stripe event. Events are recorded once by id and once per
 * (object, type) – Stripe can send two different events for one change – and the state
 * machine makes late or out-of-order events harmless: an `expired` after `completed`
 * finds a paid payment and changes nothing.
 */
export async function applyStripeEvent(db: D1Database, event: Stripe.Event, now: string): Promise<StripeOutcome> {
  if (!HANDLED_STRIPE_EVENTS.has(event.type)) return 'ignored';
  const object = event.data.object as unknown as StripeObjectLike;
  const seen = await db
    .prepare('SELECT 1 FROM stripe_events WHERE event_id = ?1 OR (object_id = ?2 AND type = ?3)')
    .bind(event.id, object.id, event.type)
    .first();
  if (seen) return 'duplicate';

  const payment = await paymentForStripeObject(db, event.type, object);
  const processingId = newId('spr');
  const record = db
    .prepare(
      `INSERT INTO stripe_events (event_id, type, object_id, payment_id, processing_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT DO NOTHING`,
    )
    .bind(event.id, event.type, object.id, payment?.id ?? null, processingId, now);
  const ours = { sql: 'EXISTS (SELECT 1 FROM stripe_events WHERE event_id = ?1 AND processing_id = ?2)', params: [event.id, processingId] };

  const recordOnly = async (): Promise<StripeOutcome> => {
    const [result] = await db.batch([record]);
    return result!.meta.changes === 0 ? 'duplicate' : 'no_change';
  };
  const fileException = async (type: ExceptionType, amount: number, details: Record<string, unknown>): Promise<StripeOutcome> => {
    const results = await db.batch([
      record,
      db
        .prepare(
          `INSERT INTO payment_exceptions (id, type, organization_id, stripe_event_id, payment_id, amount, expected_amount, details, created_at)
           SELECT ?3, ?4, ?5, ?1, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM stripe_events WHERE event_id = ?1 AND processing_id = ?2)`,
        )
        .bind(event.id, processingId, newId('exc'), type, payment?.payeeOrgId ?? null, payment?.id ?? null, amount, payment?.amount ?? null, JSON.stringify(details), now),
    ]);
    return results[0]!.meta.changes === 0 ? 'duplicate' : 'exception';
  };

  if (!payment) return recordOnly();

  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      // An unpaid "completed" (a bank debit still on its way) waits for async_payment_succeeded.
      if (object.payment_status !== 'paid') return recordOnly();
      if (object.amount_total !== payment.amount || object.currency?.toLowerCase() !== 'vnd') {
        return fileException('amount_mismatch', object.amount_total ?? 0, { stripeEvent: event.id, currency: object.currency });
      }
      if (SETTLED_STATUSES.includes(payment.status)) return recordOnly();
      if (payment.status !== 'pending' && payment.status !== 'expired') return fileException('paid_after_expiry', payment.amount, { stripeEvent: event.id, status: payment.status });
      const confirm = await confirmStatements(db, payment, {
        event: payment.status === 'pending' ? 'confirm' : 'gateway_confirm',
        source: 'stripe',
        sourceRef: event.id,
        now,
        set: { stripe_payment_intent: intentId(object.payment_intent), stripe_session_id: object.id },
        condition: ours,
        data: { stripeEvent: event.type },
      });
      try {
        const results = await db.batch([record, ...confirm.statements]);
        if (results[0]!.meta.changes === 0) return 'duplicate';
        return transitionApplied(results, 1) ? 'applied' : 'no_change';
      } catch (error) {
        // The bill or order was paid some other way meanwhile, or its stock is gone: the
        // card money is real and must go back, which a person decides.
        if (!String(error).includes('constraint failed')) throw error;
        return fileException('duplicate_payment', payment.amount, { stripeEvent: event.id, reason: String(error) });
      }
    }
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      if (payment.status !== 'pending') return recordOnly();
      const prepared = prepareTransition(db, {
        payment,
        event: event.type === 'checkout.session.expired' ? 'expire' : 'fail',
        source: 'stripe',
        sourceRef: event.id,
        now,
        condition: ours,
      });
      const results = await db.batch([record, ...prepared.statements]);
      if (results[0]!.meta.changes === 0) return 'duplicate';
      return transitionApplied(results, 1) ? 'applied' : 'no_change';
    }
    case 'charge.refunded':
      return applyStripeRefund(db, payment, object, event.id, record, ours, now);
    default:
      return 'ignored';
  }
}

/**
 * A refund reported by Stripe. Refunds we made are already settled and change nothing;
 * a refund made in the Stripe dashboard is recorded here so the ledger stays true.
 */
async function applyStripeRefund(
  db: D1Database,
  payment: Payment,
  charge: StripeObjectLike,
  eventId: string,
  record: D1PreparedStatement,
  ours: { sql: string; params: SqlValue[] },
  now: string,
): Promise<StripeOutcome> {
  const settled = await db
    .prepare("SELECT coalesce(sum(amount), 0) AS total FROM refunds WHERE payment_id = ?1 AND status IN ('succeeded', 'sent')")
    .bind(payment.id)
    .first<{ total: number }>();
  const missing = (charge.amount_refunded ?? 0) - settled!.total;
  if (missing <= 0 || !SETTLED_STATUSES.includes(payment.status) || payment.status === 'refunded') {
    const [result] = await db.batch([record]);
    return result!.meta.changes === 0 ? 'duplicate' : 'no_change';
  }
  const refundId = newId('ref');
  const full = settled!.total + missing >= payment.amount;
  const collection = collectionAccount(payment.method, payment.payeeBankBin, payment.payeeAccountNo);
  const prepared = prepareTransition(db, {
    payment,
    event: full ? 'refund_full' : 'refund_partial',
    source: 'stripe',
    sourceRef: eventId,
    now,
    condition: ours,
    set: { amount_refunded: Math.min(payment.amount, Math.max(payment.amountRefunded, settled!.total + missing)) },
    data: { refundId, amount: missing, origin: 'stripe_dashboard' },
    ledger: refundJournal(payment.id, collection, missing, allocate(missing, await payeesOf(db, payment))),
  });
  const results = await db.batch([
    record,
    ...prepared.statements,
    db
      .prepare(
        `INSERT INTO refunds (id, payment_id, amount, reason, method, status, created_at, updated_at)
         SELECT ?3, ?1, ?4, 'Refunded in the Stripe dashboard', 'stripe', 'succeeded', ?5, ?5 WHERE ${prepared.appliedGuard}`,
      )
      .bind(payment.id, prepared.eventId, refundId, missing, now),
  ]);
  if (results[0]!.meta.changes === 0) return 'duplicate';
  return transitionApplied(results, 1) ? 'applied' : 'no_change';
}
