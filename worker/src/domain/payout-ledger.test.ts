import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBalanced } from './ledger';
import { commissionOf, failedJournal, paidJournal, releaseJournal, releaseTime, reserveJournal, sellerBalance } from './payout-ledger';

describe('commission', () => {
  it.each([
    [300_000, 0, 0],
    [300_000, 250, 7_500],
    [99_999, 250, 2_499],
    [1, 9_999, 0],
    [150_000, 10_000, 150_000],
  ])('%i ₫ at %i bps → %i ₫ (rounded down)', (gross, bps, expected) => {
    expect(commissionOf(gross, bps)).toBe(expected);
  });

  it('never exceeds the exact rate and is within one đồng of it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (gross, bps) => {
        const commission = commissionOf(gross, bps);
        expect(commission * 10_000).toBeLessThanOrEqual(gross * bps);
        expect((commission + 1) * 10_000).toBeGreaterThan(gross * bps);
      }),
    );
  });

  it('refuses rates outside 0–10,000 bps', () => {
    expect(() => commissionOf(100, -1)).toThrow(RangeError);
    expect(() => commissionOf(100, 10_001)).toThrow(RangeError);
  });
});

describe('payout journals', () => {
  it('releases 300.000 ₫ at 2.5 % as 292.500 ₫ available and 7.500 ₫ commission', () => {
    expect(releaseJournal('org_a', 300_000, 7_500)).toEqual([
      { account: 'payable:org_a', debit: 0, credit: 300_000, memo: 'released after the hold' },
      { account: 'available:org_a', debit: 292_500, credit: 0, memo: 'available to pay out' },
      { account: 'commission:platform', debit: 7_500, credit: 0, memo: 'platform commission' },
    ]);
  });

  it('books no commission line at 0 %', () => {
    expect(releaseJournal('org_a', 150_000, 0)).toHaveLength(2);
  });

  it('balances every journal', () => {
    for (const lines of [releaseJournal('o', 10, 1), reserveJournal('o', 9), paidJournal('o', 9), failedJournal('o', 9)]) {
      expect(isBalanced(lines)).toBe(true);
    }
  });

  it('counts the hold in whole days from delivery', () => {
    expect(releaseTime('2026-11-20T03:00:00.000Z', 7)).toBe('2026-11-27T03:00:00.000Z');
  });

  it('reads a balance from the account sums', () => {
    const sums = new Map([
      ['payable:org_a', 350_000],
      ['available:org_a', 292_500],
      ['paid_out:org_b', 1],
    ]);
    expect(sellerBalance('org_a', sums)).toEqual({ pending: 350_000, available: 292_500, inTransfer: 0, paidOut: 0 });
  });
});
