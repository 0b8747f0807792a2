import { newId } from '../domain/tokens';

/** What a closed day froze: the bank credits booked that day on the account. */
export interface DayTotals {
  credits: number;
  amount: number;
  matched: number;
  exceptions: number;
}

export async function isDayClosed(db: D1Database, accountNumber: string, date: string): Promise<boolean> {
  const row = await db.prepare('SELECT 1 FROM closed_days WHERE account_number = ?1 AND date = ?2').bind(accountNumber, date).first();
  return row !== null;
}

/** The account's credits booked within [start, end), counted as a close freezes them. */
export async function creditTotals(db: D1Database, accountNumber: string, start: string, end: string): Promise<DayTotals> {
  const row = await db
    .prepare(
      `SELECT count(*) AS credits, coalesce(sum(amount), 0) AS amount,
         coalesce(sum(outcome = 'matched'), 0) AS matched, coalesce(sum(outcome = 'exception'), 0) AS exceptions
       FROM bank_credits WHERE account_number = ?1 AND booked_at >= ?2 AND booked_at < ?3`,
    )
    .bind(accountNumber, start, end)
    .first<DayTotals>();
  return row!;
}

/** Freezes a day; false when it was closed already (the primary key keeps it closed once). */
export async function insertClosedDay(
  db: D1Database,
  day: { accountNumber: string; date: string; organizationId: string | null; totals: DayTotals; closedBy: string; closedAt: string },
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO closed_days (account_number, date, organization_id, totals, closed_by, closed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (account_number, date) DO NOTHING RETURNING date`,
    )
    .bind(day.accountNumber, day.date, day.organizationId, JSON.stringify(day.totals), day.closedBy, day.closedAt)
    .all();
  return result.results.length === 1;
}

export interface NewAdjustment {
  accountNumber: string;
  /** The day it is made and counted in. */
  date: string;
  /** The closed day it corrects. */
  affectsDate: string;
  paymentId: string | null;
  exceptionId: string | null;
  amount: number;
  reason: string;
  createdBy: string | null;
  now: string;
}

/** A correction to a closed day, dated the day it is made: a closed day itself never changes. */
export function insertAdjustmentStatement(db: D1Database, adjustment: NewAdjustment): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO adjustments (id, account_number, date, affects_date, payment_id, exception_id, amount, reason, created_by, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
    )
    .bind(
      newId('adj'),
      adjustment.accountNumber,
      adjustment.date,
      adjustment.affectsDate,
      adjustment.paymentId,
      adjustment.exceptionId,
      adjustment.amount,
      adjustment.reason,
      adjustment.createdBy,
      adjustment.now,
    );
}
