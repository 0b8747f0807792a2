import { describe, expect, it } from 'vitest';
import { amountProblem, formatVnd, groupDigits, isAcceptableAmount, isWholeDong, MAX_AMOUNT } from './money';

describe('formatVnd', () => {
  it.each([
    [0, '0 ₫'],
    [5, '5 ₫'],
    [999, '999 ₫'],
    [1000, '1.000 ₫'],
    [35000, '35.000 ₫'],
    [350000, '350.000 ₫'],
    [1250000, '1.250.000 ₫'],
    [10_000_000_000, '10.000.000.000 ₫'],
    [-45000, '-45.000 ₫'],
  ])('formats %i đồng as %s', (amount, expected) => {
    expect(formatVnd(amount)).toBe(expected);
  });

  it.each([[1.5], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 60]])('refuses %s, which is not a whole number of đồng', (amount) => {
    expect(() => formatVnd(amount)).toThrow(RangeError);
  });
});

describe('isWholeDong', () => {
  it.each([
    [0, true],
    [350000, true],
    [-1, false],
    [0.5, false],
    ['350000', false],
    [Number.MAX_SAFE_INTEGER + 1, false],
  ])('%s → %s', (value, expected) => {
    expect(isWholeDong(value)).toBe(expected);
  });
});

describe('groupDigits', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [5000, '5.000'],
    [1234567, '1.234.567'],
    [-45000, '-45.000'],
  ])('groups %i as %s', (value, expected) => {
    expect(groupDigits(value)).toBe(expected);
  });
});

describe('the one amount ceiling', () => {
  it('is ten billion đồng', () => {
    expect(MAX_AMOUNT).toBe(10_000_000_000);
  });

  it.each([
    [1, true],
    [10_000_000_000, true],
    [0, false],
    [10_000_000_001, false],
    [Number.MAX_SAFE_INTEGER, false],
    [1.5, false],
    [-5, false],
  ])('takes %s: %s', (amount, accepted) => {
    expect(isAcceptableAmount(amount)).toBe(accepted);
  });

  it('says what is allowed, naming the field', () => {
    expect(amountProblem('Số tiền hoàn')).toBe('Số tiền hoàn phải là số nguyên đồng từ 1 ₫ đến 10.000.000.000 ₫');
  });
});
