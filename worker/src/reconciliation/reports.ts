/** Daily reports and collection series, by Vietnamese day. */
import { vietnamDayBounds } from '../domain/vietnam-time';

interface Tally {
  count: number;
  amount: number;
}

export interface OrganizationDay {
  organizationId: string | null;
  name: string;
  /** The collection account the day is closed for. */
  accountNumber: string | null;
  total: Tally;
  byRail: Record<'vietqr' | 'stripe', Tally>;
  byType: Record<'market_fee' | 'tuition' | 'hospital' | 'admin_fee' | 'order', Tally>;
  refunds: Tally;
  openExceptions: Tally;
  closed: boolean;
}

export interface DailyReport {
  date: string;
  organizations: OrganizationDay[];
}

const empty = (): Tally => ({ count: 0, amount: 0 });

/**
 * Per organization: money received that day by rail and by kind, refunds sent that day,
 * exceptions still open for that day, and whether the day is closed. `organizationId`
 * limits it to one organization; undefined (admins) reports every organization, with
 * marketplace orders under the platform (organizationId null).
 */
export async function dailyReport(
  db: D1Database,
  date: string,
  organizationId?: string,
  platformAccount: string | null = null,
): Promise<DailyReport> {
  const { start, end } = vietnamDayBounds(date);
  const scoped = organizationId !== undefined;
  const [paid, refunds, exceptions, closed, names] = await db.batch([
    db
      .prepare(
        `SELECT p.payee_org_id AS org, p.method, coalesce(b.type, 'order') AS kind, count(*) AS n, sum(p.amount) AS total
         FROM payments p LEFT JOIN bills b ON b.id = p.bill_id
         WHERE p.paid_at >= ?1 AND p.paid_at < ?2 AND (?3 = 0 OR p.payee_org_id = ?4)
         GROUP BY org, p.method, kind`,
      )
      .bind(start, end, scoped ? 1 : 0, organizationId ?? null),
    db
      .prepare(
        `SELECT coalesce(p.payee_org_id, e.organization_id) AS org, count(*) AS n, sum(r.amount) AS total
         FROM refunds r LEFT JOIN payments p ON p.id = r.payment_id LEFT JOIN payment_exceptions e ON e.id = r.exception_id
         WHERE r.status IN ('sent', 'succeeded') AND r.updated_at >= ?1 AND r.updated_at < ?2
           AND (?3 = 0 OR coalesce(p.payee_org_id, e.organization_id) = ?4)
         GROUP BY org`,
      )
      .bind(start, end, scoped ? 1 : 0, organizationId ?? null),
    db
      .prepare(
        `SELECT organization_id AS org, count(*) AS n, sum(amount) AS total FROM payment_exceptions
         WHERE status = 'open' AND (booked_date = ?1 OR (booked_date IS NULL AND created_at >= ?2 AND created_at < ?3))
           AND (?4 = 0 OR organization_id = ?5)
         GROUP BY org`,
      )
      .bind(date, start, end, scoped ? 1 : 0, organizationId ?? null),
    db
      .prepare('SELECT organization_id AS org FROM closed_days WHERE date = ?1 AND (?2 = 0 OR organization_id = ?3)')
      .bind(date, scoped ? 1 : 0, organizationId ?? null),
    db
      .prepare('SELECT id, name, bank_account_no FROM organizations WHERE (?1 = 0 OR id = ?2)')
      .bind(scoped ? 1 : 0, organizationId ?? null),
  ]);
  const organizations = new Map(
    (names!.results as Array<{ id: string; name: string; bank_account_no: string | null }>).map((row) => [row.id, row]),
  );
  const byOrg = new Map<string | null, OrganizationDay>();
  const entry = (org: string | null): OrganizationDay => {
    let day = byOrg.get(org);
    if (!day) {
      day = {
        organizationId: org,
        name: org === null ? 'Chợ Số (thu hộ đơn hàng)' : (organizations.get(org)?.name ?? org),
        accountNumber: org === null ? platformAccount : (organizations.get(org)?.bank_account_no ?? null),
        total: empty(),
        byRail: { vietqr: empty(), stripe: empty() },
        byType: { market_fee: empty(), tuition: empty(), hospital: empty(), admin_fee: empty(), order: empty() },
        refunds: empty(),
        openExceptions: empty(),
        closed: false,
      };
      byOrg.set(org, day);
    }
    return day;
  };
  if (scoped) entry(organizationId);
  for (const row of paid!.results as Array<{
    org: string | null;
    method: 'vietqr' | 'stripe';
    kind: keyof OrganizationDay['byType'];
    n: number;
    total: number;
  }>) {
    const day = entry(row.org);
    for (const tally of [day.total, day.byRail[row.method], day.byType[row.kind]]) {
      tally.count += row.n;
      tally.amount += row.total;
    }
  }
  for (const row of refunds!.results as Array<{ org: string | null; n: number; total: number }>)
    entry(row.org).refunds = { count: row.n, amount: row.total };
  for (const row of exceptions!.results as Array<{ org: string | null; n: number; total: number }>)
    entry(row.org).openExceptions = { count: row.n, amount: row.total };
  for (const row of closed!.results as Array<{ org: string | null }>) entry(row.org).closed = true;
  return { date, organizations: [...byOrg.values()] };
}

const CSV_HEADER = [
  'Đơn vị',
  'Ngày',
  'Tổng số giao dịch',
  'Tổng số tiền (đồng)',
  'VietQR - số giao dịch',
  'VietQR - số tiền',
  'Thẻ (Stripe) - số giao dịch',
  'Thẻ (Stripe) - số tiền',
  'Phí chợ',
  'Học phí',
  'Viện phí',
  'Lệ phí hành chính',
  'Đơn hàng',
  'Hoàn tiền - số giao dịch',
  'Hoàn tiền - số tiền',
  'Ngoại lệ chưa xử lý',
  'Đã chốt sổ',
];

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV for Excel: UTF-8 with a byte-order mark (without it Excel shows
 * Vietnamese as mojibake), CRLF line ends, plain integer amounts in đồng, dd/mm/yyyy dates.
 */
export function dailyReportCsv(report: DailyReport): string {
  const date = report.date.split('-').reverse().join('/');
  const rows = report.organizations.map((org) => [
    org.name,
    date,
    org.total.count,
    org.total.amount,
    org.byRail.vietqr.count,
    org.byRail.vietqr.amount,
    org.byRail.stripe.count,
    org.byRail.stripe.amount,
    org.byType.market_fee.amount,
    org.byType.tuition.amount,
    org.byType.hospital.amount,
    org.byType.admin_fee.amount,
    org.byType.order.amount,
    org.refunds.count,
    org.refunds.amount,
    org.openExceptions.count,
    org.closed ? 'Có' : 'Chưa',
  ]);
  return `\uFEFF${[CSV_HEADER, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Money received per Vietnamese day, for a chart. */
export async function collectionSeries(db: D1Database, from: string, to: string, organizationId?: string) {
  const { start } = vietnamDayBounds(from);
  const { end } = vietnamDayBounds(to);
  const { results } = await db
    .prepare(
      `SELECT date(p.paid_at, '+7 hours') AS day, count(*) AS n, sum(p.amount) AS total
       FROM payments p WHERE p.paid_at >= ?1 AND p.paid_at < ?2 AND (?3 = 0 OR p.payee_org_id = ?4)
       GROUP BY day ORDER BY day`,
    )
    .bind(start, end, organizationId !== undefined ? 1 : 0, organizationId ?? null)
    .all<{ day: string; n: number; total: number }>();
  const byDay = new Map(results.map((row) => [row.day, row]));
  const days: Array<{ date: string; count: number; amount: number }> = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const row = byDay.get(date);
    days.push({ date, count: row?.n ?? 0, amount: row?.total ?? 0 });
  }
  return days;
}
