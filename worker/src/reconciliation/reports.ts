/** Daily reports and collection series, by Vietnamese day. */
import type { BillType } from '../db/bills';
import type { DayTotals } from '../db/days';
import { collectionRows, dayRows } from '../db/reports';
import { formatVietnamDate, vietnamDayBounds } from '../domain/vietnam-time';

interface Tally {
  count: number;
  amount: number;
}

/** What a closed day froze, as it was at the close. */
export interface DayClosing {
  closedAt: string;
  closedBy: string;
  totals: DayTotals;
}

export interface OrganizationDay {
  organizationId: string | null;
  name: string;
  /** The collection account the day is closed for. */
  accountNumber: string | null;
  /** Money received that day, by the day the bank (or Stripe) booked it. */
  total: Tally;
  byRail: Record<'vietqr' | 'stripe', Tally>;
  byType: Record<BillType | 'order', Tally>;
  refunds: Tally;
  openExceptions: Tally;
  /** Corrections made that day: money booked on a day already closed, matches made after a close. */
  adjustments: Tally;
  /** Amounts above the one ceiling (stored before it existed): counted here, left out of every sum. */
  overCeiling: number;
  closed: boolean;
  closing: DayClosing | null;
}

export interface DailyReport {
  date: string;
  organizations: OrganizationDay[];
}

const empty = (): Tally => ({ count: 0, amount: 0 });

/**
 * Per organization: money received that day (by the bank's booking date, Vietnam time) by
 * rail and by kind, refunds sent that day, exceptions still open in that day's queue,
 * adjustments made that day, and whether the day is closed, with what it froze.
 * `organizationId` limits it to one organization; undefined (admins) reports every
 * organization, with marketplace orders under the platform (organizationId null).
 */
export async function dailyReport(
  db: D1Database,
  date: string,
  organizationId?: string,
  platformAccount: string | null = null,
): Promise<DailyReport> {
  const { start, end } = vietnamDayBounds(date);
  const scoped = organizationId !== undefined;
  const rows = await dayRows(db, { date, start, end }, organizationId);
  const organizations = new Map(rows.organizations.map((row) => [row.id, row]));
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
        byType: {
          market_fee: empty(),
          tuition: empty(),
          hospital: empty(),
          admin_fee: empty(),
          electricity: empty(),
          water: empty(),
          order: empty(),
        },
        refunds: empty(),
        openExceptions: empty(),
        adjustments: empty(),
        overCeiling: 0,
        closed: false,
        closing: null,
      };
      byOrg.set(org, day);
    }
    return day;
  };
  if (scoped) entry(organizationId);
  for (const row of rows.paid) {
    const day = entry(row.org);
    for (const tally of [day.total, day.byRail[row.method], day.byType[row.kind]]) {
      tally.count += row.n;
      tally.amount += row.total;
    }
    day.overCeiling += row.over;
  }
  const tallies = [
    ['refunds', rows.refunds],
    ['openExceptions', rows.openExceptions],
    ['adjustments', rows.adjustments],
  ] as const;
  for (const [field, list] of tallies)
    for (const row of list) {
      const day = entry(row.org);
      day[field] = { count: row.n, amount: row.total };
      day.overCeiling += row.over;
    }
  for (const row of rows.closed) {
    const day = entry(row.org);
    day.closed = true;
    day.closing = { closedAt: row.closed_at, closedBy: row.closed_by, totals: JSON.parse(row.totals) as DayTotals };
  }
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
  'Tiền điện',
  'Tiền nước',
  'Đơn hàng',
  'Hoàn tiền - số giao dịch',
  'Hoàn tiền - số tiền',
  'Ngoại lệ chưa xử lý',
  'Điều chỉnh - số khoản',
  'Điều chỉnh - số tiền',
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
  const date = formatVietnamDate(report.date);
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
    org.byType.electricity.amount,
    org.byType.water.amount,
    org.byType.order.amount,
    org.refunds.count,
    org.refunds.amount,
    org.openExceptions.count,
    org.adjustments.count,
    org.adjustments.amount,
    org.closed ? 'Có' : 'Chưa',
  ]);
  return `\uFEFF${[CSV_HEADER, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Money received per Vietnamese day, for a chart. */
export async function collectionSeries(db: D1Database, from: string, to: string, organizationId?: string) {
  const { start } = vietnamDayBounds(from);
  const { end } = vietnamDayBounds(to);
  const results = await collectionRows(db, start, end, organizationId);
  const byDay = new Map(results.map((row) => [row.day, row]));
  const days: Array<{ date: string; count: number; amount: number }> = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const row = byDay.get(date);
    days.push({ date, count: row?.n ?? 0, amount: row?.total ?? 0 });
  }
  return days;
}
