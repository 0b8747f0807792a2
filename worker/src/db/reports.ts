/** The queries behind the daily report and the collection chart. */

export interface PaidRow {
  org: string | null;
  method: 'vietqr' | 'stripe';
  kind: 'market_fee' | 'tuition' | 'hospital' | 'admin_fee' | 'order';
  n: number;
  total: number;
}

export interface OrgTallyRow {
  org: string | null;
  n: number;
  total: number;
}

export interface DayRows {
  paid: PaidRow[];
  refunds: OrgTallyRow[];
  openExceptions: OrgTallyRow[];
  closed: Array<{ org: string | null }>;
  organizations: Array<{ id: string; name: string; bank_account_no: string | null }>;
}

/**
 * One (Vietnam) day's money per organization, in one batch: what was paid, refunds sent,
 * exceptions still open, and which organizations closed it. `organizationId` undefined: all.
 */
export async function dayRows(
  db: D1Database,
  day: { date: string; start: string; end: string },
  organizationId?: string,
): Promise<DayRows> {
  const scoped = organizationId !== undefined ? 1 : 0;
  const org = organizationId ?? null;
  const [paid, refunds, exceptions, closed, names] = await db.batch([
    db
      .prepare(
        `SELECT p.payee_org_id AS org, p.method, coalesce(b.type, 'order') AS kind, count(*) AS n, sum(p.amount) AS total
         FROM payments p LEFT JOIN bills b ON b.id = p.bill_id
         WHERE p.paid_at >= ?1 AND p.paid_at < ?2 AND (?3 = 0 OR p.payee_org_id = ?4)
         GROUP BY org, p.method, kind`,
      )
      .bind(day.start, day.end, scoped, org),
    db
      .prepare(
        `SELECT coalesce(p.payee_org_id, e.organization_id) AS org, count(*) AS n, sum(r.amount) AS total
         FROM refunds r LEFT JOIN payments p ON p.id = r.payment_id LEFT JOIN payment_exceptions e ON e.id = r.exception_id
         WHERE r.status IN ('sent', 'succeeded') AND r.updated_at >= ?1 AND r.updated_at < ?2
           AND (?3 = 0 OR coalesce(p.payee_org_id, e.organization_id) = ?4)
         GROUP BY org`,
      )
      .bind(day.start, day.end, scoped, org),
    db
      .prepare(
        `SELECT organization_id AS org, count(*) AS n, sum(amount) AS total FROM payment_exceptions
         WHERE status = 'open' AND (booked_date = ?1 OR (booked_date IS NULL AND created_at >= ?2 AND created_at < ?3))
           AND (?4 = 0 OR organization_id = ?5)
         GROUP BY org`,
      )
      .bind(day.date, day.start, day.end, scoped, org),
    db
      .prepare('SELECT organization_id AS org FROM closed_days WHERE date = ?1 AND (?2 = 0 OR organization_id = ?3)')
      .bind(day.date, scoped, org),
    db.prepare('SELECT id, name, bank_account_no FROM organizations WHERE (?1 = 0 OR id = ?2)').bind(scoped, org),
  ]);
  return {
    paid: paid!.results as PaidRow[],
    refunds: refunds!.results as OrgTallyRow[],
    openExceptions: exceptions!.results as OrgTallyRow[],
    closed: closed!.results as Array<{ org: string | null }>,
    organizations: names!.results as DayRows['organizations'],
  };
}

/** Money received per Vietnam day within [start, end). */
export async function collectionRows(db: D1Database, start: string, end: string, organizationId?: string) {
  const { results } = await db
    .prepare(
      `SELECT date(p.paid_at, '+7 hours') AS day, count(*) AS n, sum(p.amount) AS total
       FROM payments p WHERE p.paid_at >= ?1 AND p.paid_at < ?2 AND (?3 = 0 OR p.payee_org_id = ?4)
       GROUP BY day ORDER BY day`,
    )
    .bind(start, end, organizationId !== undefined ? 1 : 0, organizationId ?? null)
    .all<{ day: string; n: number; total: number }>();
  return results;
}
