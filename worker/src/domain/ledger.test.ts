import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, collectionAccount, isBalanced, receiptJournal, refundJournal } from './ledger';

describe('journals', () => {
  it('a bill payment: payer → collection → the biller', () => {
    const lines = receiptJournal('pay_1', 'collection:vietqr:970436:0011', 350000, [{ organizationId: 'org_school', amount: 350000 }]);
    expect(lines).toEqual([
      { account: 'payer:pay_1', debit: 0, credit: 350000, memo: 'paid by the payer' },
      { account: 'collection:vietqr:970436:0011', debit: 350000, credit: 0, memo: 'received' },
      { account: 'collection:vietqr:970436:0011', debit: 0, credit: 350000, memo: 'owed to the payee' },
      { account: 'payable:org_school', debit: 350000, credit: 0, memo: 'payable' },
    ]);
    expect(isBalanced(lines)).toBe(true);
  });

  it('an order for two sellers: each seller is owed its subtotal', () => {
    const lines = receiptJournal('pay_2', 'collection:stripe', 300, [
      { organizationId: 'org_a', amount: 200 },
      { organizationId: 'org_b', amount: 100 },
    ]);
    expect(isBalanced(lines)).toBe(true);
    expect(lines.filter((l) => l.account.startsWith('payable:')).map((l) => l.debit)).toEqual([200, 100]);
  });

  it('refuses shares that do not add up', () => {
    expect(() => receiptJournal('p', 'c', 300, [{ organizationId: 'a', amount: 299 }])).toThrow(RangeError);
    expect(() => refundJournal('p', 'c', 300, [{ organizationId: 'a', amount: 301 }])).toThrow(RangeError);
  });

  it.each([
    ['vietqr', 'collection:vietqr:970436:123'],
    ['stripe', 'collection:stripe'],
  ] as const)('%s money lands in %s', (method, account) => {
    expect(collectionAccount(method, '970436', '123')).toBe(account);
  });
});

describe('allocate', () => {
  it.each([
    [100, [200, 100], [67, 33]],
    [300, [200, 100], [200, 100]],
    [1, [1, 1], [1]],
    [0, [5, 5], []],
    [8, [3, 3, 3], [3, 3, 2]],
  ])('%i over %j → %j', (amount, shares, expected) => {
    const result = allocate(
      amount,
      shares.map((s, i) => ({ organizationId: `o${i}`, amount: s })),
    );
    expect(result.map((r) => r.amount)).toEqual(expected);
  });

  it('always adds up exactly and never gives a payee more than its share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50_000_000 }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (shares, fraction) => {
          const total = shares.reduce((a, b) => a + b, 0);
          const amount = Math.floor(total * fraction);
          const parts = allocate(
            amount,
            shares.map((s, i) => ({ organizationId: `o${i}`, amount: s })),
          );
          expect(parts.reduce((a, p) => a + p.amount, 0)).toBe(amount);
          for (const part of parts) expect(part.amount).toBeLessThanOrEqual(shares[Number(part.organizationId.slice(1))]!);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refund journals balance for any split', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 5 }), (shares) => {
        const total = shares.reduce((a, b) => a + b, 0);
        const payees = shares.map((s, i) => ({ organizationId: `o${i}`, amount: s }));
        expect(isBalanced(receiptJournal('p', 'c', total, payees))).toBe(true);
        expect(isBalanced(refundJournal('p', 'c', total, allocate(total, payees)))).toBe(true);
      }),
    );
  });
});
