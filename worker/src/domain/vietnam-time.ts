/**
 * Dates and times as people in Vietnam read them: UTC+7, no daylight saving. Certificates
 * expire, bills fall due and days are closed at local midnight, not at UTC midnight.
 * This module imports nothing, so Node scripts can use it as well as the worker.
 */

export const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** @example vietnamDate(new Date("2026-11-29T18:00:00Z")) // "2026-11-30" */
export function vietnamDate(instant: Date): string {
  return new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** dd/mm/yyyy hh:mm, Vietnam time. @example formatVietnamTime("2026-11-30T02:00:00Z") // "30/11/2026 09:00" */
export function formatVietnamTime(iso: string): string {
  const local = new Date(Date.parse(iso) + VIETNAM_OFFSET_MS).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
}

/** The UTC instants a Vietnamese day runs between: from 17:00 UTC the day before. */
export function vietnamDayBounds(date: string): { start: string; end: string } {
  const start = Date.parse(`${date}T00:00:00+07:00`);
  return { start: new Date(start).toISOString(), end: new Date(start + DAY_MS).toISOString() };
}
