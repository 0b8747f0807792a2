import { describe, expect, it } from 'vitest';
import {
  canPayoutTransition,
  IllegalPayoutTransitionError,
  PAYOUT_EVENTS,
  PAYOUT_STATUSES,
  PAYOUT_TRANSITIONS,
  type PayoutEvent,
  type PayoutStatus,
  payoutTransition,
} from './payout-state';

const VALID: Array<[PayoutStatus | null, PayoutEvent, PayoutStatus]> = [
  [null, 'create', 'awaiting_approval'],
  [null, 'hold', 'held'],
  ['awaiting_approval', 'approve', 'approved'],
  ['approved', 'confirm', 'paid'],
  ['approved', 'fail', 'failed'],
];

describe('payout transitions', () => {
  it.each(VALID)('%s --%s--> %s', (from, event, to) => {
    expect(payoutTransition(from, event)).toBe(to);
    expect(canPayoutTransition(from, event)).toBe(true);
  });

  it('has exactly these edges', () => {
    expect(PAYOUT_TRANSITIONS.map((t) => [t.from, t.event, t.to])).toEqual(VALID);
  });

  const invalid = [null, ...PAYOUT_STATUSES].flatMap((from) =>
    PAYOUT_EVENTS.filter((event) => !VALID.some(([f, e]) => f === from && e === event)).map((event) => [from, event] as const),
  );

  it.each(invalid)('refuses %s --%s', (from, event) => {
    expect(canPayoutTransition(from, event)).toBe(false);
    expect(() => payoutTransition(from, event)).toThrow(IllegalPayoutTransitionError);
  });

  it('pays a payout at most once and never pays a held or failed one', () => {
    for (const from of ['paid', 'failed', 'held', 'awaiting_approval'] as const) expect(canPayoutTransition(from, 'confirm')).toBe(false);
  });

  it('reaches every status and uses every event', () => {
    expect(new Set(PAYOUT_TRANSITIONS.map((t) => t.to))).toEqual(new Set(PAYOUT_STATUSES));
    expect(new Set(PAYOUT_TRANSITIONS.map((t) => t.event))).toEqual(new Set(PAYOUT_EVENTS));
  });
});
