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
