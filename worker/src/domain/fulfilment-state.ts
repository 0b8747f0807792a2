/**
 * The fulfilment state machine of a sub-order (one seller's part of an order), on the model
 * of the payment and refund ones: every status a sub-order can have, and the one table of
 * moves between them. Nothing changes a sub-order's status except through this table, and
 * each change writes a `sub_order_events` row in the same batch.
 *
 * awaiting_payment → paid (the order's payment confirmed) → confirmed (the seller accepts
 * it) → shipped (with a carrier) → delivered; cancelled before it ships.
 */
import { type Edge, nextStatus } from './state-table.ts';

export const FULFILMENT_STATUSES = ['awaiting_payment', 'paid', 'confirmed', 'shipped', 'delivered', 'cancelled'] as const;
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number];

export const FULFILMENT_EVENTS = [
  'place',
  'pay',
  'pay_late',
  'expire',
  'buyer_cancel',
  'confirm',
  'ship',
  'deliver',
  'seller_cancel',
] as const;
export type FulfilmentEvent = (typeof FULFILMENT_EVENTS)[number];

export type FulfilmentTransition = Edge<FulfilmentStatus, FulfilmentEvent>;

export const FULFILMENT_TRANSITIONS: readonly FulfilmentTransition[] = [
  // A shopper checks out: one sub-order per seller, its stock reserved.
  { from: null, event: 'place', to: 'awaiting_payment' },
  // The order's payment is confirmed (bank credit, Stripe, or a person's match).
  { from: 'awaiting_payment', event: 'pay', to: 'paid' },
  // A card payment that Stripe had captured before our sweep expired the order: the money
  // is real, so the sub-orders cancelled with their order (never those a seller cancelled)
  // are paid after all.
  { from: 'cancelled', event: 'pay_late', to: 'paid' },
  // Nobody paid in time (the sweep), or the buyer cancelled the unpaid order.
  { from: 'awaiting_payment', event: 'expire', to: 'cancelled' },
  { from: 'awaiting_payment', event: 'buyer_cancel', to: 'cancelled' },
  // The seller's own moves.
  { from: 'paid', event: 'confirm', to: 'confirmed' },
  { from: 'confirmed', event: 'ship', to: 'shipped' },
  { from: 'shipped', event: 'deliver', to: 'delivered' },
  // A seller may cancel only before the parcel leaves; a paid one is refunded to the buyer.
  { from: 'awaiting_payment', event: 'seller_cancel', to: 'cancelled' },
  { from: 'paid', event: 'seller_cancel', to: 'cancelled' },
  { from: 'confirmed', event: 'seller_cancel', to: 'cancelled' },
];

export class IllegalFulfilmentTransitionError extends Error {
  constructor(
    readonly from: FulfilmentStatus | null,
    readonly event: FulfilmentEvent,
  ) {
    super(
      from === null ? `A sub-order cannot begin with the event ${event}` : `A sub-order that is ${from} cannot take the event ${event}`,
    );
  }
}

/**
 * @example fulfilmentTransition('paid', 'confirm') // "confirmed"
 * @example fulfilmentTransition(null, 'place') // "awaiting_payment"
 */
export function fulfilmentTransition(from: FulfilmentStatus | null, event: FulfilmentEvent): FulfilmentStatus {
  const to = nextStatus(FULFILMENT_TRANSITIONS, from, event);
  if (to === undefined) throw new IllegalFulfilmentTransitionError(from, event);
  return to;
}

export function canFulfilmentTransition(from: FulfilmentStatus | null, event: FulfilmentEvent): boolean {
  return nextStatus(FULFILMENT_TRANSITIONS, from, event) !== undefined;
}

/** The statuses a seller asks for (POST /seller/orders/:id/status), and the event each one is. */
export const SELLER_TARGETS = ['confirmed', 'shipped', 'delivered', 'cancelled'] as const;
export type SellerTarget = (typeof SELLER_TARGETS)[number];
export const SELLER_TARGET_EVENTS: Record<SellerTarget, FulfilmentEvent> = {
  confirmed: 'confirm',
  shipped: 'ship',
  delivered: 'deliver',
  cancelled: 'seller_cancel',
};

/** The moves a seller can make from `status`, for the buttons on the orders page. */
export function sellerMovesFrom(status: FulfilmentStatus): SellerTarget[] {
  return SELLER_TARGETS.filter((target) => canFulfilmentTransition(status, SELLER_TARGET_EVENTS[target]));
}

/** What buyers and sellers read: one label per status, shared by the API and the pages. */
export const FULFILMENT_STATUS_LABELS: Record<FulfilmentStatus, string> = {
  awaiting_payment: 'Chờ thanh toán',
  paid: 'Đã thanh toán, chờ người bán xác nhận',
  confirmed: 'Người bán đã xác nhận, đang chuẩn bị hàng',
  shipped: 'Đang giao hàng',
  delivered: 'Đã giao hàng',
  cancelled: 'Đã huỷ',
};

/** Short labels, for the status filter and badges. */
export const FULFILMENT_STATUS_SHORT: Record<FulfilmentStatus, string> = {
  awaiting_payment: 'Chờ thanh toán',
  paid: 'Chờ xác nhận',
  confirmed: 'Đã xác nhận',
  shipped: 'Đang giao',
  delivered: 'Đã giao',
  cancelled: 'Đã huỷ',
};
