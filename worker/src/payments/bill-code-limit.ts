import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { clientAddress } from '../middleware/client';
import { hit } from '../rate-limits/hit';

/**
 * Counts one use of a bill code by this client, whichever endpoint answers for it (the
 * public lookup, or starting a payment by code): one allowance for both, so neither works
 * as a way to try codes. Counted before the code is even read, so malformed guesses use up
 * the allowance too. The size of the allowance is in rate-limits/limits.ts (`billLookup`).
 */
export async function countBillCodeUse(c: Context<AppEnv>): Promise<void> {
  await hit('billLookup', clientAddress(c));
}
