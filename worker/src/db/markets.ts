import { inSlices, list, prepare, sql } from './sql';
export interface Market {
  id: string;
  boardId: string;
  boardName: string;
  name: string;
  address: string;
  stallCount: number;
  createdAt: string;
}

export interface Stall {
  id: string;
  marketId: string;
  code: string;
  traderName: string;
  traderPhone: string;
  monthlyFee: number;
  status: 'active' | 'vacant';
  reference: string;
  openBills: number;
  createdAt: string;
}

interface MarketRow {
  id: string;
  board_id: string;
  board_name: string;
  name: string;
  address: string;
  stall_count: number;
  created_at: string;
}

interface StallRow {
  id: string;
  market_id: string;
  code: string;
  trader_name: string;
  trader_phone: string;
  monthly_fee: number;
  status: 'active' | 'vacant';
  reference: string;
  open_bills: number;
  created_at: string;
}

const rowToMarket = (row: MarketRow): Market => ({
  id: row.id,
  boardId: row.board_id,
  boardName: row.board_name,
  name: row.name,
  address: row.address,
  stallCount: row.stall_count,
  createdAt: row.created_at,
});

const rowToStall = (row: StallRow): Stall => ({
  id: row.id,
  marketId: row.market_id,
  code: row.code,
  traderName: row.trader_name,
  traderPhone: row.trader_phone,
  monthlyFee: row.monthly_fee,
  status: row.status,
  reference: row.reference,
  openBills: row.open_bills,
  createdAt: row.created_at,
});

const MARKET_COLUMNS = `m.id, m.board_id, o.name AS board_name, m.name, m.address, m.created_at,
  (SELECT count(*) FROM stalls s WHERE s.market_id = m.id) AS stall_count`;

/** Markets of one board, or of every board (admins) when boardId is null. */
export async function listMarkets(db: D1Database, boardId: string | null): Promise<Market[]> {
  const statement = boardId
    ? db
        .prepare(`SELECT ${MARKET_COLUMNS} FROM markets m JOIN organizations o ON o.id = m.board_id WHERE m.board_id = ?1 ORDER BY m.name`)
        .bind(boardId)
    : db.prepare(`SELECT ${MARKET_COLUMNS} FROM markets m JOIN organizations o ON o.id = m.board_id ORDER BY o.name, m.name`);
  const { results } = await statement.all<MarketRow>();
  return results.map(rowToMarket);
}

export async function findMarket(db: D1Database, id: string): Promise<Market | null> {
  const row = await db
    .prepare(`SELECT ${MARKET_COLUMNS} FROM markets m JOIN organizations o ON o.id = m.board_id WHERE m.id = ?1`)
    .bind(id)
    .first<MarketRow>();
  return row ? rowToMarket(row) : null;
}

export async function insertMarket(db: D1Database, market: { id: string; boardId: string; name: string; address: string }) {
  await db
    .prepare('INSERT INTO markets (id, board_id, name, address) VALUES (?1, ?2, ?3, ?4)')
    .bind(market.id, market.boardId, market.name, market.address)
    .run();
}

const STALL_COLUMNS = `s.id, s.market_id, s.code, s.trader_name, s.trader_phone, s.monthly_fee, s.status, s.reference, s.created_at,
  (SELECT count(*) FROM bills b WHERE b.stall_id = s.id AND b.status = 'open') AS open_bills`;

export async function listStalls(db: D1Database, marketId: string): Promise<Stall[]> {
  const { results } = await db
    .prepare(`SELECT ${STALL_COLUMNS} FROM stalls s WHERE s.market_id = ?1 ORDER BY s.code`)
    .bind(marketId)
    .all<StallRow>();
  return results.map(rowToStall);
}

export async function findStall(db: D1Database, id: string): Promise<(Stall & { boardId: string; marketName: string }) | null> {
  const row = await db
    .prepare(
      `SELECT ${STALL_COLUMNS}, m.board_id, m.name AS market_name FROM stalls s JOIN markets m ON m.id = s.market_id WHERE s.id = ?1`,
    )
    .bind(id)
    .first<StallRow & { board_id: string; market_name: string }>();
  return row ? { ...rowToStall(row), boardId: row.board_id, marketName: row.market_name } : null;
}

export interface NewStall {
  id: string;
  marketId: string;
  code: string;
  traderName: string;
  traderPhone: string;
  monthlyFee: number;
  status: 'active' | 'vacant';
  reference: string;
}

export function insertStallStatement(db: D1Database, stall: NewStall): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO stalls (id, market_id, code, trader_name, trader_phone, monthly_fee, status, reference)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
    )
    .bind(stall.id, stall.marketId, stall.code, stall.traderName, stall.traderPhone, stall.monthlyFee, stall.status, stall.reference);
}

export interface FeeRun {
  id: string;
  marketId: string;
  period: string;
  billsCreated: number;
  totalAmount: number;
  paidBills: number;
  paidAmount: number;
  /** Paid bills over issued bills, 0..1. */
  collectionRate: number;
  createdAt: string;
}

interface FeeRunRow {
  id: string;
  market_id: string;
  period: string;
  created_at: string;
  bills: number;
  total: number;
  paid_bills: number;
  paid_amount: number;
}

const FEE_RUN_QUERY = `SELECT r.id, r.market_id, r.period, r.created_at,
    count(b.id) AS bills, coalesce(sum(b.amount), 0) AS total,
    coalesce(sum(b.status = 'paid'), 0) AS paid_bills, coalesce(sum(CASE WHEN b.status = 'paid' THEN b.amount ELSE 0 END), 0) AS paid_amount
  FROM fee_runs r LEFT JOIN bills b ON b.fee_run_id = r.id`;

const rowToFeeRun = (row: FeeRunRow): FeeRun => ({
  id: row.id,
  marketId: row.market_id,
  period: row.period,
  billsCreated: row.bills,
  totalAmount: row.total,
  paidBills: row.paid_bills,
  paidAmount: row.paid_amount,
  collectionRate: row.bills === 0 ? 0 : row.paid_bills / row.bills,
  createdAt: row.created_at,
});

export async function listFeeRuns(db: D1Database, marketId: string): Promise<FeeRun[]> {
  const { results } = await db
    .prepare(`${FEE_RUN_QUERY} WHERE r.market_id = ?1 GROUP BY r.id ORDER BY r.period DESC`)
    .bind(marketId)
    .all<FeeRunRow>();
  return results.map(rowToFeeRun);
}

export async function findFeeRun(db: D1Database, marketId: string, period: string): Promise<FeeRun | null> {
  const row = await db
    .prepare(`${FEE_RUN_QUERY} WHERE r.market_id = ?1 AND r.period = ?2 GROUP BY r.id`)
    .bind(marketId, period)
    .first<FeeRunRow>();
  return row ? rowToFeeRun(row) : null;
}

/** A stall named by a credit's reference, with its market board's account and its open bills, oldest first. */
export interface StallForCredit {
  id: string;
  code: string;
  reference: string;
  boardId: string;
  /** The board's account: where the stall's QR sends money, and what its bills are paid into. */
  board: { bankBin: string | null; accountNo: string | null; accountName: string | null };
  openBills: Array<{ id: string; amount: number; dueDate: string; pendingPaymentId: string | null }>;
}

/** The stalls whose static-QR references are among `references`, in one query per slice. */
export async function findStallsByReferences(db: D1Database, references: readonly string[]): Promise<StallForCredit[]> {
  const rows = await inSlices(
    references,
    async (slice) =>
      (
        await prepare(
          db,
          sql`SELECT s.id, s.code, s.reference, m.board_id, o.bank_bin, o.bank_account_no, o.bank_account_name,
                b.id AS bill_id, b.amount, b.due_date, p.id AS pending_payment_id
              FROM stalls s JOIN markets m ON m.id = s.market_id JOIN organizations o ON o.id = m.board_id
              LEFT JOIN bills b ON b.stall_id = s.id AND b.status = 'open'
              LEFT JOIN payments p ON p.bill_id = b.id AND p.status = 'pending'
              WHERE s.reference IN (${list(slice)})
              ORDER BY s.id, b.due_date, b.created_at, b.id`,
        ).all<{
          id: string;
          code: string;
          reference: string;
          board_id: string;
          bank_bin: string | null;
          bank_account_no: string | null;
          bank_account_name: string | null;
          bill_id: string | null;
          amount: number | null;
          due_date: string | null;
          pending_payment_id: string | null;
        }>()
      ).results,
  );
  const stalls = new Map<string, StallForCredit>();
  for (const row of rows) {
    let stall = stalls.get(row.id);
    if (!stall) {
      stall = {
        id: row.id,
        code: row.code,
        reference: row.reference,
        boardId: row.board_id,
        board: { bankBin: row.bank_bin, accountNo: row.bank_account_no, accountName: row.bank_account_name },
        openBills: [],
      };
      stalls.set(row.id, stall);
    }
    if (row.bill_id !== null)
      stall.openBills.push({ id: row.bill_id, amount: row.amount!, dueDate: row.due_date!, pendingPaymentId: row.pending_payment_id });
  }
  return [...stalls.values()];
}

/** A market's active stalls with its board's account, for the printable QR sheet: one query whatever the number of stalls. */
export async function listStallsForSheet(
  db: D1Database,
  marketId: string,
): Promise<{ stalls: Stall[]; board: { bankBin: string | null; accountNo: string | null; accountName: string | null } }> {
  const { results } = await db
    .prepare(
      `SELECT ${STALL_COLUMNS}, o.bank_bin, o.bank_account_no, o.bank_account_name
       FROM markets m JOIN organizations o ON o.id = m.board_id
       LEFT JOIN stalls s ON s.market_id = m.id AND s.status = 'active'
       WHERE m.id = ?1 ORDER BY s.code`,
    )
    .bind(marketId)
    .all<StallRow & { bank_bin: string | null; bank_account_no: string | null; bank_account_name: string | null }>();
  const first = results[0];
  return {
    stalls: results.filter((row) => row.id !== null).map(rowToStall),
    board: { bankBin: first?.bank_bin ?? null, accountNo: first?.bank_account_no ?? null, accountName: first?.bank_account_name ?? null },
  };
}

/** The run of a market and month, made if it is the first time: the same id however often it is asked for. */
export async function claimFeeRun(
  db: D1Database,
  run: { id: string; marketId: string; period: string; createdBy: string; now: string },
): Promise<string> {
  await db
    .prepare(
      'INSERT INTO fee_runs (id, market_id, period, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (market_id, period) DO NOTHING',
    )
    .bind(run.id, run.marketId, run.period, run.createdBy, run.now)
    .run();
  const row = await db
    .prepare('SELECT id FROM fee_runs WHERE market_id = ?1 AND period = ?2')
    .bind(run.marketId, run.period)
    .first<{ id: string }>();
  return row!.id;
}

/** Active stalls of the market that have no bill of this run yet. */
export async function findStallsWithoutBill(
  db: D1Database,
  marketId: string,
  runId: string,
): Promise<Array<{ id: string; code: string; traderName: string; monthlyFee: number }>> {
  const { results } = await db
    .prepare(
      `SELECT s.id, s.code, s.trader_name, s.monthly_fee FROM stalls s
       WHERE s.market_id = ?1 AND s.status = 'active'
         AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.fee_run_id = ?2 AND b.stall_id = s.id)
       ORDER BY s.code`,
    )
    .bind(marketId, runId)
    .all<{ id: string; code: string; trader_name: string; monthly_fee: number }>();
  return results.map((row) => ({ id: row.id, code: row.code, traderName: row.trader_name, monthlyFee: row.monthly_fee }));
}

export interface FeeBill {
  id: string;
  code: string;
  billerId: string;
  payerName: string;
  payerRef: string;
  description: string;
  amount: number;
  dueDate: string;
  stallId: string;
  feeRunId: string;
  createdBy: string;
  now: string;
}

/** One stall's bill of a run; unique per run and stall, so a retried run makes no second one. */
export function insertFeeBillStatement(db: D1Database, bill: FeeBill): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date, stall_id, fee_run_id, created_by, created_at, updated_at)
       VALUES (?1, ?2, ?3, 'market_fee', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
       ON CONFLICT (fee_run_id, stall_id) WHERE fee_run_id IS NOT NULL DO NOTHING`,
    )
    .bind(
      bill.id,
      bill.code,
      bill.billerId,
      bill.payerName,
      bill.payerRef,
      bill.description,
      bill.amount,
      bill.dueDate,
      bill.stallId,
      bill.feeRunId,
      bill.createdBy,
      bill.now,
    );
}
