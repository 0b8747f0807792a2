/**
 * Money in Chợ Số is an integer number of đồng. VND has no minor unit, so an amount is
 * never multiplied by 100 and never a float.
 */

/** A whole, non-negative number of đồng that fits exactly in a double. */
export function isWholeDong(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Formats đồng the way Vietnamese shops print prices: dot-grouped thousands, then "₫".
 * Written by hand rather than with Intl so the output (and its plain space) is the same
 * in workerd, Node and every browser.
 *
 * @example formatVnd(350000) // "350.000 ₫"
 */
export function formatVnd(amount: number): string {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`formatVnd needs a whole number of đồng, got ${amount}`);
  }
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}${grouped} ₫`;
}
