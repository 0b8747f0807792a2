import type { PayerInput } from '../domain/payer-list';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { all, prepare, rowsWritten, type Sql, sql } from './sql';

export interface Payer {
  id: string;
  billerId: string;
  payerRef: string;
  payerName: string;
  group: string | null;
  phone: string | null;
  amount: number | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

interface PayerRow {
  id: string;
  biller_id: string;
  payer_ref: string;
  payer_name: string;
  payer_group: string | null;
  phone: string | null;
  amount: number | null;
  active: number;
  created_at: string;
  updated_at: string;
}

const rowToPayer = (row: PayerRow): Payer => ({
  id: row.id,
  billerId: row.biller_id,
  payerRef: row.payer_ref,
  payerName: row.payer_name,
  group: row.payer_group,
  phone: row.phone,
  amount: row.amount,
  active: row.active === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const PAYER_COLUMNS = sql`p.id, p.biller_id, p.payer_ref, p.payer_name, p.payer_group, p.phone, p.amount, p.active, p.created_at, p.updated_at`;

/**
 * Rows per upsert: the payers travel as one JSON parameter (json_each), so D1's 100 bound
 * parameters never limit a chunk, and a file of 2,000 payers is 8 statements of one batch.
 */
const UPSERT_CHUNK_ROWS = 250;

/**
 * Every statement that adds these payers or updates them in place (matched on the biller and
 * the reference, whatever its case), to run in one db.batch: all of a file or none of it. A
 * payer removed before is listed again.
 */
export function upsertPayersStatements(
  db: D1Database,
  billerId: string,
  payers: ReadonlyArray<PayerInput & { id: string }>,
  now: string,
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < payers.length; i += UPSERT_CHUNK_ROWS) {
    const rows = payers.slice(i, i + UPSERT_CHUNK_ROWS).map((p) => [p.id, p.payerRef, p.payerName, p.group, p.phone, p.amount]);
    statements.push(
      prepare(
        db,
        sql`INSERT INTO payers (id, biller_id, payer_ref, payer_name, payer_group, phone, amount, active, created_at, updated_at)
            SELECT r.value ->> 0, ${billerId}, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, 1, ${now}, ${now}
            FROM json_each(${JSON.stringify(rows)}) r WHERE true
            ON CONFLICT (biller_id, payer_ref) DO UPDATE SET payer_name = excluded.payer_name, payer_group = excluded.payer_group,
              phone = excluded.phone, amount = excluded.amount, active = 1, updated_at = excluded.updated_at
            RETURNING id`,
      ),
    );
  }
  return statements;
}

/** Adds one payer or updates the one with its reference; `created` says which. */
export async function upsertPayer(
  db: D1Database,
  billerId: string,
  payer: PayerInput & { id: string },
  now: string,
): Promise<{ payer: Payer; created: boolean }> {
  const [statement] = upsertPayersStatements(db, billerId, [payer], now);
  const result = await statement!.all<{ id: string }>();
  const id = result.results[0]!.id;
  return { payer: (await findPayer(db, billerId, id))!, created: id === payer.id };
}

/** Which of these references (any case) a biller already lists, active or not. */
export async function countListedRefs(db: D1Database, billerId: string, refs: readonly string[]): Promise<number> {
  const row = await prepare(
    db,
    sql`SELECT count(*) AS n FROM payers WHERE biller_id = ${billerId}
        AND payer_ref IN (SELECT value FROM json_each(${JSON.stringify(refs)}))`,
  ).first<{ n: number }>();
  return row?.n ?? 0;
}

/** One of the biller's payers; another biller's is not found. */
export async function findPayer(db: D1Database, billerId: string, id: string): Promise<Payer | null> {
  const row = await prepare(
    db,
    sql`SELECT ${PAYER_COLUMNS} FROM payers p WHERE p.id = ${id} AND p.biller_id = ${billerId}`,
  ).first<PayerRow>();
  return row ? rowToPayer(row) : null;
}

/** Takes a payer off the list: kept (its bills name it), no longer billed. */
export async function deactivatePayer(db: D1Database, billerId: string, id: string, now: string): Promise<boolean> {
  const result = await prepare(
    db,
    sql`UPDATE payers SET active = 0, updated_at = ${now} WHERE id = ${id} AND biller_id = ${billerId} RETURNING id`,
  ).all();
  return rowsWritten(result) === 1;
}

export interface PayerQuery {
  billerId: string;
  active: boolean;
  group?: string;
  q?: string;
  limit: number;
  cursor?: string;
}

/** A page of a biller's payers by reference, searched by name or reference, one group or all. */
export async function listPayers(db: D1Database, query: PayerQuery): Promise<{ items: Payer[]; nextCursor: string | null }> {
  const where: Sql[] = [sql`p.biller_id = ${query.billerId}`, sql`p.active = ${query.active ? 1 : 0}`];
  if (query.group) where.push(sql`p.payer_group = ${query.group}`);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(p.payer_name LIKE ${like} ESCAPE '\\' OR p.payer_ref LIKE ${like} ESCAPE '\\')`);
  }
  if (query.cursor) {
    // The cursor names the last payer shown; its reference is read back here, so that a
    // reference in Vietnamese never has to travel in the cursor.
    const [id] = decodeCursor(query.cursor);
    if (typeof id !== 'string') throw invalidCursor();
    where.push(sql`(p.payer_ref, p.id) > (SELECT payer_ref, id FROM payers WHERE id = ${id} AND biller_id = ${query.billerId})`);
  }
  const { results } = await prepare(
    db,
    sql`SELECT ${PAYER_COLUMNS} FROM payers p WHERE ${all(where)} ORDER BY p.payer_ref, p.id LIMIT ${query.limit + 1}`,
  ).all<PayerRow>();
  const rows = results.slice(0, query.limit);
  const last = rows.at(-1);
  return { items: rows.map(rowToPayer), nextCursor: results.length > query.limit && last ? encodeCursor([last.id]) : null };
}

/** The groups (classes) of a biller's active payers, for the filter and the run's choice. */
export async function listPayerGroups(db: D1Database, billerId: string): Promise<string[]> {
  const { results } = await prepare(
    db,
    sql`SELECT DISTINCT payer_group FROM payers WHERE biller_id = ${billerId} AND active = 1 AND payer_group IS NOT NULL
        ORDER BY payer_group LIMIT 200`,
  ).all<{ payer_group: string }>();
  return results.map((row) => row.payer_group);
}

/** How many payers a run may bill at once: a whole school, inside the Workers limits. */
export const MAX_PAYERS_PER_RUN = 5000;

/** The active payers a run bills (one group or all), by reference; at most MAX_PAYERS_PER_RUN + 1. */
export async function activePayersForRun(db: D1Database, billerId: string, group: string | null): Promise<Payer[]> {
  const where: Sql[] = [sql`p.biller_id = ${billerId}`, sql`p.active = 1`];
  if (group) where.push(sql`p.payer_group = ${group}`);
  const { results } = await prepare(
    db,
    sql`SELECT ${PAYER_COLUMNS} FROM payers p WHERE ${all(where)} ORDER BY p.payer_ref, p.id LIMIT ${MAX_PAYERS_PER_RUN + 1}`,
  ).all<PayerRow>();
  return results.map(rowToPayer);
}

export interface BillRun {
  id: string;
  billerId: string;
  period: string;
  group: string | null;
  description: string;
  dueDate: string;
  amount: number | null;
  /** Bills of the run that are not cancelled. */
  billsIssued: number;
  billsPaid: number;
  billsCancelled: number;
  /** Whole đồng of the bills not cancelled. */
  amountIssued: number;
  amountPaid: number;
  createdAt: string;
}

interface BillRunRow {
  id: string;
  biller_id: string;
  period: string;
  payer_group: string;
  description: string;
  due_date: string;
  amount: number | null;
  created_at: string;
  issued: number;
  paid: number;
  cancelled: number;
  amount_issued: number;
  amount_paid: number;
}

const rowToBillRun = (row: BillRunRow): BillRun => ({
  id: row.id,
  billerId: row.biller_id,
  period: row.period,
  group: row.payer_group === '' ? null : row.payer_group,
  description: row.description,
  dueDate: row.due_date,
  amount: row.amount,
  billsIssued: row.issued,
  billsPaid: row.paid,
  billsCancelled: row.cancelled,
  amountIssued: row.amount_issued,
  amountPaid: row.amount_paid,
  createdAt: row.created_at,
});

// What a run has collected is read from its bills' status each time (a bill is paid only by
// a confirmed payment), never kept as a counter that could drift from them.
const BILL_RUN_SELECT = sql`SELECT r.id, r.biller_id, r.period, r.payer_group, r.description, r.due_date, r.amount, r.created_at,
    coalesce(sum(b.status <> 'cancelled'), 0) AS issued, coalesce(sum(b.status = 'paid'), 0) AS paid,
    coalesce(sum(b.status = 'cancelled'), 0) AS cancelled,
    coalesce(sum(CASE WHEN b.status <> 'cancelled' THEN b.amount ELSE 0 END), 0) AS amount_issued,
    coalesce(sum(CASE WHEN b.status = 'paid' THEN b.amount ELSE 0 END), 0) AS amount_paid
  FROM bill_runs r LEFT JOIN bills b ON b.bill_run_id = r.id`;

export async function findBillRun(db: D1Database, billerId: string, id: string): Promise<BillRun | null> {
  const row = await prepare(db, sql`${BILL_RUN_SELECT} WHERE r.id = ${id} AND r.biller_id = ${billerId} GROUP BY r.id`).first<BillRunRow>();
  return row ? rowToBillRun(row) : null;
}

/** The run of a biller's month for one group (or for all, group null), if it was started. */
export async function findBillRunFor(db: D1Database, billerId: string, period: string, group: string | null): Promise<BillRun | null> {
  const row = await prepare(
    db,
    sql`${BILL_RUN_SELECT} WHERE r.biller_id = ${billerId} AND r.period = ${period} AND r.payer_group = ${group ?? ''} GROUP BY r.id`,
  ).first<BillRunRow>();
  return row ? rowToBillRun(row) : null;
}

/** A biller's runs, newest first, a page at a time. */
export async function listBillRuns(
  db: D1Database,
  query: { billerId: string; limit: number; cursor?: string },
): Promise<{ items: BillRun[]; nextCursor: string | null }> {
  const where: Sql[] = [sql`r.biller_id = ${query.billerId}`];
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor);
    if (typeof createdAt !== 'string' || typeof id !== 'string') throw invalidCursor();
    where.push(sql`(r.created_at < ${createdAt} OR (r.created_at = ${createdAt} AND r.id < ${id}))`);
  }
  const { results } = await prepare(
    db,
    sql`${BILL_RUN_SELECT} WHERE ${all(where)} GROUP BY r.id ORDER BY r.created_at DESC, r.id DESC LIMIT ${query.limit + 1}`,
  ).all<BillRunRow>();
  const rows = results.slice(0, query.limit);
  const last = rows.at(-1);
  return {
    items: rows.map(rowToBillRun),
    nextCursor: results.length > query.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

export interface NewBillRun {
  id: string;
  billerId: string;
  period: string;
  group: string | null;
  description: string;
  dueDate: string;
  amount: number | null;
  createdBy: string;
}

/**
 * The run of a biller, month and group, made if it is the first time, with the request's
 * Idempotency-Key pointing at it, in one batch. Returns the run the key names (this one, or
 * the month's run made before), or null when the key names something else.
 */
export async function claimBillRun(
  db: D1Database,
  run: NewBillRun,
  key: { scopeKey: string; requestHash: string },
  now: string,
): Promise<string | null> {
  const group = run.group ?? '';
  await db.batch([
    prepare(
      db,
      sql`INSERT INTO bill_runs (id, biller_id, period, payer_group, description, due_date, amount, created_by, created_at)
          VALUES (${run.id}, ${run.billerId}, ${run.period}, ${group}, ${run.description}, ${run.dueDate}, ${run.amount}, ${run.createdBy}, ${now})
          ON CONFLICT (biller_id, period, payer_group) DO NOTHING`,
    ),
    prepare(
      db,
      sql`INSERT INTO admin_idempotency_keys (scope_key, request_hash, object_id, created_at)
          SELECT ${key.scopeKey}, ${key.requestHash}, id, ${now} FROM bill_runs
          WHERE biller_id = ${run.billerId} AND period = ${run.period} AND payer_group = ${group}
          ON CONFLICT DO NOTHING`,
    ),
  ]);
  const row = await prepare(
    db,
    sql`SELECT k.object_id FROM admin_idempotency_keys k JOIN bill_runs r ON r.id = k.object_id
        WHERE k.scope_key = ${key.scopeKey} AND k.request_hash = ${key.requestHash}
          AND r.biller_id = ${run.billerId} AND r.period = ${run.period} AND r.payer_group = ${group}`,
  ).first<{ object_id: string }>();
  return row?.object_id ?? null;
}

/** The ids of a run's bills, by payer group and reference, for printing them (at most `limit`). */
export async function billIdsOfRun(db: D1Database, billerId: string, runId: string, limit: number): Promise<string[]> {
  const { results } = await prepare(
    db,
    sql`SELECT b.id FROM bills b JOIN bill_runs r ON r.id = b.bill_run_id
        WHERE r.id = ${runId} AND r.biller_id = ${billerId} AND b.status <> 'cancelled'
        ORDER BY b.payer_group, b.payer_ref, b.id LIMIT ${limit}`,
  ).all<{ id: string }>();
  return results.map((row) => row.id);
}
