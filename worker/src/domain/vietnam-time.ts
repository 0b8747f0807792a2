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

/**
 * A calendar day ("2026-11-30", as the API and `<input type="date">` write it) as people read
 * it: dd/mm/yyyy. The day is taken as written: an instant is first turned into Vietnam's day
 * (`vietnamDate`), or shown with its time (`formatVietnamTime`).
 *
 * @example formatVietnamDate("2026-11-30") // "30/11/2026"
 */
export function formatVietnamDate(isoDate: string): string {
  return `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;
}

/** The day in Vietnam of an instant, dd/mm/yyyy. @example formatVietnamDayOf("2026-11-30T20:00:00Z") // "01/12/2026" */
export function formatVietnamDayOf(iso: string): string {
  return formatVietnamDate(vietnamDate(new Date(iso)));
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

/**
 * A bank's local time without offset ("2023-03-25 14:02:37", also with `T` or `/`-dates
 * "25/03/2023 14:02:37") as an ISO instant in UTC, or null when it is not such a time.
 *
 * @example vietnamLocalToIso("2023-03-25 14:02:37") // "2023-03-25T07:02:37.000Z"
 */
export function vietnamLocalToIso(text: string): string | null {
  const trimmed = text.trim();
  const iso = trimmed.match(/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/);
  const dmy = trimmed.match(/^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/);
  const parts = iso ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]] : dmy ? [dmy[3], dmy[2], dmy[1], dmy[4], dmy[5], dmy[6]] : null;
  if (!parts) return null;
  const [year, month, day, hour = '00', minute = '00', second = '00'] = parts as string[];
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(utc);
  // 31/02 or 25:00 roll over in Date.UTC: refuse them rather than book another day.
  if (check.getUTCDate() !== Number(day) || check.getUTCHours() !== Number(hour) || check.getUTCMonth() !== Number(month) - 1) return null;
  return new Date(utc - VIETNAM_OFFSET_MS).toISOString();
}

/**
 * A month ("2026-12", as the API and `<input type="month">` write it) as people read it.
 * The month is not zero-padded, as bills have always printed it ("tháng 1/2027").
 *
 * @example formatMonth("2026-12") // "tháng 12/2026"
 */
export function formatMonth(period: string): string {
  return `tháng ${Number(period.slice(5, 7))}/${period.slice(0, 4)}`;
}
