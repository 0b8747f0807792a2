import type { RateLimitResult } from '../domain/rate-window';
import { hitRateLimitObject } from '../rate-limits/hit';

export type { RateLimitResult } from '../domain/rate-window';

/**
 * Rate limits no longer live in D1 (see worker/src/rate-limits/limits.ts); the `rate_limits`
 * table is unused and a later migration may drop it. This keeps the old call working for
 * code written against it: one hit of `key` against `limit` hits per `windowSeconds`.
 * `db` is ignored. New code calls `hit(name, key)` from worker/src/rate-limits/hit.ts.
 */
export async function hitRateLimit(
  _db: D1Database,
  key: string,
  limit: number,
  windowSeconds: number,
  nowMs: number,
): Promise<RateLimitResult> {
  return hitRateLimitObject(key, limit, windowSeconds, nowMs);
}
