/**
 * Closing a day: once every exception of an account's day is resolved, its totals (the
 * bank credits booked that Vietnam day) are frozen. A closed day never changes; a later
 * correction is an adjustment dated the day it is made.
 */

import { creditTotals, type DayTotals, insertClosedDay } from '../db/days';
import { countOpenExceptions } from '../db/exceptions';
import type { SessionUser } from '../db/users';
import { vietnamDate, vietnamDayBounds } from '../domain/vietnam-time';
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
  if (open > 0) throw new ApiError(409, 'open_exceptions', `${open} exception(s) of this day are still open; resolve them first`);
  const { start, end } = vietnamDayBounds(date);
  const totals = await creditTotals(db, accountNumber, start, end);
  const closedAt = now.toISOString();
  if (!(await insertClosedDay(db, { accountNumber, date, organizationId: day.ownerId, totals, closedBy: user.id, closedAt }))) {
    throw new ApiError(409, 'day_closed', `Ngày ${date.split('-').reverse().join('/')} đã được chốt sổ rồi`);
  }
  return { date, accountNumber, closedAt, totals };
}
