import { describe, expect, it } from 'vitest';
import { formatVnd, isWholeDong } from './money';

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
