import { findStaleOrders, releaseOrderStatements } from '../db/orders';
import { expiredBy, findExpiredPending, prepareTransition, transitionApplied } from '../db/payments';
import { rowsWritten } from '../db/sql';

/** How many of each the sweep handles per run; the Cron Trigger runs every minute. */
const SWEEP_BATCH = 200;

/**
 * Expires pending payments whose time ran out and gives back the stock of orders left
 * without an open payment. Each change is its own batch, conditional on the state it read,
 * so a bank credit arriving at the same moment wins or loses cleanly (and if it loses, it
 * becomes a paid-after-expiry exception).
 */
export async function sweepExpired(db: D1Database, now: string): Promise<{ payments: number; orders: number }> {
  let payments = 0;
  for (const payment of await findExpiredPending(db, now, SWEEP_BATCH)) {
    const prepared = prepareTransition(db, {
      payment,
      event: 'expire',
      source: 'system',
      now,
      condition: expiredBy(now),
    });
    const results = await db.batch(prepared.statements);
    if (transitionApplied(results)) payments += 1;
  }
  let orders = 0;
  for (const orderId of await findStaleOrders(db, now, SWEEP_BATCH)) {
    const results = await db.batch(releaseOrderStatements(db, orderId, 'expired', now));
    if (rowsWritten(results.at(-1)) === 1) orders += 1;
  }
  return { payments, orders };
}
