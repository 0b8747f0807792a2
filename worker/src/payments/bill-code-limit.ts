import type { Context } from 'hono';
import { hitRateLimit } from '../db/rate-limits';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { clientAddress } from '../middleware/client';

/** Answers by bill code per client address per window: enough for a family, too few to enumerate codes. */
const GUESSES_PER_WINDOW = 30;
const GUESS_WINDOW_SECONDS = 10 * 60;

/**
 * Counts one use of a bill code by this client, whichever endpoint answers for it (the
 * public lookup, or starting a payment by code): one allowance for both, so neither works
 * as a way to try codes. Counted before the code is even read, so malformed guesses use up
 * the allowance too.
 */
export async function countBillCodeUse(c: Context<AppEnv>): Promise<void> {
  const limit = await hitRateLimit(c.env.DB, `bill-lookup:${clientAddress(c)}`, GUESSES_PER_WINDOW, GUESS_WINDOW_SECONDS, Date.now());
  if (!limit.allowed) {
    throw new ApiError(429, 'rate_limited', 'Bạn đã tra cứu quá nhiều mã hoá đơn; hãy chờ vài phút rồi thử lại', [], {
      'Retry-After': String(Math.max(1, limit.retryAfterSeconds)),
    });
  }
}
