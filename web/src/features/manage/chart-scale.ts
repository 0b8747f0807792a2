/**
 * The y axis of a money chart: a round top (1, 2, 2,5 or 5 times a power of ten) at or above
 * the largest value, so the gridlines fall on amounts a person reads at a glance.
 *
 * @example niceCeiling(1_730_000) // 2_000_000
 */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1_000;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= value)!;
  return step * power;
}

/**
 * An amount short enough for an axis label on a phone, in the words Vietnamese uses:
 * "nghìn", "tr" (triệu) and "tỷ", with a decimal comma.
 *
 * @example shortVnd(2_500_000) // "2,5 tr"
 */
export function shortVnd(amount: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'tỷ'],
    [1e6, 'tr'],
    [1e3, 'nghìn'],
  ];
  for (const [size, name] of units) {
    if (amount >= size) return `${String(Math.round((amount / size) * 10) / 10).replace('.', ',')} ${name}`;
  }
  return String(amount);
}

/** dd/mm, for the dates under a chart's bars. @example dayMonth("2026-11-30") // "30/11" */
export function dayMonth(isoDate: string): string {
  return `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}`;
}
