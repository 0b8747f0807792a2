import type { Payment } from '../db/payments';
import { prepareTransition, transitionApplied } from '../db/payments';
import { allocate, collectionAccount, refundJournal } from '../domain/ledger';
import { newId } from '../domain/tokens';
import { ApiError } from '../errors';
import { payeesOf } from './apply';

export interface Refund {
  id: string;
  paymentId: string;
  amount: number;
  reason: string;
  method: 'vietqr' | 'stripe';
  status: 'awaiting_approval' | 'approved' | 'sent' | 'rejected' | 'processing' | 'succeeded' | 'failed';
  requestedBy: string | null;
  approvedBy: string | null;
  sentBy: string | null;
  stripeRefundId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface RefundRow {
  id: string;
  payment_id: string;
  amount: number;
  reason: string;
  method: 'vietqr' | 'stripe';
  status: Refund['status'];
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

export async function findRefund(db: D1Database, paymentId: string, refundId: string): Promise<Refund | null> {
  const row = await db.prepare('SELECT * FROM refunds WHERE id = ?1 AND payment_id = ?2').bind(refundId, paymentId).first<RefundRow>();
  return row ? rowToRefund(row) : null;
}

export async function listRefunds(db: D1Database, paymentId: string): Promise<Refund[]> {
  const { results } = await db.prepare('SELECT * FROM refunds WHERE payment_id = ?1 ORDER BY created_at').bind(paymentId).all<RefundRow>();
  return results.map(rowToRefund);
}

/**
 * Reserves `amount` of a paid payment for a refund and records the refund, in one batch.
 * The reservation is a conditional update, so two refunds at once can never add up to more
 * than was paid.
 */
export async function reserveRefund(
  db: D1Database,
  payment: Payment,
  refund: { amount: number; reason: string; requestedBy: string; status: 'awaiting_approval' | 'processing' },
  now: string,
): Promise<Refund> {
  const id = newId('ref');
  const results = await db.batch([
    db
      .prepare(
        // Never more than was paid, nor more than actually arrived (a person may have
        // accepted a shortfall): the payer's ledger account says what arrived.
        `UPDATE payments SET amount_refunded = amount_refunded + ?2, updated_at = ?3
         WHERE id = ?1 AND status IN ('paid', 'partially_refunded') AND amount_refunded + ?2 <= amount
           AND amount_refunded + ?2 <= (SELECT coalesce(sum(credit), 0) FROM ledger_lines WHERE payment_id = ?1 AND account = 'payer:' || ?1)`,
      )
      .bind(payment.id, refund.amount, now),
    db
      .prepare(
        `INSERT INTO refunds (id, payment_id, amount, reason, method, status, requested_by, created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8 WHERE changes() = 1`,
      )
      .bind(id, payment.id, refund.amount, refund.reason, payment.method, refund.status, refund.requestedBy, now),
  ]);
  if (results[0]!.meta.changes !== 1) {
    throw new ApiError(409, 'refund_exceeds_payment', 'That is more than is left to refund of what this payment received', [
      { path: 'amount', message: 'More than what is left to refund' },
    ]);
  }
  return (await findRefund(db, payment.id, id))!;
}

/** Gives a reservation back when a refund fails or is rejected. */
export async function releaseRefund(db: D1Database, refund: Refund, to: 'failed' | 'rejected', now: string, by: string | null = null) {
  await db.batch([
    db
      .prepare(
        `UPDATE payments SET amount_refunded = amount_refunded - ?2, updated_at = ?3 WHERE id = ?1 AND EXISTS (SELECT 1 FROM refunds WHERE id = ?4 AND status IN ('awaiting_approval', 'approved', 'processing'))`,
      )
      .bind(refund.paymentId, refund.amount, now, refund.id),
    db
      .prepare(
        `UPDATE refunds SET status = ?2, approved_by = coalesce(approved_by, ?3), updated_at = ?4 WHERE id = ?1 AND status IN ('awaiting_approval', 'approved', 'processing')`,
      )
      .bind(refund.id, to, by, now),
  ]);
}

/**
 * The money has left: moves the payment to (partially) refunded and writes the refund
 * journal, in the same batch as the refund's own status.
 */
export async function settleRefund(
  db: D1Database,
  payment: Payment,
  refund: Refund,
  settlement: { status: 'sent' | 'succeeded'; by: string | null; stripeRefundId?: string; source: 'staff' | 'stripe' | 'api' },
  now: string,
): Promise<boolean> {
  const settledBefore = await db
    .prepare("SELECT coalesce(sum(amount), 0) AS total FROM refunds WHERE payment_id = ?1 AND status IN ('sent', 'succeeded')")
    .bind(payment.id)
    .first<{ total: number }>();
  const full = settledBefore!.total + refund.amount >= payment.amount;
  const collection = collectionAccount(payment.method, payment.payeeBankBin, payment.payeeAccountNo);
  const prepared = prepareTransition(db, {
    payment,
    event: full ? 'refund_full' : 'refund_partial',
    source: settlement.source,
    sourceRef: refund.id,
    now,
    data: { refundId: refund.id, amount: refund.amount },
    ledger: refundJournal(payment.id, collection, refund.amount, allocate(refund.amount, await payeesOf(db, payment))),
    // Only one settlement per refund, even if "sent" is pressed twice at once; and none if
    // another refund settled since we counted (the partial/full decision would be stale).
    condition: {
      sql: `EXISTS (SELECT 1 FROM refunds WHERE id = ?1 AND status IN ('approved', 'processing'))
        AND (SELECT coalesce(sum(amount), 0) FROM refunds WHERE payment_id = ?2 AND status IN ('sent', 'succeeded')) = ?3`,
      params: [refund.id, payment.id, settledBefore!.total],
    },
  });
  const results = await db.batch([
    ...prepared.statements,
    db
      .prepare(
        `UPDATE refunds SET status = ?3, sent_by = ?4, stripe_refund_id = coalesce(?5, stripe_refund_id), updated_at = ?6
         WHERE id = ?7 AND ${prepared.appliedGuard}`,
      )
      .bind(payment.id, prepared.eventId, settlement.status, settlement.by, settlement.stripeRefundId ?? null, now, refund.id),
  ]);
  return transitionApplied(results);
}
