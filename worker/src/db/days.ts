import { MAX_AMOUNT } from '../domain/money';
import { newId } from '../domain/tokens';
import { inSlices, list, prepare, type Sql, sql } from './sql';

/** What a closed day froze: the bank credits booked that day on the account, and the adjustments made that day. */
export interface DayTotals {
  credits: number;
  amount: number;
  matched: number;
  exceptions: number;
  adjustments: { count: number; amount: number };
  /** Credits above the one ceiling (stored before it existed): counted, left out of `amount`. */
  overCeiling: number;
}

export async function isDayClosed(db: D1Database, accountNumber: string, date: string): Promise<boolean> {
  const row = await db.prepare('SELECT 1 FROM closed_days WHERE account_number = ?1 AND date = ?2').bind(accountNumber, date).first();
  return row !== null;
}

/**
 * The account's credits booked within [start, end) of `date`, and the adjustments made on
 * `date`, counted as a close freezes them. Sums never overflow (total() over amounts within
 * the ceiling).
 */
export async function dayTotals(
  db: D1Database,
  accountNumber: string,
  day: { date: string; start: string; end: string },
): Promise<DayTotals> {
  const [credits, adjustments] = await db.batch([
    db
      .prepare(
        `SELECT count(*) AS credits, CAST(total(CASE WHEN amount <= ?4 THEN amount ELSE 0 END) AS INTEGER) AS amount,
           count(CASE WHEN amount > ?4 THEN 1 END) AS over_ceiling,
           coalesce(sum(outcome = 'matched'), 0) AS matched, coalesce(sum(outcome = 'exception'), 0) AS exceptions
         FROM bank_credits WHERE account_number = ?1 AND booked_at >= ?2 AND booked_at < ?3`,
      )
      .bind(accountNumber, day.start, day.end, MAX_AMOUNT),
    db
      .prepare(
        `SELECT count(*) AS count, CAST(total(CASE WHEN amount <= ?3 THEN amount ELSE 0 END) AS INTEGER) AS amount
         FROM adjustments WHERE account_number = ?1 AND date = ?2`,
      )
      .bind(accountNumber, day.date, MAX_AMOUNT),
  ]);
  const row = credits!.results[0] as { credits: number; amount: number; over_ceiling: number; matched: number; exceptions: number };
  const adjusted = adjustments!.results[0] as { count: number; amount: number };
  return {
    credits: row.credits,
    amount: row.amount,
    matched: row.matched,
    exceptions: row.exceptions,
    adjustments: { count: adjusted.count, amount: adjusted.amount },
    overCeiling: row.over_ceiling,
  };
}

/** Whether an exception's money was recorded as an adjustment already (it arrived after its day was closed). */
export async function isAdjusted(db: D1Database, exceptionId: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 FROM adjustments WHERE exception_id = ?1').bind(exceptionId).first()) !== null;
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

/**
 * A correction to a closed day, dated the day it is made: a closed day itself never changes.
 * With `onlyIf`, written only when that holds inside the batch (its credit row is this batch's).
 */
export function insertAdjustmentStatement(db: D1Database, adjustment: NewAdjustment, onlyIf?: Sql): D1PreparedStatement {
  return prepare(
    db,
    sql`INSERT INTO adjustments (id, account_number, date, affects_date, payment_id, exception_id, amount, reason, created_by, created_at)
        SELECT ${newId('adj')}, ${adjustment.accountNumber}, ${adjustment.date}, ${adjustment.affectsDate}, ${adjustment.paymentId},
          ${adjustment.exceptionId}, ${adjustment.amount}, ${adjustment.reason}, ${adjustment.createdBy}, ${adjustment.now}
        WHERE ${onlyIf ?? sql`1 = 1`}`,
  );
}

/** Of these (Vietnam) dates, the ones already closed for the account. */
export async function findClosedDates(db: D1Database, accountNumber: string, dates: readonly string[]): Promise<string[]> {
  const rows = await inSlices(
    dates,
    async (slice) =>
      (
        await prepare(db, sql`SELECT date FROM closed_days WHERE account_number = ${accountNumber} AND date IN (${list(slice)})`).all<{
          date: string;
        }>()
      ).results,
  );
  return rows.map((row) => row.date);
}
