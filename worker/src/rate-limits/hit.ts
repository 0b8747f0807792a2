import { env } from 'cloudflare:workers';
import type { RateLimitResult, WindowRule } from '../domain/rate-window';
import { ApiError } from '../errors';
import { KNOWN_DEVICE, type LimitName, RATE_LIMITS } from './limits';

// The bindings come from the module-level env, so that a call site needs no more than the
// limit's name and key (and hitRateLimit below keeps its D1-era signature).

/** Asks the store of `rule` for one hit on `name`. */
async function objectHit(name: string, rule: WindowRule, nowMs: number): Promise<RateLimitResult> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
  return stub.hit(rule, nowMs);
}

/** "15 phút", "40 giây": how long to wait, for the 429 message. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} giây`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 60 ? `${minutes} phút` : `${Math.ceil(minutes / 60)} giờ`;
}

export function rateLimitedError(what: string, retryAfterSeconds: number, message?: (wait: string) => string): ApiError {
  const seconds = Math.max(1, retryAfterSeconds);
  const wait = formatWait(seconds);
  return new ApiError(
    429,
    'rate_limited',
    message?.(wait) ?? `Bạn đã ${what} quá nhiều lần trong thời gian ngắn; hãy đợi ${wait} rồi thử lại.`,
    [],
    {
      'Retry-After': String(seconds),
    },
  );
}

/**
 * Counts one hit of `key` against the limit `name` and throws a 429 (with Retry-After and a
 * Vietnamese message naming what was limited) when it is over.
 *
 * @example
 * await hit('billLookup', clientAddress(c));
 */
export async function hit(name: LimitName, key: string, nowMs = Date.now()): Promise<void> {
  const limit = RATE_LIMITS[name];
  if (limit.store === 'binding') {
    const { success } = await env[limit.binding].limit({ key });
    if (!success) throw rateLimitedError(limit.what, limit.periodSeconds);
    return;
  }
  const result = await objectHit(`${limit.prefix}:${key}`, limit.rule, nowMs);
  if (!result.allowed) throw rateLimitedError(limit.what, result.retryAfterSeconds, 'message' in limit ? limit.message : undefined);
}

/** Clears the count of `key` for the limit `name` (object limits only). */
export async function resetLimit(name: LimitName, key: string): Promise<void> {
  const limit = RATE_LIMITS[name];
  if (limit.store !== 'object') return;
  await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${limit.prefix}:${key}`)).reset();
}

const knownDevice = (key: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${KNOWN_DEVICE.prefix}:${key}`));

/** Remembers `key` (account and device) as known, for KNOWN_DEVICE.rememberSeconds from now. */
export async function rememberDevice(key: string, nowMs = Date.now()): Promise<void> {
  await knownDevice(key).remember(nowMs + KNOWN_DEVICE.rememberSeconds * 1000);
}

export async function isKnownDevice(key: string, nowMs = Date.now()): Promise<boolean> {
  return knownDevice(key).isRemembered(nowMs);
}

/**
 * The D1-era call, kept with its meaning for code that still uses it: one hit of `key`
 * against `limit` hits per `windowSeconds`. It now counts in the RateLimiter object named
 * `key` (so `bill-lookup:<address>` shares its count with `hit('billLookup', address)`);
 * `db` is no longer used. Prefer `hit(name, key)` with a limit from limits.ts.
 */
export async function hitRateLimitObject(key: string, limit: number, windowSeconds: number, nowMs: number): Promise<RateLimitResult> {
  return objectHit(key, { kind: 'counter', limit, windowSeconds }, nowMs);
}
