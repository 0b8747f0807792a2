/**
 * The carriers a seller can ship with: the national post, the three large private couriers,
 * and the seller's own delivery ("tự giao"), which often has no tracking number. The one
 * list of codes; the database's CHECK on sub_orders.carrier says the same (schema-lists test).
 */
export const CARRIERS = ['vietnam_post', 'ghn', 'ghtk', 'viettel_post', 'tu_giao'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const CARRIER_NAMES: Record<Carrier, string> = {
  vietnam_post: 'Vietnam Post (Bưu điện)',
  ghn: 'Giao Hàng Nhanh (GHN)',
  ghtk: 'Giao Hàng Tiết Kiệm (GHTK)',
  viettel_post: 'Viettel Post',
  tu_giao: 'Tự giao',
};

/** Own delivery may go without a tracking number; every courier gives one. */
export function carrierNeedsTracking(carrier: Carrier): boolean {
  return carrier !== 'tu_giao';
}
