import { MAX_AMOUNT } from './money';

/**
 * The price ranges the catalogue counts and filters by, in one list: the facet counts,
 * the filter links and their labels all come from here. Bounds are whole đồng; `max` is
 * inclusive, and each range starts one đồng above the previous one's end.
 */
export interface PriceRange {
  id: string;
  label: string;
  min: number;
  max: number;
}

export const PRICE_RANGES: readonly PriceRange[] = [
  { id: 'duoi-100k', label: 'Dưới 100.000 ₫', min: 0, max: 99_999 },
  { id: '100k-300k', label: '100.000 ₫ – 300.000 ₫', min: 100_000, max: 300_000 },
  { id: '300k-1tr', label: '300.000 ₫ – 1.000.000 ₫', min: 300_001, max: 1_000_000 },
  { id: 'tren-1tr', label: 'Trên 1.000.000 ₫', min: 1_000_001, max: MAX_AMOUNT },
];

/** The range a price falls in; every price from 0 to the ceiling falls in exactly one. */
export function priceRangeOf(price: number): PriceRange {
  return PRICE_RANGES.find((range) => price >= range.min && price <= range.max) ?? PRICE_RANGES.at(-1)!;
}
