/**
 * Closing a day: once every exception of an account's day is resolved, its totals (the
 * bank credits booked that Vietnam day) are frozen. A closed day never changes; a later
 * correction is an adjustment dated the day it is made.
 */

import { type DayTotals, dayTotals, insertClosedDay } from '../db/days';
import { countOpenExceptions } from '../db/exceptions';
import { type AdjustmentRow, findAdjustments, findClosedDay } from '../db/reports';
import type { SessionUser } from '../db/users';
import { formatVietnamDate, vietnamDate, vietnamDayBounds } from '../domain/vietnam-time';
import { ApiError } from '../errors';

export interface ClosedDay {
  date: string;
  accountNumber: string;
  closedAt: string;
  totals: DayTotals;
}

export async function closeDay(
  db: D1Database,
  day: { accountNumber: string; date: string; ownerId: string | null },
  user: SessionUser,
  now: Date,
): Promise<ClosedDay> {
  const { accountNumber, date } = day;
  if (date > vietnamDate(now)) throw new ApiError(409, 'day_not_over', 'Chỉ chốt sổ được một ngày đã bắt đầu');
  const open = await countOpenExceptions(db, accountNumber, date);
  if (open > 0)
    throw new ApiError(
      409,
      'open_exceptions',
      `Còn ${open} ngoại lệ của ngày ${formatVietnamDate(date)} chưa xử lý trên tài khoản ${accountNumber}; hãy xử lý hết trước khi chốt sổ`,
    );
  const totals = await dayTotals(db, accountNumber, { date, ...vietnamDayBounds(date) });
  const closedAt = now.toISOString();
  if (!(await insertClosedDay(db, { accountNumber, date, organizationId: day.ownerId, totals, closedBy: user.id, closedAt }))) {
    throw new ApiError(409, 'day_closed', `Ngày ${formatVietnamDate(date)} đã được chốt sổ rồi`);
  }
  return { date, accountNumber, closedAt, totals };
}

export interface Adjustment {
  id: string;
  /** The day it was made and is counted in. */
  date: string;
  /** The closed day it corrects. */
  affectsDate: string;
  paymentId: string | null;
  exceptionId: string | null;
  amount: number;
  reason: string;
  createdBy: string | null;
  createdAt: string;
}

export interface DayRecord {
  date: string;
  accountNumber: string;
  closed: boolean;
  closedAt: string | null;
  closedBy: string | null;
  /** What the close froze; null while the day is open. */
  totals: DayTotals | null;
  /** Corrections made on this day (money booked on a closed day, matches after a close). */
  adjustments: Adjustment[];
  /** Corrections of this day made on later days, once it was closed. */
  laterAdjustments: Adjustment[];
}

const toAdjustment = (row: AdjustmentRow): Adjustment => ({
  id: row.id,
  date: row.date,
  affectsDate: row.affects_date,
  paymentId: row.payment_id,
  exceptionId: row.exception_id,
  amount: row.amount,
  reason: row.reason,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

/** A day of an account as the close froze it, with its adjustments both ways, read back. */
export async function readDay(db: D1Database, accountNumber: string, date: string): Promise<DayRecord> {
  const [closed, adjustments] = await Promise.all([findClosedDay(db, accountNumber, date), findAdjustments(db, accountNumber, date)]);
  return {
    date,
    accountNumber,
    closed: closed !== null,
    closedAt: closed?.closed_at ?? null,
    closedBy: closed?.closed_by ?? null,
    totals: closed ? (JSON.parse(closed.totals) as DayTotals) : null,
    adjustments: adjustments.made.map(toAdjustment),
    laterAdjustments: adjustments.correcting.map(toAdjustment),
  };
}
