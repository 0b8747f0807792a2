import { describe, expect, it } from 'vitest';
import {
  canTransition,
  IllegalTransitionError,
  PAYMENT_EVENTS,
  PAYMENT_STATUSES,
  type PaymentEvent,
  type PaymentStatus,
  publicStatus,
  TRANSITIONS,
  transition,
} from './payment-state';

const VALID: Array<[PaymentStatus | null, PaymentEvent, PaymentStatus]> = [
  [null, 'create', 'pending'],
  ['pending', 'confirm', 'paid'],
  ['pending', 'fail', 'failed'],
  ['pending', 'expire', 'expired'],
  ['pending', 'supersede', 'expired'],
  ['expired', 'gateway_confirm', 'paid'],
  ['pending', 'staff_confirm', 'paid'],
  ['expired', 'staff_confirm', 'paid'],
  ['paid', 'refund_partial', 'partially_refunded'],
  ['paid', 'refund_full', 'refunded'],
  ['partially_refunded', 'refund_partial', 'partially_refunded'],
  ['partially_refunded', 'refund_full', 'refunded'],
];

describe('payment transitions', () => {
  it.each(VALID)('%s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toBe(to);
    expect(canTransition(from, event)).toBe(true);
  });

  it('has exactly these edges', () => {
    expect(TRANSITIONS.map((t) => [t.from, t.event, t.to])).toEqual(VALID);
  });

  const invalid = [null, ...PAYMENT_STATUSES].flatMap((from) =>
    PAYMENT_EVENTS.filter((event) => !VALID.some(([f, e]) => f === from && e === event)).map((event) => [from, event] as const),
  );

  it.each(invalid)('refuses %s --%s', (from, event) => {
    expect(canTransition(from, event)).toBe(false);
    expect(() => transition(from, event)).toThrow(IllegalTransitionError);
  });

  it.each([
    ['paid', 'confirm'],
    ['paid', 'expire'],
    ['refunded', 'confirm'],
    ['expired', 'confirm'],
    ['failed', 'confirm'],
  ] as const)('in particular, never %s --%s (money is applied once)', (from, event) => {
    expect(canTransition(from, event)).toBe(false);
  });

  it('creates a payment only as pending, and never creates one twice', () => {
    expect(TRANSITIONS.filter((t) => t.from === null)).toEqual([{ from: null, event: 'create', to: 'pending' }]);
    for (const status of PAYMENT_STATUSES) expect(canTransition(status, 'create')).toBe(false);
  });

  it('reaches every status, and every status but the final ones has a way out', () => {
    const reached = new Set<PaymentStatus>(TRANSITIONS.map((t) => t.to));
    expect([...reached].sort()).toEqual([...PAYMENT_STATUSES].sort());
    const final = PAYMENT_STATUSES.filter((s) => !TRANSITIONS.some((t) => t.from === s));
    expect(final.sort()).toEqual(['failed', 'refunded']);
  });

  it('uses every event', () => {
    expect(new Set(TRANSITIONS.map((t) => t.event))).toEqual(new Set(PAYMENT_EVENTS));
  });
});

describe('publicStatus', () => {
  it.each([
    ['pending', 'pending'],
    ['paid', 'paid'],
    ['failed', 'failed'],
    ['expired', 'expired'],
    ['partially_refunded', 'paid'],
    ['refunded', 'refunded'],
  ] as const)('%s shows as %s', (status, shown) => {
    expect(publicStatus(status)).toBe(shown);
  });
});
