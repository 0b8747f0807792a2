export interface NewStatement {
  id: string;
  organizationId: string | null;
  accountNumber: string;
  fileName: string;
  format: string;
  firstDate: string | null;
  lastDate: string | null;
  importedBy: string;
  now: string;
}

export async function insertStatement(db: D1Database, statement: NewStatement): Promise<void> {
  await db
    .prepare(
      'INSERT INTO statements (id, organization_id, account_number, file_name, format, first_date, last_date, imported_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)',
    )
    .bind(
      statement.id,
      statement.organizationId,
      statement.accountNumber,
      statement.fileName.slice(0, 200),
      statement.format,
      statement.firstDate,
      statement.lastDate,
      statement.importedBy,
      statement.now,
    )
    .run();
}

export async function saveStatementSummary(db: D1Database, statementId: string, summary: unknown): Promise<void> {
  await db.prepare('UPDATE statements SET summary = ?2 WHERE id = ?1').bind(statementId, JSON.stringify(summary)).run();
}

export function saveStatementDone(db: D1Database, statementId: string, lines: number, summary: unknown): Promise<D1Result> {
  return db
    .prepare("UPDATE statements SET summary = ?2, status = 'done', lines = ?3, processed = ?3 WHERE id = ?1")
    .bind(statementId, JSON.stringify(summary), lines)
    .run();
}

export interface StatementRow {
  id: string;
  organization_id: string | null;
  account_number: string;
  status: 'processing' | 'done' | 'failed';
  lines: number;
  processed: number;
  chunks: number;
  summary: string;
  failure_reason: string | null;
  first_date: string | null;
  last_date: string | null;
}

export function findStatement(db: D1Database, id: string): Promise<StatementRow | null> {
  return db
    .prepare(
      'SELECT id, organization_id, account_number, status, lines, processed, chunks, summary, failure_reason, first_date, last_date FROM statements WHERE id = ?1',
    )
    .bind(id)
    .first<StatementRow>();
}

/** A large statement waiting for the queue: its lines are in R2, none applied yet. */
export async function markStatementProcessing(db: D1Database, id: string, lines: number, chunks: number): Promise<void> {
  await db
    .prepare("UPDATE statements SET status = 'processing', lines = ?2, processed = 0, chunks = ?3 WHERE id = ?1")
    .bind(id, lines, chunks)
    .run();
}

export async function chunkRecorded(db: D1Database, statementId: string, chunk: number): Promise<boolean> {
  return (
    (await db.prepare('SELECT 1 AS one FROM statement_chunks WHERE statement_id = ?1 AND chunk = ?2').bind(statementId, chunk).first()) !==
    null
  );
}

/**
 * Records a chunk once (a retried chunk inserts nothing) and recounts the progress from the
 * chunk rows in the same batch, so the count can never include a chunk twice.
 */
export async function recordChunk(
  db: D1Database,
  statementId: string,
  chunk: number,
  lines: number,
  counts: unknown,
): Promise<{ processed: number; lines: number; status: string } | null> {
  const [, update] = await db.batch([
    db
      .prepare('INSERT OR IGNORE INTO statement_chunks (statement_id, chunk, lines, counts) VALUES (?1, ?2, ?3, ?4)')
      .bind(statementId, chunk, lines, JSON.stringify(counts)),
    db
      .prepare(
        `UPDATE statements SET processed = (SELECT coalesce(sum(lines), 0) FROM statement_chunks WHERE statement_id = ?1)
         WHERE id = ?1 AND status = 'processing' RETURNING processed, lines, status`,
      )
      .bind(statementId),
  ]);
  return (update!.results[0] as { processed: number; lines: number; status: string } | undefined) ?? null;
}

export async function recordChunkRead(db: D1Database, statementId: string) {
  const { results } = await db
    .prepare('SELECT lines, counts FROM statement_chunks WHERE statement_id = ?1')
    .bind(statementId)
    .all<{ lines: number; counts: string }>();
  return results;
}

/** The end of a queued statement: done with its summary, once (a repeat changes nothing). */
export async function finishStatement(db: D1Database, statementId: string, summary: unknown): Promise<void> {
  await db
    .prepare("UPDATE statements SET status = 'done', summary = ?2 WHERE id = ?1 AND status = 'processing'")
    .bind(statementId, JSON.stringify(summary))
    .run();
}

export async function failStatement(db: D1Database, statementId: string, reason: string): Promise<void> {
  await db
    .prepare("UPDATE statements SET status = 'failed', failure_reason = ?2 WHERE id = ?1 AND status = 'processing'")
    .bind(statementId, reason)
    .run();
}

/** What the lines of a retried chunk wrote the first time: their credit rows of this statement and exception types. */
export async function findStatementCreditOutcomes(db: D1Database, accountNumber: string, statementId: string, transactionIds: string[]) {
  const rows: Array<{ transaction_id: string; outcome: string; type: string | null }> = [];
  for (let start = 0; start < transactionIds.length; start += 90) {
    const ids = transactionIds.slice(start, start + 90);
    const { results } = await db
      .prepare(
        `SELECT b.transaction_id, b.outcome, (SELECT e.type FROM payment_exceptions e WHERE e.bank_credit_id = b.id LIMIT 1) AS type
         FROM bank_credits b WHERE b.account_number = ?1 AND b.statement_id = ?2 AND b.transaction_id IN (${ids.map((_, i) => `?${i + 3}`).join(', ')})`,
      )
      .bind(accountNumber, statementId, ...ids)
      .all<{ transaction_id: string; outcome: string; type: string | null }>();
    rows.push(...results);
  }
  return rows;
}

/** One bank credit a statement brought, with what it paid or the exception it became. */
export interface StatementLine {
  creditId: string;
  transactionId: string;
  amount: number;
  description: string;
  bookedAt: string;
  outcome: 'matched' | 'exception';
  payment: { id: string; reference: string; billId: string | null; billCode: string | null; orderId: string | null } | null;
  exception: { id: string; type: string; status: 'open' | 'resolved' } | null;
}

interface StatementLineRow {
  id: string;
  transaction_id: string;
  amount: number;
  description: string;
  booked_at: string;
  outcome: 'matched' | 'exception';
  payment_id: string | null;
  payment_reference: string | null;
  bill_id: string | null;
  bill_code: string | null;
  order_id: string | null;
  exception_id: string | null;
  exception_type: string | null;
  exception_status: 'open' | 'resolved' | null;
}

/**
 * The credits a statement brought, in booking order, a page at a time (a queued statement
 * has up to 100,000). A line the bank had already told us about belongs to the notification
 * or the earlier statement that brought it first, so it is not among these.
 */
export async function listStatementLines(
  db: D1Database,
  statementId: string,
  { limit, after }: { limit: number; after?: { bookedAt: string; id: string } },
): Promise<{ items: StatementLine[]; last: { bookedAt: string; id: string } | null; more: boolean }> {
  const { results } = await db
    .prepare(
      `SELECT b.id, b.transaction_id, b.amount, b.description, b.booked_at, b.outcome, b.payment_id,
              p.reference AS payment_reference, p.bill_id, bl.code AS bill_code, p.order_id,
              e.id AS exception_id, e.type AS exception_type, e.status AS exception_status
       FROM bank_credits b
       LEFT JOIN payments p ON p.id = b.payment_id
       LEFT JOIN bills bl ON bl.id = p.bill_id
       LEFT JOIN payment_exceptions e ON e.id = (SELECT x.id FROM payment_exceptions x WHERE x.bank_credit_id = b.id ORDER BY x.created_at LIMIT 1)
       WHERE b.statement_id = ?1 AND (?2 IS NULL OR b.booked_at > ?2 OR (b.booked_at = ?2 AND b.id > ?3))
       ORDER BY b.booked_at, b.id LIMIT ?4`,
    )
    .bind(statementId, after?.bookedAt ?? null, after?.id ?? null, limit + 1)
    .all<StatementLineRow>();
  const rows = results.slice(0, limit);
  const lastRow = rows.at(-1);
  return {
    items: rows.map((row) => ({
      creditId: row.id,
      transactionId: row.transaction_id,
      amount: row.amount,
      description: row.description,
      bookedAt: row.booked_at,
      outcome: row.outcome,
      payment:
        row.payment_id && row.payment_reference
          ? { id: row.payment_id, reference: row.payment_reference, billId: row.bill_id, billCode: row.bill_code, orderId: row.order_id }
          : null,
      exception:
        row.exception_id && row.exception_type && row.exception_status
          ? { id: row.exception_id, type: row.exception_type, status: row.exception_status }
          : null,
    })),
    last: lastRow ? { bookedAt: lastRow.booked_at, id: lastRow.id } : null,
    more: results.length > limit,
  };
}
