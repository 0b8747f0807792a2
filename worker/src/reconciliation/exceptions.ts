import { findBillByCode } from '../db/bills';
import { findPayment, findPendingPayment, type Payment } from '../db/payments';
import type { SessionUser } from '../db/users';
import { normalizeBillCode } from '../domain/codes';
import type { ExceptionType } from '../domain/exception-types';
import { SETTLED_STATUSES } from '../domain/payment-state';
import { newId } from '../domain/tokens';
import { vietnamDate } from '../domain/vietnam-time';
import { ApiError, notFound } from '../errors';
import { confirmStatements } from '../payments/apply';
import { newBillPayment, newPaymentStatements } from '../payments/credits';

export interface PaymentException {
  id: string;
  type: ExceptionType;
  status: 'open' | 'resolved';
  organizationId: string | null;
  amount: number;
  expectedAmount: number | null;
  paymentId: string | null;
  accountNumber: string | null;
  bookedDate: string | null;
  bankCredit: { id: string; transactionId: string; description: string; bookedAt: string; source: string } | null;
  stripeEventId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
  resolution: {
    action: string;
    note: string;
    paymentId: string | null;
    refundId: string | null;
    resolvedBy: string;
    resolvedAt: string;
  } | null;
}

interface ExceptionRow {
  id: string;
  type: ExceptionType;
  status: 'open' | 'resolved';
  organization_id: string | null;
  amount: number;
  expected_amount: number | null;
  payment_id: string | null;
  account_number: string | null;
  booked_date: string | null;
  stripe_event_id: string | null;
  details: string;
  created_at: string;
  credit_id: string | null;
  transaction_id: string | null;
  description: string | null;
  booked_at: string | null;
  source: string | null;
  action: string | null;
  note: string | null;
  resolution_payment_id: string | null;
  refund_id: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
}

const rowToException = (row: ExceptionRow): PaymentException => ({
  id: row.id,
  type: row.type,
  status: row.status,
  organizationId: row.organization_id,
  amount: row.amount,
  expectedAmount: row.expected_amount,
  paymentId: row.payment_id,
  accountNumber: row.account_number,
  bookedDate: row.booked_date,
  bankCredit: row.credit_id
    ? {
        id: row.credit_id,
        transactionId: row.transaction_id!,
        description: row.description!,
        bookedAt: row.booked_at!,
        source: row.source!,
      }
    : null,
  stripeEventId: row.stripe_event_id,
  details: JSON.parse(row.details) as Record<string, unknown>,
  createdAt: row.created_at,
  resolution: row.action
    ? {
        action: row.action,
        note: row.note ?? '',
        paymentId: row.resolution_payment_id,
        refundId: row.refund_id,
        resolvedBy: row.resolved_by!,
        resolvedAt: row.resolved_at!,
      }
    : null,
});

const EXCEPTION_QUERY = `SELECT e.id, e.type, e.status, e.organization_id, e.amount, e.expected_amount, e.payment_id, e.account_number,
    e.booked_date, e.stripe_event_id, e.details, e.created_at,
    b.id AS credit_id, b.transaction_id, b.description, b.booked_at, b.source,
    r.action, r.note, r.payment_id AS resolution_payment_id, r.refund_id, r.resolved_by, r.created_at AS resolved_at
  FROM payment_exceptions e
  LEFT JOIN bank_credits b ON b.id = e.bank_credit_id
  LEFT JOIN exception_resolutions r ON r.exception_id = e.id`;

/** Exceptions in a queue: one organization's, or every one (admins, organizationId undefined). */
export async function listExceptions(
  db: D1Database,
  filter: { organizationId?: string; status?: 'open' | 'resolved'; type?: string; limit: number },
): Promise<PaymentException[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `?${params.length}`;
  };
  if (filter.organizationId !== undefined) where.push(`e.organization_id = ${bind(filter.organizationId)}`);
  if (filter.status) where.push(`e.status = ${bind(filter.status)}`);
  if (filter.type) where.push(`e.type = ${bind(filter.type)}`);
  const { results } = await db
    .prepare(`${EXCEPTION_QUERY} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.created_at, e.id LIMIT ${filter.limit}`)
    .bind(...params)
    .all<ExceptionRow>();
  return results.map(rowToException);
}

export async function findException(db: D1Database, id: string): Promise<PaymentException | null> {
  const row = await db.prepare(`${EXCEPTION_QUERY} WHERE e.id = ?1`).bind(id).first<ExceptionRow>();
  return row ? rowToException(row) : null;
}

/** Staff see their organization's queue; admins see every queue, including the platform's. */
export function canHandle(user: SessionUser, exception: PaymentException): boolean {
  return user.role === 'admin' || (exception.organizationId !== null && exception.organizationId === user.organization?.id);
}

export type Resolution =
  | { action: 'match'; paymentId?: string; billCode?: string; acceptDifference?: boolean; note?: string }
  | { action: 'refund'; note?: string }
  | { action: 'dismiss'; note: string };

/**
 * Resolves an exception once: the resolution row (unique per exception) is written in the
 * same batch as its effect, so a second resolution fails as a whole. A match confirms the
 * payment through the same transition and ledger code as a bank notice; a correction to a
 * closed day is written as an adjustment dated today, never as an edit.
 */
export async function resolveException(
  db: D1Database,
  exception: PaymentException,
  resolution: Resolution,
  user: SessionUser,
  now: string,
) {
  if (exception.status !== 'open') throw new ApiError(409, 'already_resolved', 'This exception has already been resolved');
  const resolutionId = newId('res');
  const today = vietnamDate(new Date(now));
  const note = resolution.note?.trim() ?? '';
  const statements: D1PreparedStatement[] = [];
  let paymentId: string | null = null;
  let refundId: string | null = null;
  let abortUnlessApplied: D1PreparedStatement | null = null;
  let surplus: D1PreparedStatement | null = null;

  if (resolution.action === 'match') {
    if (!exception.bankCredit)
      throw new ApiError(409, 'nothing_to_match', 'Only money received at the bank can be matched; refund or dismiss this one');
    const { payment, isNew } = await matchTarget(db, exception, resolution, now);
    const difference = exception.amount - payment.amount;
    if (difference !== 0 && !(resolution.acceptDifference && note)) {
      throw new ApiError(
        400,
        'amount_differs',
        `The amounts differ by ${difference} đồng: send acceptDifference with a note to match anyway`,
        [{ path: 'acceptDifference', message: 'Required, with a note, when the amounts differ' }],
      );
    }
    if (SETTLED_STATUSES.includes(payment.status))
      throw new ApiError(409, 'payment_already_paid', 'That payment is already paid; refund this money instead');
    if (payment.billId) {
      const bill = await db.prepare('SELECT status FROM bills WHERE id = ?1').bind(payment.billId).first<{ status: string }>();
      if (bill?.status !== 'open')
        throw new ApiError(
          409,
          `bill_${bill?.status ?? 'missing'}`,
          `That payment's bill is ${bill?.status ?? 'gone'}; refund this money instead`,
        );
    }
    if (exception.amount > payment.amount) {
      // The surplus stays visible as an exception of its own, to be refunded or matched.
      surplus = db
        .prepare(
          `INSERT INTO payment_exceptions (id, type, organization_id, bank_credit_id, amount, details, account_number, booked_date, created_at)
           VALUES (?1, 'duplicate_payment', ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
        )
        .bind(
          newId('exc'),
          exception.organizationId,
          exception.bankCredit.id,
          exception.amount - payment.amount,
          JSON.stringify({ surplusOf: exception.id, paymentId: payment.id }),
          exception.accountNumber,
          exception.bookedDate,
          now,
        );
    }
    if (payment.status === 'failed') throw new ApiError(409, 'payment_failed', 'That payment failed; match the bill instead');
    paymentId = payment.id;
    const insert = isNew
      ? newPaymentStatements(db, payment, { source: 'staff', sourceRef: exception.id, data: { exceptionId: exception.id }, now })
      : [];
    const confirm = await confirmStatements(db, payment, {
      event: 'staff_confirm',
      source: 'staff',
      sourceRef: exception.id,
      now,
      data: { exceptionId: exception.id, resolvedBy: user.id, received: exception.amount, note },
      receivedAmount: exception.amount,
    });
    statements.push(
      ...insert,
      ...confirm.statements,
      db.prepare("UPDATE bank_credits SET payment_id = ?2, outcome = 'matched' WHERE id = ?1").bind(exception.bankCredit.id, payment.id),
    );
    // Written after the resolution row: if the payment moved on meanwhile, this second row
    // breaks the unique constraint and the whole batch, resolution included, is rolled back.
    abortUnlessApplied = db
      .prepare(
        `INSERT INTO exception_resolutions (id, exception_id, action, note, resolved_by, created_at)
         SELECT ?3, ?4, 'match', 'transition did not apply', ?5, ?6 WHERE NOT ${confirm.appliedGuard}`,
      )
      .bind(payment.id, confirm.eventId, newId('res'), exception.id, user.id, now);
  } else if (resolution.action === 'refund') {
    if (!exception.bankCredit)
      throw new ApiError(
        409,
        'nothing_to_refund',
        'No money of this exception reached the bank account; dismiss it, or refund the card payment',
      );
    refundId = newId('ref');
    statements.push(
      db
        .prepare(
          `INSERT INTO refunds (id, exception_id, amount, reason, method, status, requested_by, created_at, updated_at)
           VALUES (?1, ?2, ?3, ?4, 'vietqr', 'awaiting_approval', ?5, ?6, ?6)`,
        )
        .bind(refundId, exception.id, exception.amount, note || `Trả lại khoản tiền không khớp (${exception.type})`, user.id, now),
    );
  }

  const closed =
    exception.accountNumber && exception.bookedDate
      ? await db
          .prepare('SELECT 1 FROM closed_days WHERE account_number = ?1 AND date = ?2')
          .bind(exception.accountNumber, exception.bookedDate)
          .first()
      : null;
  if (closed && resolution.action === 'match') {
    statements.push(
      db
        .prepare(
          'INSERT INTO adjustments (id, account_number, date, affects_date, payment_id, exception_id, amount, reason, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)',
        )
        .bind(
          newId('adj'),
          exception.accountNumber,
          today,
          exception.bookedDate,
          paymentId,
          exception.id,
          exception.amount,
          `Matched after the day was closed: ${note}`,
          user.id,
          now,
        ),
    );
  }

  try {
    await db.batch([
      db
        .prepare("UPDATE payment_exceptions SET status = 'resolved', resolved_at = ?2, resolved_by = ?3 WHERE id = ?1 AND status = 'open'")
        .bind(exception.id, now, user.id),
      ...statements,
      // Unique per exception: a second, concurrent resolution fails here as a whole.
      db
        .prepare(
          `INSERT INTO exception_resolutions (id, exception_id, action, payment_id, refund_id, note, resolved_by, created_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
        )
        .bind(resolutionId, exception.id, resolution.action, paymentId, refundId, note, user.id, now),
      ...(abortUnlessApplied ? [abortUnlessApplied] : []),
      ...(surplus ? [surplus] : []),
    ]);
  } catch (error) {
    if (String(error).includes('UNIQUE constraint failed: exception_resolutions.exception_id')) {
      throw new ApiError(409, 'already_resolved', 'This exception was resolved meanwhile, or its payment changed; reload it');
    }
    // The bill or order was paid another way meanwhile, or the order's stock is gone.
    if (String(error).includes('constraint failed')) {
      throw new ApiError(
        409,
        'cannot_match',
        'That payment can no longer take this money (paid another way, or out of stock); refund it instead',
      );
    }
    throw error;
  }
  return (await findException(db, exception.id))!;
}

/** The payment a match applies the money to: a named payment, or the bill's (made if need be). */
async function matchTarget(
  db: D1Database,
  exception: PaymentException,
  resolution: Extract<Resolution, { action: 'match' }>,
  now: string,
): Promise<{ payment: Payment; isNew: boolean }> {
  if (resolution.paymentId) {
    const payment = await findPayment(db, resolution.paymentId);
    if (!payment || payment.payeeAccountNo !== exception.accountNumber) throw notFound('Payment on this account', 'payment_not_found');
    return { payment, isNew: false };
  }
  const code = resolution.billCode ? normalizeBillCode(resolution.billCode) : null;
  const bill = code ? await findBillByCode(db, code) : null;
  if (!bill || (exception.organizationId !== null && bill.billerId !== exception.organizationId)) throw notFound('Bill', 'bill_not_found');
  if (bill.status !== 'open') throw new ApiError(409, `bill_${bill.status}`, `The bill is ${bill.status}`);
  const pending = await findPendingPayment(db, { billId: bill.id });
  if (pending) return { payment: pending, isNew: false };
  const payment = await newBillPayment(db, bill.id, { bookedAt: now }, `exception:${exception.id}`, now);
  if (!payment) throw new ApiError(409, 'bill_paid', 'The bill is no longer open');
  if (payment.payeeAccountNo !== exception.accountNumber)
    throw new ApiError(409, 'wrong_account', "The money arrived on another account than the bill's");
  return { payment, isNew: true };
}
