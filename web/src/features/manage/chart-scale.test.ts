import { describe, expect, it } from 'vitest';
import { dayMonth, niceCeiling, shortVnd } from './chart-scale';

describe('niceCeiling', () => {
  it.each([
    [0, 1_000],
    [300_000, 500_000],
    [1_000_000, 1_000_000],
    [1_730_000, 2_000_000],
    [2_100_000, 2_500_000],
    [4_200_000, 5_000_000],
    [7_000_000, 10_000_000],
  ])('%i rounds up to %i', (value, top) => {
    expect(niceCeiling(value)).toBe(top);
  });
});

describe('shortVnd', () => {
  it.each([
    [0, '0'],
    [500_000, '500 nghìn'],
    [1_250_000, '1,3 tr'],
    [2_500_000, '2,5 tr'],
    [10_000_000, '10 tr'],
    [1_500_000_000, '1,5 tỷ'],
  ])('%i reads %s', (amount, text) => {
    expect(shortVnd(amount)).toBe(text);
  });
});

describe('dayMonth', () => {
  it('writes dd/mm', () => expect(dayMonth('2026-11-03')).toBe('03/11'));
});
