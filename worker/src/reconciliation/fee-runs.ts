import { claimFeeRun, type FeeRun, findFeeRun, findStallsWithoutBill, insertFeeBillStatement, type Market } from '../db/markets';
import { newBillCode } from '../domain/codes';
import { billEachPayerOnce } from '../domain/payer-list';
import { newId } from '../domain/tokens';
import { formatMonth } from '../domain/vietnam-time';
import { ApiError } from '../errors';

/** Statements per D1 batch: a 2,000-stall market is written in a few round trips. */
const BILLS_PER_BATCH = 400;

/** A month's fees are due on the 10th of that month. */
function feeDueDate(period: string): string {
  return `${period}-10`;
}

/**
 * Issues one market_fee bill per active stall for `period` ("2026-12"): the market's case of
 * a bill run (billing/payer-lists.ts), each stall a payer billed once for the month at its
 * own fee. Running it again creates nothing: the run is unique per market and month, and each
 * bill is unique per run and stall, so a run cut short by a failure is completed by running it again.
 */
export async function createFeeRun(db: D1Database, market: Market, period: string, userId: string, now: string): Promise<FeeRun> {
  const runId = await claimFeeRun(db, { id: newId('run'), marketId: market.id, period, createdBy: userId, now });
  const stalls = await findStallsWithoutBill(db, market.id, runId);
  const planned = billEachPayerOnce(
    stalls.map((stall) => ({
      ...stall,
      payerRef: stall.code,
      payerName: stall.traderName || `Ki-ốt ${stall.code}`,
      amount: stall.monthlyFee,
    })),
    {
      period,
      description: (stall) => `Phí chợ ki-ốt ${stall.payerRef}, ${market.name}, ${formatMonth(period)}`,
      dueDate: feeDueDate(period),
      amount: null,
    },
  );
  // A stall's fee is checked when the stall is saved; a stall without one is a bug, not input.
  if (!planned.ok) throw new ApiError(409, 'stall_fee_missing', planned.problems.map((p) => p.message).join('; '));
  for (let start = 0; start < planned.bills.length; start += BILLS_PER_BATCH) {
    await db.batch(
      planned.bills.slice(start, start + BILLS_PER_BATCH).map((bill) =>
        insertFeeBillStatement(db, {
          id: newId('bil'),
          code: newBillCode(),
          billerId: market.boardId,
          payerName: bill.payer.payerName,
          payerRef: bill.payer.payerRef,
          description: bill.description,
          amount: bill.amount,
          dueDate: bill.dueDate,
          stallId: bill.payer.id,
          feeRunId: runId,
          createdBy: userId,
          now,
        }),
      ),
    );
  }
  return (await findFeeRun(db, market.id, period))!;
}
