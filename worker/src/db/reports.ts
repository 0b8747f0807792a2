/**
 * The queries behind the daily report, the collection chart and a closed day's record.
 *
 * Money is counted by the day the bank (or Stripe) booked it, in Vietnam time. Sums use
 * total(), which never overflows, over amounts within the one ceiling; an amount above it can
 * only be one stored before the ceiling existed, and is counted apart instead of summed, so a
 * report answers for any data already in the database.
 */
import { MAX_AMOUNT } from '../domain/money';
import type { BillType } from './bills';
import { prepare, sql, trusted } from './sql';

export interface PaidRow {
  org: string | null;
  method: 'vietqr' | 'stripe';
  kind: BillType | 'order';
  n: number;
  total: number;
  over: number;
}

export interface OrgTallyRow {
  org: string | null;
  n: number;
  total: number;
  over: number;
}

export interface ClosedRow {
  org: string | null;
  account_number: string;
  totals: string;
  closed_by: string;
  closed_at: string;
}

export interface DayRows {
  paid: PaidRow[];
  refunds: OrgTallyRow[];
  openExceptions: OrgTallyRow[];
  adjustments: OrgTallyRow[];
  closed: ClosedRow[];
  organizations: Array<{ id: string; name: string; bank_account_no: string | null }>;
}

/** `sum` and `count over the ceiling` of an amount column, never overflowing. */
const checkedSum = (column: 'p.amount' | 'r.amount' | 'a.amount' | 'amount') => {
  const amount = trusted(column);
  return sql`CAST(total(CASE WHEN ${amount} <= ${MAX_AMOUNT} THEN ${amount} ELSE 0 END) AS INTEGER) AS total,
    count(CASE WHEN ${amount} > ${MAX_AMOUNT} THEN 1 END) AS over`;
};

/**
 * One (Vietnam) day's money per organization, in one batch: what was received, refunds sent,
 * exceptions still open in its queue, adjustments made that day, and which accounts closed
 * it. `organizationId` undefined: every organization.
 */
export async function dayRows(
  db: D1Database,
  day: { date: string; start: string; end: string },
  organizationId?: string,
): Promise<DayRows> {
  const scoped = organizationId !== undefined ? 1 : 0;
  const org = organizationId ?? null;
  const [paid, refunds, exceptions, adjustments, closed, names] = await db.batch([
    prepare(
      db,
      sql`SELECT p.payee_org_id AS org, p.method, coalesce(b.type, 'order') AS kind, count(*) AS n, ${checkedSum('p.amount')}
          FROM payments p LEFT JOIN bills b ON b.id = p.bill_id
          WHERE p.received_at >= ${day.start} AND p.received_at < ${day.end} AND (${scoped} = 0 OR p.payee_org_id = ${org})
          GROUP BY org, p.method, kind`,
    ),
    prepare(
      db,
      sql`SELECT coalesce(p.payee_org_id, e.organization_id) AS org, count(*) AS n, ${checkedSum('r.amount')}
          FROM refunds r LEFT JOIN payments p ON p.id = r.payment_id LEFT JOIN payment_exceptions e ON e.id = r.exception_id
          WHERE r.status IN ('sent', 'succeeded') AND r.updated_at >= ${day.start} AND r.updated_at < ${day.end}
            AND (${scoped} = 0 OR coalesce(p.payee_org_id, e.organization_id) = ${org})
          GROUP BY org`,
    ),
    prepare(
      db,
      sql`SELECT organization_id AS org, count(*) AS n, ${checkedSum('amount')} FROM payment_exceptions
          WHERE status = 'open' AND (booked_date = ${day.date} OR (booked_date IS NULL AND created_at >= ${day.start} AND created_at < ${day.end}))
            AND (${scoped} = 0 OR organization_id = ${org})
          GROUP BY org`,
    ),
    prepare(
      db,
      sql`SELECT o.id AS org, count(*) AS n, ${checkedSum('a.amount')}
          FROM adjustments a LEFT JOIN organizations o ON o.bank_account_no = a.account_number
          WHERE a.date = ${day.date} AND (${scoped} = 0 OR o.id = ${org})
          GROUP BY org`,
    ),
    prepare(
      db,
      sql`SELECT organization_id AS org, account_number, totals, closed_by, closed_at FROM closed_days
          WHERE date = ${day.date} AND (${scoped} = 0 OR organization_id = ${org})`,
    ),
    db.prepare('SELECT id, name, bank_account_no FROM organizations WHERE (?1 = 0 OR id = ?2)').bind(scoped, org),
  ]);
  return {
    paid: paid!.results as PaidRow[],
    refunds: refunds!.results as OrgTallyRow[],
    openExceptions: exceptions!.results as OrgTallyRow[],
    adjustments: adjustments!.results as OrgTallyRow[],
    closed: closed!.results as ClosedRow[],
    organizations: names!.results as DayRows['organizations'],
  };
}

/** Money received per Vietnam day within [start, end), by the day it was booked. */
export async function collectionRows(db: D1Database, start: string, end: string, organizationId?: string) {
  const { results } = await prepare(
    db,
    sql`SELECT date(p.received_at, '+7 hours') AS day, count(*) AS n, ${checkedSum('p.amount')}
        FROM payments p WHERE p.received_at >= ${start} AND p.received_at < ${end}
          AND (${organizationId !== undefined ? 1 : 0} = 0 OR p.payee_org_id = ${organizationId ?? null})
        GROUP BY day ORDER BY day`,
  ).all<{ day: string; n: number; total: number; over: number }>();
  return results;
}

export interface AdjustmentRow {
  id: string;
  date: string;
  affects_date: string;
  payment_id: string | null;
  exception_id: string | null;
  amount: number;
  reason: string;
  created_by: string | null;
  created_at: string;
}

/** A closed day of an account as it was frozen, or null while it is open. */
export async function findClosedDay(db: D1Database, accountNumber: string, date: string): Promise<ClosedRow | null> {
  return db
    .prepare(
      'SELECT organization_id AS org, account_number, totals, closed_by, closed_at FROM closed_days WHERE account_number = ?1 AND date = ?2',
    )
    .bind(accountNumber, date)
    .first<ClosedRow>();
}

/** The account's adjustments made on `date`, and those that correct `date`, oldest first. */
export async function findAdjustments(db: D1Database, accountNumber: string, date: string) {
  const [made, correcting] = await db.batch([
    db.prepare('SELECT * FROM adjustments WHERE account_number = ?1 AND date = ?2 ORDER BY created_at, id').bind(accountNumber, date),
    db
      .prepare('SELECT * FROM adjustments WHERE account_number = ?1 AND affects_date = ?2 ORDER BY created_at, id')
      .bind(accountNumber, date),
  ]);
  return { made: made!.results as AdjustmentRow[], correcting: correcting!.results as AdjustmentRow[] };
}
