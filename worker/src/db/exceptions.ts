import type { ExceptionType } from '../domain/exception-types';
import { newId } from '../domain/tokens';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { join, prepare, type Sql, sql } from './sql';

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

const EXCEPTION_QUERY = sql`SELECT e.id, e.type, e.status, e.organization_id, e.amount, e.expected_amount, e.payment_id, e.account_number,
    e.booked_date, e.stripe_event_id, e.details, e.created_at,
    b.id AS credit_id, b.transaction_id, b.description, b.booked_at, b.source,
    r.action, r.note, r.payment_id AS resolution_payment_id, r.refund_id, r.resolved_by, r.created_at AS resolved_at
  FROM payment_exceptions e
  LEFT JOIN bank_credits b ON b.id = e.bank_credit_id
  LEFT JOIN exception_resolutions r ON r.exception_id = e.id`;

/**
 * Exceptions in a queue, oldest first, a page at a time (keyset: the last one's creation time
 * and id, so a page neither repeats nor skips one however many are resolved meanwhile): one
 * organization's, or every one (admins, organizationId undefined). `total` counts every one the
 * filter matches, on every page, so a queue of 350 says 350 and not the page's 100.
 */
export async function listExceptions(
  db: D1Database,
  filter: { organizationId?: string; status?: 'open' | 'resolved'; type?: string; limit: number; cursor?: string },
): Promise<{ items: PaymentException[]; nextCursor: string | null; total: number }> {
  const where: Sql[] = [sql`1 = 1`];
  if (filter.organizationId !== undefined) where.push(sql`e.organization_id = ${filter.organizationId}`);
  if (filter.status) where.push(sql`e.status = ${filter.status}`);
  if (filter.type) where.push(sql`e.type = ${filter.type}`);
  const matching = join(where, ' AND ');
  const page = [...where];
  if (filter.cursor) {
    const [createdAt, id] = decodeCursor(filter.cursor);
    if (typeof createdAt !== 'string' || typeof id !== 'string') throw invalidCursor();
    page.push(sql`(e.created_at > ${createdAt} OR (e.created_at = ${createdAt} AND e.id > ${id}))`);
  }
  const [listed, counted] = await db.batch([
    prepare(db, sql`${EXCEPTION_QUERY} WHERE ${join(page, ' AND ')} ORDER BY e.created_at, e.id LIMIT ${filter.limit + 1}`),
    prepare(db, sql`SELECT count(*) AS n FROM payment_exceptions e WHERE ${matching}`),
  ]);
  const rows = ((listed?.results ?? []) as ExceptionRow[]).slice(0, filter.limit);
  const last = rows.at(-1);
  return {
    items: rows.map(rowToException),
    nextCursor: (listed?.results.length ?? 0) > filter.limit && last ? encodeCursor([last.created_at, last.id]) : null,
    total: ((counted?.results ?? []) as Array<{ n: number }>)[0]?.n ?? 0,
  };
}

export async function findException(db: D1Database, id: string): Promise<PaymentException | null> {
  const row = await prepare(db, sql`${EXCEPTION_QUERY} WHERE e.id = ${id}`).first<ExceptionRow>();
  return row ? rowToException(row) : null;
}

/** How many exceptions of an account and (Vietnam) day are still open. */
export async function countOpenExceptions(db: D1Database, accountNumber: string, date: string): Promise<number> {
  const row = await db
    .prepare("SELECT count(*) AS n FROM payment_exceptions WHERE account_number = ?1 AND booked_date = ?2 AND status = 'open'")
    .bind(accountNumber, date)
    .first<{ n: number }>();
  return row!.n;
}

export interface NewException {
  id?: string;
  type: ExceptionType;
  organizationId: string | null;
  amount: number;
  expectedAmount?: number | null;
  paymentId?: string | null;
  bankCreditId?: string | null;
  stripeEventId?: string | null;
  details: Record<string, unknown>;
  /** The account credited and the (Vietnam) day it is reconciled in. */
  accountNumber?: string | null;
  bookedDate?: string | null;
  statementId?: string | null;
  now: string;
}

/** Files money that could not be applied on its own; with `onlyIf`, only when that holds inside the batch. */
export function insertExceptionStatement(db: D1Database, exception: NewException, onlyIf?: Sql): D1PreparedStatement {
  return prepare(
    db,
    sql`INSERT INTO payment_exceptions (id, type, organization_id, bank_credit_id, stripe_event_id, payment_id, amount, expected_amount,
          details, account_number, booked_date, statement_id, created_at)
        SELECT ${exception.id ?? newId('exc')}, ${exception.type}, ${exception.organizationId}, ${exception.bankCreditId ?? null},
          ${exception.stripeEventId ?? null}, ${exception.paymentId ?? null}, ${exception.amount}, ${exception.expectedAmount ?? null},
          ${JSON.stringify(exception.details)}, ${exception.accountNumber ?? null}, ${exception.bookedDate ?? null},
          ${exception.statementId ?? null}, ${exception.now}
        WHERE ${onlyIf ?? sql`1 = 1`}`,
  );
}

/** Marks an open exception resolved; part of the resolution's batch. */
export function resolveExceptionStatement(db: D1Database, exceptionId: string, userId: string, now: string): D1PreparedStatement {
  return db
    .prepare("UPDATE payment_exceptions SET status = 'resolved', resolved_at = ?2, resolved_by = ?3 WHERE id = ?1 AND status = 'open'")
    .bind(exceptionId, now, userId);
}

export interface NewResolution {
  id?: string;
  exceptionId: string;
  action: 'match' | 'refund' | 'dismiss';
  paymentId: string | null;
  refundId: string | null;
  note: string;
  resolvedBy: string;
  now: string;
}

/** The log row of a resolution: unique per exception, so a second resolution fails its whole batch. */
export function insertResolutionStatement(db: D1Database, resolution: NewResolution): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO exception_resolutions (id, exception_id, action, payment_id, refund_id, note, resolved_by, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
    )
    .bind(
      resolution.id ?? newId('res'),
      resolution.exceptionId,
      resolution.action,
      resolution.paymentId,
      resolution.refundId,
      resolution.note,
      resolution.resolvedBy,
      resolution.now,
    );
}

/**
 * Breaks its batch unless `applied` holds: a second resolution row for the exception, which
 * the unique constraint refuses, so the whole resolution is rolled back when the payment it
 * confirms moved on meanwhile.
 */
export function abortResolutionUnless(db: D1Database, exceptionId: string, userId: string, applied: Sql, now: string): D1PreparedStatement {
  return prepare(
    db,
    sql`INSERT INTO exception_resolutions (id, exception_id, action, note, resolved_by, created_at)
        SELECT ${newId('res')}, ${exceptionId}, 'match', 'transition did not apply', ${userId}, ${now} WHERE NOT ${applied}`,
  );
}

/** True when a resolution batch failed because the exception was resolved by someone else first. */
export const isAlreadyResolvedError = (error: unknown) =>
  String(error).includes('UNIQUE constraint failed: exception_resolutions.exception_id');

/** Money of a bank credit that a person matched to a payment: the credit now points at it. */
export function linkCreditToPaymentStatement(db: D1Database, bankCreditId: string, paymentId: string): D1PreparedStatement {
  return db.prepare("UPDATE bank_credits SET payment_id = ?2, outcome = 'matched' WHERE id = ?1").bind(bankCreditId, paymentId);
}
