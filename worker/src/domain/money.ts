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
  return `${groupDigits(amount)} ₫`;
}

/**
 * A whole number with its thousands grouped by dots, as Vietnamese prints them.
 *
 * @example groupDigits(5000) // "5.000"
 */
export function groupDigits(value: number): string {
  const sign = value < 0 ? '-' : '';
  return `${sign}${String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;
}

/**
 * The one ceiling on every amount that enters the system: bills, prices, stall fees,
 * credits, statement lines, refunds. Ten billion đồng is far above any real OCOP order or
 * public fee, and sums of many such amounts stay well inside SQLite's 64-bit integers.
 */
export const MAX_AMOUNT = 10_000_000_000;

/** Whether `amount` is a whole number of đồng, at least 1 and at most the ceiling. */
export function isAcceptableAmount(amount: unknown): amount is number {
  return isWholeDong(amount) && amount >= 1 && amount <= MAX_AMOUNT;
}

/**
 * What a person reads when an amount is refused, naming the field.
 *
 * @example amountProblem('Số tiền') // "Số tiền phải là số nguyên đồng từ 1 ₫ đến 10.000.000.000 ₫"
 */
export function amountProblem(field: string): string {
  return `${field} phải là số nguyên đồng từ 1 ₫ đến ${formatVnd(MAX_AMOUNT)}`;
}
