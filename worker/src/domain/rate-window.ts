/**
 * The decisions behind every rate limit that keeps state of its own (the Durable Object in
 * worker/src/rate-limits/limiter.ts). Pure: a state, a rule and the time in, the next state
 * and the answer out, so they are table- and property-tested without a runtime.
 */

/** At most `limit` hits in a window of `windowSeconds` that starts at the first hit. */
export interface CounterRule {
  kind: 'counter';
  limit: number;
  windowSeconds: number;
}

/**
 * `freeAttempts` hits, then one hit per delay, the delay doubling from `baseDelaySeconds`
 * up to `maxDelaySeconds`. It slows a caller down without ever shutting it out for longer
 * than the largest delay. The count starts again after `windowSeconds` without a hit.
 */
export interface BackoffRule {
  kind: 'backoff';
  freeAttempts: number;
  windowSeconds: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

export type WindowRule = CounterRule | BackoffRule;

export interface WindowState {
  /** When the current window started (counter) or when the last allowed hit came (backoff), ms. */
  since: number;
  count: number;
  /** Backoff only: the earliest time another hit is allowed, ms. */
  nextAllowedAt: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Whole seconds until a hit would be allowed again; 0 when allowed. What a 429 puts in Retry-After. */
  retryAfterSeconds: number;
}

const secondsUntil = (atMs: number, nowMs: number) => Math.max(1, Math.ceil((atMs - nowMs) / 1000));

/**
 * Counts one hit. A refused hit changes nothing, so hammering a closed limit does not keep
 * it closed for longer.
 *
 * @example
 * decideHit({ kind: 'counter', limit: 2, windowSeconds: 60 }, null, 0)
 * // → { state: { since: 0, count: 1, nextAllowedAt: 0 }, result: { allowed: true, retryAfterSeconds: 0 } }
 */
export function decideHit(rule: WindowRule, state: WindowState | null, nowMs: number): { state: WindowState; result: RateLimitResult } {
  const windowMs = rule.windowSeconds * 1000;
  const fresh: WindowState = { since: nowMs, count: 0, nextAllowedAt: nowMs };
  if (rule.kind === 'counter') {
    const current = state && nowMs < state.since + windowMs ? state : fresh;
    if (current.count >= rule.limit) {
      return { state: current, result: { allowed: false, retryAfterSeconds: secondsUntil(current.since + windowMs, nowMs) } };
    }
    return { state: { ...current, count: current.count + 1 }, result: { allowed: true, retryAfterSeconds: 0 } };
  }
  const current = state && nowMs < state.since + windowMs ? state : fresh;
  if (current.count >= rule.freeAttempts && nowMs < current.nextAllowedAt) {
    return { state: current, result: { allowed: false, retryAfterSeconds: secondsUntil(current.nextAllowedAt, nowMs) } };
  }
  const count = current.count + 1;
  const over = count - rule.freeAttempts;
  const delaySeconds = over > 0 ? Math.min(rule.maxDelaySeconds, rule.baseDelaySeconds * 2 ** Math.min(over - 1, 30)) : 0;
  return { state: { since: nowMs, count, nextAllowedAt: nowMs + delaySeconds * 1000 }, result: { allowed: true, retryAfterSeconds: 0 } };
}

/** When the state can be forgotten: nothing it holds matters after this time (ms). */
export function stateExpiresAt(rule: WindowRule, state: WindowState): number {
  return Math.max(state.since + rule.windowSeconds * 1000, state.nextAllowedAt);
}
