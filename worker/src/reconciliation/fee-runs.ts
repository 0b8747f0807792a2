import { claimFeeRun, type FeeRun, findFeeRun, findStallsWithoutBill, insertFeeBillStatement, type Market } from '../db/markets';
import { newBillCode } from '../domain/codes';
import { newId } from '../domain/tokens';
import { formatMonth } from '../domain/vietnam-time';

/** Statements per D1 batch: a 2,000-stall market is written in a few round trips. */
const BILLS_PER_BATCH = 400;

/** A month's fees are due on the 10th of that month. */
function feeDueDate(period: string): string {
  return `${period}-10`;
}

/**
 * Issues one market_fee bill per active stall for `period` ("2026-12"). Running it again
 * creates nothing: the run is unique per market and month, and each bill is unique per run
 * and stall, so a run cut short by a failure is completed by running it again.
 */
export async function createFeeRun(db: D1Database, market: Market, period: string, userId: string, now: string): Promise<FeeRun> {
  const runId = await claimFeeRun(db, { id: newId('run'), marketId: market.id, period, createdBy: userId, now });
  const stalls = await findStallsWithoutBill(db, market.id, runId);
  for (let start = 0; start < stalls.length; start += BILLS_PER_BATCH) {
    await db.batch(
      stalls.slice(start, start + BILLS_PER_BATCH).map((stall) =>
        insertFeeBillStatement(db, {
          id: newId('bil'),
          code: newBillCode(),
          billerId: market.boardId,
          payerName: stall.traderName || `Ki-ốt ${stall.code}`,
          payerRef: stall.code,
          description: `Phí chợ ki-ốt ${stall.code}, ${market.name}, ${formatMonth(period)}`,
          amount: stall.monthlyFee,
          dueDate: feeDueDate(period),
          stallId: stall.id,
          feeRunId: runId,
          createdBy: userId,
          now,
        }),
      ),
    );
  }
  return (await findFeeRun(db, market.id, period))!;
}
