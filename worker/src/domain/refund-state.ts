/**
 * The refund state machine, on the model of the payment one (payment-state.ts): every
 * status a refund can have, and the one table of moves between them. A refund returns
 * part of a payment, or money that matched nothing (an exception); nothing changes its
 * status except through `transition()`, and each change writes a `refund_events` row.
 *
 * Two rails:
 * - a bank transfer back (VietQR payments, exception money): asked for, approved by a
 *   second person or rejected, then marked sent once the transfer is made;
 * - Stripe: the refund is asked of Stripe at once and succeeds or fails there; a refund
 *   made in the Stripe dashboard is recorded when Stripe reports it.
 */
import { type Edge, nextStatus } from './state-table.ts';

export const REFUND_STATUSES = ['awaiting_approval', 'approved', 'sent', 'rejected', 'processing', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const REFUND_EVENTS = [
  'request_transfer',
  'request_card',
  'record_gateway',
  'approve',
  'reject',
  'mark_sent',
  'succeed',
  'fail',
] as const;
export type RefundEvent = (typeof REFUND_EVENTS)[number];

export type RefundTransition = Edge<RefundStatus, RefundEvent>;

export const REFUND_TRANSITIONS: readonly RefundTransition[] = [
  // A person asks for a bank transfer back; nothing moves until a second person approves.
  { from: null, event: 'request_transfer', to: 'awaiting_approval' },
  // A person refunds a card payment: Stripe is asked at once.
  { from: null, event: 'request_card', to: 'processing' },
  // Stripe reports a refund made in its dashboard: the money has already gone back.
  { from: null, event: 'record_gateway', to: 'succeeded' },
  { from: 'awaiting_approval', event: 'approve', to: 'approved' },
  // Rejected: the reserved amount is free again, or the exception's money is open again.
  { from: 'awaiting_approval', event: 'reject', to: 'rejected' },
  // The transfer has been made: for a payment, the refund journal is booked with it.
  { from: 'approved', event: 'mark_sent', to: 'sent' },
  { from: 'processing', event: 'succeed', to: 'succeeded' },
  { from: 'processing', event: 'fail', to: 'failed' },
];

export class IllegalRefundTransitionError extends Error {
  constructor(
    readonly from: RefundStatus | null,
    readonly event: RefundEvent,
  ) {
    super(from === null ? `A refund cannot begin with the event ${event}` : `A refund that is ${from} cannot take the event ${event}`);
  }
}

/**
 * @example refundTransition('awaiting_approval', 'approve') // "approved"
 * @example refundTransition(null, 'request_transfer') // "awaiting_approval"
 */
export function refundTransition(from: RefundStatus | null, event: RefundEvent): RefundStatus {
  const to = nextStatus(REFUND_TRANSITIONS, from, event);
  if (to === undefined) throw new IllegalRefundTransitionError(from, event);
  return to;
}

export function canRefundTransition(from: RefundStatus | null, event: RefundEvent): boolean {
  return nextStatus(REFUND_TRANSITIONS, from, event) !== undefined;
}

/** Refunds whose money has left: what a payment has actually paid back. */
export const REFUND_SETTLED_STATUSES: readonly RefundStatus[] = ['sent', 'succeeded'];

/** What each status is called on the manager's pages. */
export const REFUND_STATUS_NAMES: Record<RefundStatus, string> = {
  awaiting_approval: 'chờ duyệt',
  approved: 'đã duyệt, chờ chuyển',
  sent: 'đã chuyển',
  rejected: 'đã từ chối',
  processing: 'đang xử lý',
  succeeded: 'đã hoàn',
  failed: 'không thành công',
};
