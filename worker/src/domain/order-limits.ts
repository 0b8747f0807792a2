/**
 * How much one order, and one client, may take from the catalogue at once. Stock is
 * reserved from checkout until payment (30 minutes), so without these one client could hold
 * a seller's whole stock for nothing. The per-minute rate of new orders is in
 * worker/src/rate-limits/limits.ts (`orderCreate`).
 */

/** Distinct products in one order. */
export const MAX_LINES_PER_ORDER = 20;
/** Units of one product in one order: a family's or a small shop's order, not a wholesaler's. */
export const MAX_QUANTITY_PER_LINE = 100;
/** Units of all products in one order. */
export const MAX_UNITS_PER_ORDER = 300;
/**
 * Orders still awaiting payment that one address may hold (several phones can share one
 * address behind a carrier's NAT), and that one signed-in account may hold.
 */
export const MAX_OPEN_ORDERS_PER_ADDRESS = 10;
export const MAX_OPEN_ORDERS_PER_ACCOUNT = 5;

export const OPEN_ORDERS_MESSAGE = (limit: number) =>
  `Bạn đang có ${limit} đơn hàng chưa thanh toán, mức tối đa cho phép; hãy thanh toán hoặc huỷ một đơn rồi đặt tiếp.`;
