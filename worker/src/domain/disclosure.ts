/**
 * Statistical disclosure control for open data: a published figure built from fewer than
 * MIN_BILLS_PER_CELL bills is withheld (null), so that no household's payments can be
 * read from a small cell (one school class of two pupils, a commune office with three
 * fees in a month). The one threshold every open dataset uses.
 */
export const MIN_BILLS_PER_CELL = 5;

/** The figure, or null when it rests on too few bills. @example withhold(3, 120000) // null */
export function withhold<T>(billCount: number, figure: T): T | null {
  return billCount >= MIN_BILLS_PER_CELL ? figure : null;
}
