import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BackoffRule, type CounterRule, decideHit, type WindowState } from './rate-window';

const counter: CounterRule = { kind: 'counter', limit: 3, windowSeconds: 60 };
const backoff: BackoffRule = { kind: 'backoff', freeAttempts: 2, windowSeconds: 900, baseDelaySeconds: 1, maxDelaySeconds: 60 };

/** Runs hits at the given times (ms) and gives what each answered. */
function run(rule: CounterRule | BackoffRule, times: number[]) {
  let state: WindowState | null = null;
  return times.map((now) => {
    const next = decideHit(rule, state, now);
    state = next.state;
    return next.result;
  });
}

describe('decideHit: counter', () => {
  it('allows `limit` hits in a window, then says how long until it starts again', () => {
    expect(run(counter, [0, 1000, 2000, 3000, 59_999, 60_000])).toEqual([
      { allowed: true, retryAfterSeconds: 0 },
      { allowed: true, retryAfterSeconds: 0 },
      { allowed: true, retryAfterSeconds: 0 },
      { allowed: false, retryAfterSeconds: 57 },
      { allowed: false, retryAfterSeconds: 1 },
      { allowed: true, retryAfterSeconds: 0 },
    ]);
  });

  it('never allows more than `limit` hits in one window, and windows do not overlap', () => {
    const rule: CounterRule = { kind: 'counter', limit: 5, windowSeconds: 10 };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 80 }), (gaps) => {
        let state: WindowState | null = null;
        let now = 0;
        const allowedPerWindow = new Map<number, number>();
        for (const gap of gaps) {
          now += gap;
          const next = decideHit(rule, state, now);
          if (next.result.allowed) allowedPerWindow.set(next.state.since, (allowedPerWindow.get(next.state.since) ?? 0) + 1);
          state = next.state;
        }
        for (const count of allowedPerWindow.values()) expect(count).toBeLessThanOrEqual(rule.limit);
        const starts = [...allowedPerWindow.keys()].sort((a, b) => a - b);
        for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(rule.windowSeconds * 1000);
      }),
    );
  });
});

describe('decideHit: backoff', () => {
  it('gives the free attempts, then one per 1, 2, 4 … seconds', () => {
    expect(run(backoff, [0, 0, 0, 500, 1000, 1500, 3000]).map((r) => r.allowed)).toEqual([true, true, true, false, true, false, true]);
  });

  it('never makes a caller wait longer than the largest delay, and a refused hit changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 200 }), (gaps) => {
        let state: WindowState | null = null;
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          const { state: next, result } = decideHit(backoff, state, now);
          expect(result.retryAfterSeconds).toBeLessThanOrEqual(backoff.maxDelaySeconds);
          if (!result.allowed) expect(next).toEqual(state);
          state = next;
        }
      }),
    );
  });

  it('starts counting again after a quiet window', () => {
    const times = [0, 0, 0, 900_000 + 1, 900_000 + 2, 900_000 + 3];
    expect(run(backoff, times).map((r) => r.allowed)).toEqual([true, true, true, true, true, true]);
  });
});
