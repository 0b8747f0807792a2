import { describe, expect, it } from 'vitest';
import {
  canRefundTransition,
  IllegalRefundTransitionError,
  REFUND_EVENTS,
  REFUND_STATUS_NAMES,
  REFUND_STATUSES,
  REFUND_TRANSITIONS,
  type RefundEvent,
  type RefundStatus,
  refundTransition,
} from './refund-state';

const VALID: Array<[RefundStatus | null, RefundEvent, RefundStatus]> = [
  [null, 'request_transfer', 'awaiting_approval'],
  [null, 'request_card', 'processing'],
  [null, 'record_gateway', 'succeeded'],
  ['awaiting_approval', 'approve', 'approved'],
  ['awaiting_approval', 'reject', 'rejected'],
  ['approved', 'mark_sent', 'sent'],
  ['processing', 'succeed', 'succeeded'],
  ['processing', 'fail', 'failed'],
];

describe('refund transitions', () => {
  it.each(VALID)('%s --%s--> %s', (from, event, to) => {
    expect(refundTransition(from, event)).toBe(to);
    expect(canRefundTransition(from, event)).toBe(true);
  });

  it('has exactly these edges', () => {
    expect(REFUND_TRANSITIONS.map((t) => [t.from, t.event, t.to])).toEqual(VALID);
  });

  const invalid = [null, ...REFUND_STATUSES].flatMap((from) =>
    REFUND_EVENTS.filter((event) => !VALID.some(([f, e]) => f === from && e === event)).map((event) => [from, event] as const),
  );

  it.each(invalid)('refuses %s --%s', (from, event) => {
    expect(canRefundTransition(from, event)).toBe(false);
    expect(() => refundTransition(from, event)).toThrow(IllegalRefundTransitionError);
  });

  it.each([
    ['awaiting_approval', 'mark_sent'],
    ['sent', 'mark_sent'],
    ['rejected', 'approve'],
    ['succeeded', 'fail'],
    ['failed', 'succeed'],
  ] as const)('in particular, never %s --%s (no money leaves unapproved, or twice)', (from, event) => {
    expect(canRefundTransition(from, event)).toBe(false);
  });

  it('reaches every status, and only sent, rejected, succeeded and failed are final', () => {
    expect(new Set(REFUND_TRANSITIONS.map((t) => t.to))).toEqual(new Set(REFUND_STATUSES));
    const final = REFUND_STATUSES.filter((s) => !REFUND_TRANSITIONS.some((t) => t.from === s));
    expect(final.sort()).toEqual(['failed', 'rejected', 'sent', 'succeeded']);
  });

  it('uses every event', () => {
    expect(new Set(REFUND_TRANSITIONS.map((t) => t.event))).toEqual(new Set(REFUND_EVENTS));
  });

  it('names every status in Vietnamese', () => {
    expect(Object.keys(REFUND_STATUS_NAMES).sort()).toEqual([...REFUND_STATUSES].sort());
  });
});
