import { describe, expect, it } from 'vitest';
import { CARRIER_NAMES, CARRIERS, carrierNeedsTracking } from './carriers';
import {
  canFulfilmentTransition,
  FULFILMENT_EVENTS,
  FULFILMENT_STATUS_LABELS,
  FULFILMENT_STATUS_SHORT,
  FULFILMENT_STATUSES,
  FULFILMENT_TRANSITIONS,
  type FulfilmentEvent,
  type FulfilmentStatus,
  fulfilmentTransition,
  IllegalFulfilmentTransitionError,
  SELLER_TARGET_EVENTS,
  SELLER_TARGETS,
  sellerMovesFrom,
} from './fulfilment-state';

const VALID: Array<[FulfilmentStatus | null, FulfilmentEvent, FulfilmentStatus]> = [
  [null, 'place', 'awaiting_payment'],
  ['awaiting_payment', 'pay', 'paid'],
  ['cancelled', 'pay_late', 'paid'],
  ['awaiting_payment', 'expire', 'cancelled'],
  ['awaiting_payment', 'buyer_cancel', 'cancelled'],
  ['paid', 'confirm', 'confirmed'],
  ['confirmed', 'ship', 'shipped'],
  ['shipped', 'deliver', 'delivered'],
  ['awaiting_payment', 'seller_cancel', 'cancelled'],
  ['paid', 'seller_cancel', 'cancelled'],
  ['confirmed', 'seller_cancel', 'cancelled'],
];

describe('fulfilment transitions', () => {
  it.each(VALID)('%s --%s--> %s', (from, event, to) => {
    expect(fulfilmentTransition(from, event)).toBe(to);
    expect(canFulfilmentTransition(from, event)).toBe(true);
  });

  it('has exactly these edges', () => {
    expect(FULFILMENT_TRANSITIONS.map((t) => [t.from, t.event, t.to])).toEqual(VALID);
  });

  const invalid = [null, ...FULFILMENT_STATUSES].flatMap((from) =>
    FULFILMENT_EVENTS.filter((event) => !VALID.some(([f, e]) => f === from && e === event)).map((event) => [from, event] as const),
  );

  it.each(invalid)('refuses %s --%s', (from, event) => {
    expect(canFulfilmentTransition(from, event)).toBe(false);
    expect(() => fulfilmentTransition(from, event)).toThrow(IllegalFulfilmentTransitionError);
  });

  it.each([
    ['shipped', 'seller_cancel'],
    ['delivered', 'seller_cancel'],
    ['awaiting_payment', 'confirm'],
    ['awaiting_payment', 'ship'],
    ['paid', 'deliver'],
    ['delivered', 'ship'],
    ['cancelled', 'confirm'],
  ] as const)('in particular, never %s --%s (no cancel once shipped, nothing unpaid ships)', (from, event) => {
    expect(canFulfilmentTransition(from, event)).toBe(false);
  });

  it('reaches every status, and only delivered is final', () => {
    expect(new Set(FULFILMENT_TRANSITIONS.map((t) => t.to))).toEqual(new Set(FULFILMENT_STATUSES));
    const final = FULFILMENT_STATUSES.filter((s) => !FULFILMENT_TRANSITIONS.some((t) => t.from === s));
    expect(final).toEqual(['delivered']);
  });

  it('uses every event', () => {
    expect(new Set(FULFILMENT_TRANSITIONS.map((t) => t.event))).toEqual(new Set(FULFILMENT_EVENTS));
  });

  it('offers a seller exactly the moves the table allows', () => {
    expect(Object.keys(SELLER_TARGET_EVENTS).sort()).toEqual([...SELLER_TARGETS].sort());
    expect(Object.fromEntries(FULFILMENT_STATUSES.map((s) => [s, sellerMovesFrom(s)]))).toEqual({
      awaiting_payment: ['cancelled'],
      paid: ['confirmed', 'cancelled'],
      confirmed: ['shipped', 'cancelled'],
      shipped: ['delivered'],
      delivered: [],
      cancelled: [],
    });
  });

  it('names every status in Vietnamese', () => {
    expect(Object.keys(FULFILMENT_STATUS_LABELS).sort()).toEqual([...FULFILMENT_STATUSES].sort());
    expect(Object.keys(FULFILMENT_STATUS_SHORT).sort()).toEqual([...FULFILMENT_STATUSES].sort());
  });
});

describe('carriers', () => {
  it('names each carrier, and only own delivery may go without a tracking number', () => {
    expect(Object.keys(CARRIER_NAMES).sort()).toEqual([...CARRIERS].sort());
    expect(CARRIERS.filter((c) => !carrierNeedsTracking(c))).toEqual(['tu_giao']);
  });
});
