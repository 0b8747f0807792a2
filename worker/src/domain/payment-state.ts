/**
 * The payment state machine: every status a payment can have, and the one table of moves
 * between them. Nothing changes a payment's status except through `transition()`.
 * Modelled on GOV.UK Pay's PaymentGatewayStateTransitions.
 */
import { type Edge, nextStatus } from './state-table.ts';

export const PAYMENT_STATUSES = ['pending', 'paid', 'failed', 'expired', 'partially_refunded', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_EVENTS = [
  'create',
  'confirm',
  'fail',
  'expire',
  'supersede',
  'gateway_confirm',
  'staff_confirm',
  'refund_partial',
  'refund_full',
] as const;
export type PaymentEvent = (typeof PAYMENT_EVENTS)[number];

export type Transition = Edge<PaymentStatus, PaymentEvent>;

export const TRANSITIONS: readonly Transition[] = [
  // A payer starts paying (POST /payments), or money arrived for a bill without a payment
  // (a stall's static QR, a statement line matched by amount and date, a person's match).
  { from: null, event: 'create', to: 'pending' },
  // The exact amount arrived in time: a signed bank notice, a statement line, or Stripe.
  { from: 'pending', event: 'confirm', to: 'paid' },
  // Stripe reported that the payment did not go through (e.g. an async bank debit failed).
  { from: 'pending', event: 'fail', to: 'failed' },
  // Nobody paid before expiresAt (our sweep) or Stripe expired the Checkout Session.
  { from: 'pending', event: 'expire', to: 'expired' },
  // The payer asked to pay on the other rail (a card instead of a transfer, or the other way
  // round): one payment is on one rail, so this one stops, and a new one starts on the rail
  // asked for. Money that still arrives for it is an exception, as after any expiry.
  { from: 'pending', event: 'supersede', to: 'expired' },
  // A correction forced by the gateway: Stripe had captured the card payment before its
  // session expired, but the news reached us after our own sweep. The money is real, so
  // the payment is paid. (A late bank transfer is never corrected this way: it becomes an
  // exception for a person, because nothing proves it was meant for this payment.)
  { from: 'expired', event: 'gateway_confirm', to: 'paid' },
  // A person resolving an exception applies money that arrived with the wrong amount or
  // after expiry: recorded with who did it and why (exception_resolutions).
  { from: 'pending', event: 'staff_confirm', to: 'paid' },
  { from: 'expired', event: 'staff_confirm', to: 'paid' },
  { from: 'paid', event: 'refund_partial', to: 'partially_refunded' },
  { from: 'paid', event: 'refund_full', to: 'refunded' },
  { from: 'partially_refunded', event: 'refund_partial', to: 'partially_refunded' },
  { from: 'partially_refunded', event: 'refund_full', to: 'refunded' },
];

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: PaymentStatus | null,
    readonly event: PaymentEvent,
  ) {
    super(from === null ? `A payment cannot begin with the event ${event}` : `A payment that is ${from} cannot take the event ${event}`);
  }
}

/**
 * @example transition('pending', 'confirm') // "paid"
 * @example transition(null, 'create') // "pending"
 */
export function transition(from: PaymentStatus | null, event: PaymentEvent): PaymentStatus {
  const to = nextStatus(TRANSITIONS, from, event);
  if (to === undefined) throw new IllegalTransitionError(from, event);
  return to;
}

export function canTransition(from: PaymentStatus | null, event: PaymentEvent): boolean {
  return nextStatus(TRANSITIONS, from, event) !== undefined;
}

export type PublicPaymentStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';

/**
 * What payers and the API show. A partly refunded payment is still paid: the rest of the
 * money stays with the payee, and the refunded amount is shown beside it.
 *
 * @example publicStatus('partially_refunded') // "paid"
 */
export function publicStatus(status: PaymentStatus): PublicPaymentStatus {
  return status === 'partially_refunded' ? 'paid' : status;
}

/** Statuses in which money has been received for the bill or order. */
export const SETTLED_STATUSES: readonly PaymentStatus[] = ['paid', 'partially_refunded', 'refunded'];
