export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the current window ends; what a 429 puts in Retry-After. */
  retryAfterSeconds: number;
}

/**
 * Counts one hit against `key` in a fixed window and says whether it is within `limit`.
 * One upsert statement, so concurrent requests cannot both slip under the limit.
 */
export async function hitRateLimit(
  db: D1Database,
  key: string,
  limit: number,
  windowSeconds: number,
  nowMs: number,
): Promise<RateLimitResult> {
  const nowSeconds = Math.floor(nowMs / 1000);
  const windowStart = nowSeconds - (nowSeconds % windowSeconds);
  const row = await db
    .prepare(
      `INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1
       RETURNING count`,
    )
    .bind(key, windowStart)
    .first<{ count: number }>();
  const count = row?.count ?? 1;
  return { allowed: count <= limit, retryAfterSeconds: windowStart + windowSeconds - nowSeconds };
}

/** Drops windows that ended before `nowMs`; run from the scheduled handler. */
export async function deleteOldRateLimitWindows(db: D1Database, nowMs: number, maxWindowSeconds: number) {
  await db
    .prepare('DELETE FROM rate_limits WHERE window_start < ?1')
    .bind(Math.floor(nowMs / 1000) - maxWindowSeconds)
    .run();
}
