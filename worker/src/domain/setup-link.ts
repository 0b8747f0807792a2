/**
 * One-time links to set a password, for staff an admin adds (there is no e-mail sending: the
 * admin hands the link over). 72 hours is long enough to reach someone over a weekend and
 * short enough that a link forgotten in a chat stops working.
 */

export const SETUP_LINK_HOURS = 72;

/** @example setupLinkExpiry(new Date('2026-12-01T00:00:00Z')) // "2026-12-04T00:00:00.000Z" */
export function setupLinkExpiry(now: Date, hours = SETUP_LINK_HOURS): string {
  return new Date(now.getTime() + hours * 3600_000).toISOString();
}

/** The storefront page that takes the token. @example setupLinkPath('abc') // "/dat-mat-khau?token=abc" */
export function setupLinkPath(token: string): string {
  return `/dat-mat-khau?token=${encodeURIComponent(token)}`;
}

/** Where the token is in its life, from its stored times (ISO strings compare in time order). */
export function setupLinkState(
  link: { expiresAt: string; usedAt: string | null; revokedAt: string | null },
  now: string,
): 'usable' | 'used' | 'revoked' | 'expired' {
  if (link.usedAt) return 'used';
  if (link.revokedAt) return 'revoked';
  if (link.expiresAt <= now) return 'expired';
  return 'usable';
}
