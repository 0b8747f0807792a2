import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORGANIZATION_KINDS, PRODUCER_KINDS, staffRolesFor } from './organization-kinds';
import { SETUP_LINK_HOURS, setupLinkExpiry, setupLinkPath, setupLinkState } from './setup-link';

describe('setupLinkState', () => {
  const now = '2026-12-02T09:00:00.000Z';
  it.each([
    [{ expiresAt: '2026-12-05T09:00:00.000Z', usedAt: null, revokedAt: null }, 'usable'],
    [{ expiresAt: '2026-12-02T09:00:00.000Z', usedAt: null, revokedAt: null }, 'expired'],
    [{ expiresAt: '2026-12-01T09:00:00.000Z', usedAt: null, revokedAt: null }, 'expired'],
    [{ expiresAt: '2026-12-05T09:00:00.000Z', usedAt: '2026-12-02T08:00:00.000Z', revokedAt: null }, 'used'],
    [{ expiresAt: '2026-12-01T09:00:00.000Z', usedAt: '2026-11-30T08:00:00.000Z', revokedAt: null }, 'used'],
    [{ expiresAt: '2026-12-05T09:00:00.000Z', usedAt: null, revokedAt: '2026-12-02T08:00:00.000Z' }, 'revoked'],
  ] as const)('%o is %s', (link, state) => {
    expect(setupLinkState(link, now)).toBe(state);
  });

  it('a fresh link is usable for exactly 72 hours', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }), (issued) => {
        const link = { expiresAt: setupLinkExpiry(issued), usedAt: null, revokedAt: null };
        const justBefore = new Date(issued.getTime() + SETUP_LINK_HOURS * 3600_000 - 1).toISOString();
        const atExpiry = new Date(issued.getTime() + SETUP_LINK_HOURS * 3600_000).toISOString();
        expect(setupLinkState(link, justBefore)).toBe('usable');
        expect(setupLinkState(link, atExpiry)).toBe('expired');
      }),
    );
  });

  it('builds the page path with the token encoded', () => {
    expect(setupLinkPath('abc-_9')).toBe('/dat-mat-khau?token=abc-_9');
    expect(setupLinkExpiry(new Date('2026-12-01T00:00:00Z'))).toBe('2026-12-04T00:00:00.000Z');
  });
});

describe('staffRolesFor', () => {
  it.each([
    ['cooperative', ['seller']],
    ['household', ['seller']],
    ['enterprise', ['seller']],
    ['cooperative_group', ['seller']],
    ['market_board', ['market_manager', 'biller_staff']],
    ['school', ['biller_staff']],
    ['hospital', ['biller_staff']],
    ['commune_office', ['biller_staff']],
  ] as const)('%s staff may be %o', (kind, roles) => {
    expect(staffRolesFor(kind)).toEqual(roles);
  });

  it('covers every kind, and never offers shopper or admin', () => {
    for (const kind of ORGANIZATION_KINDS) {
      expect(staffRolesFor(kind).length).toBeGreaterThan(0);
      expect(staffRolesFor(kind)).not.toContain('admin');
      expect(staffRolesFor(kind)).not.toContain('shopper');
    }
    expect(PRODUCER_KINDS.every((kind) => staffRolesFor(kind).includes('seller'))).toBe(true);
  });
});
