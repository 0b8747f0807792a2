import { accountSums, findDueSubOrders, listOrganizationPayouts, type Payout, releaseStatements } from '../db/payouts';
import { commissionOf, deliveredBy, releaseJournal, type SellerBalance, sellerAccounts, sellerBalance } from '../domain/payout-ledger';
import type { PayoutSettings } from './settings';

/** Sub-orders released a batch at a time: each is three or four statements. */
const RELEASES_PER_BATCH = 25;
const RELEASES_PER_ROUND = 200;
const RELEASE_ROUNDS = 5;

/**
 * Books the release of every delivered sub-order whose hold has ended (one seller's, or all):
 * its money moves from pending to available, less the commission. Each sub-order is released
 * once (payout_releases), however often this runs: the Cron Trigger, a balance read and a
 * payout run all call it, so a balance never waits for the next minute.
 */
export async function releaseDue(
  db: D1Database,
  now: string,
  settings: Pick<PayoutSettings, 'holdDays' | 'commissionBps'>,
  sellerId?: string,
): Promise<number> {
  let released = 0;
  // A few hundred at a time, a few rounds at most per call: the Cron Trigger takes the rest.
  for (let round = 0; round < RELEASE_ROUNDS; round += 1) {
    const due = await findDueSubOrders(db, deliveredBy(now, settings.holdDays), { sellerId, limit: RELEASES_PER_ROUND });
    for (let start = 0; start < due.length; start += RELEASES_PER_BATCH) {
      await db.batch(
        due.slice(start, start + RELEASES_PER_BATCH).flatMap((subOrder) => {
          const commission = commissionOf(subOrder.subtotal, settings.commissionBps);
          return releaseStatements(db, subOrder, commission, releaseJournal(subOrder.sellerId, subOrder.subtotal, commission), now);
        }),
      );
    }
    released += due.length;
    if (due.length < RELEASES_PER_ROUND) break;
  }
  return released;
}

/** A seller's balance, from the ledger, after releasing what is due. */
export async function sellerBalanceOf(db: D1Database, sellerId: string, now: string, settings: PayoutSettings): Promise<SellerBalance> {
  await releaseDue(db, now, settings, sellerId);
  return sellerBalance(sellerId, await accountSums(db, sellerAccounts(sellerId)));
}

export function sellerPayouts(db: D1Database, sellerId: string, limit = 100): Promise<Payout[]> {
  return listOrganizationPayouts(db, sellerId, limit);
}
