import { describe, expect, it } from 'vitest';
import { defaultOcopExpiry, isIsoDate, isOcopValid, ocopLevel } from './ocop';

describe('ocopLevel', () => {
  it.each([
    [3, 'provincial'],
    [4, 'provincial'],
    [5, 'national'],
  ] as const)('%i stars is %s', (stars, level) => {
    expect(ocopLevel(stars)).toBe(level);
  });
});

describe('defaultOcopExpiry', () => {
  it.each([
    ['2024-06-15', '2027-06-15'],
    ['2023-01-01', '2026-01-01'],
    ['2024-02-29', '2027-02-28'], // no 29 February in 2027
    ['2023-12-31', '2026-12-31'],
    ['2025-11-30', '2028-11-30'],
  ])('a certificate issued %s expires %s', (issued, expires) => {
    expect(defaultOcopExpiry(issued)).toBe(expires);
  });

  it('refuses a date that does not exist', () => {
    expect(() => defaultOcopExpiry('2025-02-30')).toThrow(RangeError);
  });
});

describe('isOcopValid', () => {
  it.each([
    ['2027-06-15', '2026-11-30', true],
    ['2026-11-30', '2026-11-30', true], // valid through its last day
    ['2026-11-29', '2026-11-30', false],
    ['2024-06-15', '2026-11-30', false],
  ])('expiring %s, on %s: %s', (expiresAt, today, valid) => {
    expect(isOcopValid(expiresAt, today)).toBe(valid);
  });
});

describe('isIsoDate', () => {
  it.each([
    ['2025-06-15', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-13-01', false],
    ['15/06/2025', false],
    ['2025-6-15', false],
    ['', false],
  ])('%s → %s', (text, expected) => {
    expect(isIsoDate(text)).toBe(expected);
  });
});
