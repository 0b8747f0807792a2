/**
 * OCOP ("One Commune One Product") certificates. 3★ and 4★ are awarded by the province,
 * 5★ nationally, and a certificate is valid for 36 months unless it says otherwise.
 * Validity is computed whenever a product is read, so an expired star badge disappears
 * on the day after expiry without any nightly job.
 */

export type OcopStars = 3 | 4 | 5;
export type OcopLevel = 'provincial' | 'national';

export const OCOP_VALIDITY_MONTHS = 36;

/** @example ocopLevel(5) // "national" */
export function ocopLevel(stars: OcopStars): OcopLevel {
  return stars === 5 ? 'national' : 'provincial';
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (rejects 2025-02-30). */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The default expiry: the same day 36 months later, or the month's last day when that
 * day does not exist (a certificate issued on 29 Feb expires on 28 Feb).
 *
 * @example defaultOcopExpiry("2024-02-29") // "2027-02-28"
 */
export function defaultOcopExpiry(issuedAt: string, months = OCOP_VALIDITY_MONTHS): string {
  const match = ISO_DATE.exec(issuedAt);
  if (!match || !isIsoDate(issuedAt)) throw new RangeError(`not an ISO date: ${issuedAt}`);
  const year = Number(match[1]);
  const monthIndex = Number(match[2]) - 1 + months;
  const day = Number(match[3]);
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = monthIndex % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return new Date(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

/** A certificate is valid up to and including its expiry date. */
export function isOcopValid(expiresAt: string, today: string): boolean {
  return today <= expiresAt;
}
