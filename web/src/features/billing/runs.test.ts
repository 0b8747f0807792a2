import { describe, expect, it } from 'vitest';
import { collectionSummary, defaultRunDescription, typedAmount } from './runs';

describe('bill run words', () => {
  it('says what a run has collected', () => {
    expect(collectionSummary({ billsPaid: 12, billsIssued: 30, amountPaid: 4_200_000, amountIssued: 10_500_000 })).toBe(
      'Đã thu 12/30 hoá đơn · 4.200.000 ₫ / 10.500.000 ₫',
    );
    expect(collectionSummary({ billsPaid: 0, billsIssued: 0, amountPaid: 0, amountIssued: 0 })).toBe('Đã thu 0/0 hoá đơn · 0 ₫ / 0 ₫');
  });

  it.each([
    ['school', '2026-12', 'Học phí tháng 12/2026'],
    ['hospital', '2027-01', 'Viện phí tháng 1/2027'],
    ['market_board', '2026-12', 'Phí chợ tháng 12/2026'],
    ['commune_office', '2026-12', 'Lệ phí thủ tục hành chính tháng 12/2026'],
  ])('describes a run of a %s for %s as "%s"', (kind, period, text) => {
    expect(defaultRunDescription(kind, period)).toBe(text);
  });

  it.each([
    ['', undefined],
    ['350.000', 350000],
    ['350 000 ₫', 350000],
    ['ba trăm', Number.NaN],
  ])('reads the typed amount "%s"', (text, amount) => {
    expect(typedAmount(text)).toBe(amount);
  });
});
