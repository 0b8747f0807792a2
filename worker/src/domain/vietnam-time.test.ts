import { describe, expect, it } from 'vitest';
import { formatMonth, formatVietnamDate, formatVietnamDayOf, formatVietnamTime, vietnamDate, vietnamDayBounds } from './vietnam-time';

describe('vietnamDate', () => {
  it.each([
    ['2026-11-29T16:59:59Z', '2026-11-29'],
    ['2026-11-29T17:00:00Z', '2026-11-30'], // midnight in Hà Nội
    ['2026-11-30T10:00:00Z', '2026-11-30'],
  ])('%s is %s in Vietnam', (instant, date) => {
    expect(vietnamDate(new Date(instant))).toBe(date);
  });
});

describe('formatVietnamDate', () => {
  it.each([
    ['2026-11-30', '30/11/2026'],
    ['2027-01-05', '05/01/2027'],
    ['2026-12-31', '31/12/2026'],
  ])('%s reads %s', (isoDate, text) => {
    expect(formatVietnamDate(isoDate)).toBe(text);
  });

  it('an instant reads as its day in Vietnam: 20:00 UTC on the 30th is the 1st there', () => {
    expect(formatVietnamDayOf('2026-11-30T20:00:00Z')).toBe('01/12/2026');
    expect(formatVietnamDayOf('2026-11-30T16:59:59Z')).toBe('30/11/2026');
  });
});

describe('formatVietnamTime', () => {
  it.each([
    ['2026-11-30T02:00:00.000Z', '30/11/2026 09:00'],
    ['2026-11-30T17:30:00.000Z', '01/12/2026 00:30'],
  ])('%s reads %s', (iso, text) => {
    expect(formatVietnamTime(iso)).toBe(text);
  });
});

describe('vietnamDayBounds', () => {
  it('runs from 17:00 UTC the day before to 17:00 UTC', () => {
    expect(vietnamDayBounds('2026-11-30')).toEqual({ start: '2026-11-29T17:00:00.000Z', end: '2026-11-30T17:00:00.000Z' });
  });
});

describe('formatMonth', () => {
  it.each([
    ['2026-12', 'tháng 12/2026'],
    ['2027-01', 'tháng 1/2027'],
    ['2026-09', 'tháng 9/2026'],
  ])('%s reads %s', (period, text) => {
    expect(formatMonth(period)).toBe(text);
  });
});
