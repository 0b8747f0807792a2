import { type FeeRun, findFeeRun, type Market } from '../db/markets';
import { newBillCode } from '../domain/codes';
import { newId } from '../domain/tokens';

/** Statements per D1 batch: a 2,000-stall market is written in a few round trips. */
const BILLS_PER_BATCH = 400;

const MONTH_NAMES = (period: string) => `${Number(period.slice(5, 7))}/${period.slice(0, 4)}`;

/** A month's fees are due on the 10th of that month. */
export function feeDueDate(period: string): string {
  return `${period}-10`;
}

/**
 * Issues one market_fee bill per active stall for `period` ("2026-12"). Running it again
 * creates nothing: the run is unique per market and month, and each bill is unique per run
 * and stall, so a run cut short by a failure is completed by running it again.
 */
export async function createFeeRun(db: D1Database, market: Market, period: string, userId: string, now: string): Promise<FeeRun> {
  await db
    .prepare(
      'INSERT INTO fee_runs (id, market_id, period, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (market_id, period) DO NOTHING',
    )
    .bind(newId('run'), market.id, period, userId, now)
    .run();
  const run = (await db
    .prepare('SELECT id FROM fee_runs WHERE market_id = ?1 AND period = ?2')
    .bind(market.id, period)
    .first<{ id: string }>())!;
  const { results: stalls } = await db
    .prepare(
      `SELECT s.id, s.code, s.trader_name, s.monthly_fee FROM stalls s
       WHERE s.market_id = ?1 AND s.status = 'active'
         AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.fee_run_id = ?2 AND b.stall_id = s.id)
       ORDER BY s.code`,
    )
    .bind(market.id, run.id)
    .all<{ id: string; code: string; trader_name: string; monthly_fee: number }>();
  for (let start = 0; start < stalls.length; start += BILLS_PER_BATCH) {
    const chunk = stalls.slice(start, start + BILLS_PER_BATCH);
    await db.batch(
      chunk.map((stall) =>
        db
          .prepare(
            `INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date, stall_id, fee_run_id, created_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'market_fee', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
             ON CONFLICT (fee_run_id, stall_id) WHERE fee_run_id IS NOT NULL DO NOTHING`,
          )
          .bind(
            newId('bil'),
            newBillCode(),
            market.boardId,
            stall.trader_name || `Ki-ốt ${stall.code}`,
            stall.code,
            `Phí chợ ki-ốt ${stall.code}, ${market.name}, tháng ${MONTH_NAMES(period)}`,
            stall.monthly_fee,
            feeDueDate(period),
            stall.id,
            run.id,
            userId,
            now,
          ),
      ),
    );
  }
  return (await findFeeRun(db, market.id, period))!;
}
