import type { BankCredit } from '../domain/bank-credit';
import { inSlices, list, prepare, rowsWritten, type Sql, sql } from './sql';

/** Of these bank transaction ids, the ones already applied on the account. */
export async function findAppliedTransactionIds(
  db: D1Database,
  accountNumber: string,
  transactionIds: readonly string[],
): Promise<string[]> {
  const rows = await inSlices(
    transactionIds,
    async (slice) =>
      (
        await prepare(
          db,
          sql`SELECT transaction_id FROM bank_credits WHERE account_number = ${accountNumber} AND transaction_id IN (${list(slice)})`,
        ).all<{ transaction_id: string }>()
      ).results,
  );
  return rows.map((row) => row.transaction_id);
}

export async function creditExists(db: D1Database, accountNumber: string, transactionId: string): Promise<boolean> {
  const row = await db
    .prepare('SELECT 1 FROM bank_credits WHERE account_number = ?1 AND transaction_id = ?2')
    .bind(accountNumber, transactionId)
    .first();
  return row !== null;
}

export interface CreditRow {
  id: string;
  credit: BankCredit;
  /** The payment it applies to or concerns, when that payment exists already. */
  paymentId: string | null;
  outcome: 'matched' | 'exception';
  statementId: string | null;
  now: string;
}

/**
 * Records a credit once per account and bank transaction id: the first statement of the
 * credit's batch, and what makes a repeat (or a concurrent twin) write nothing. With
 * `onlyIf`, the credit is recorded only while that still holds (what its effect was decided
 * on), so that the credit and its effect are written together or not at all.
 */
export function insertCreditStatement(db: D1Database, row: CreditRow, onlyIf?: Sql): D1PreparedStatement {
  const { credit } = row;
  return prepare(
    db,
    sql`INSERT INTO bank_credits (id, account_number, transaction_id, amount, description, booked_at, source, payment_id, outcome,
          statement_id, bank_reference, payer_name, payer_account, created_at)
        SELECT ${row.id}, ${credit.accountNumber}, ${credit.transactionId}, ${credit.amount}, ${credit.description}, ${credit.bookedAt},
          ${credit.source}, ${row.paymentId}, ${row.outcome}, ${row.statementId}, ${credit.bankReference ?? null},
          ${credit.payerName ?? null}, ${credit.payerAccount ?? null}, ${row.now}
        WHERE ${onlyIf ?? sql`1 = 1`}
        ON CONFLICT (account_number, transaction_id) DO NOTHING
        RETURNING id`,
  );
}

/** True only in the batch that recorded this credit. */
export const creditRecorded = (creditId: string): Sql => sql`EXISTS (SELECT 1 FROM bank_credits WHERE id = ${creditId})`;

/** Whether the credit's row (the first statement of its part of a batch) was written. */
export const creditWasRecorded = (results: D1Result[]) => rowsWritten(results[0]) === 1;

/** Points a credit at the payment made for it in the same batch (the credit row came first). */
export function linkCreditStatement(db: D1Database, creditId: string, paymentId: string, onlyIf: Sql): D1PreparedStatement {
  return prepare(db, sql`UPDATE bank_credits SET payment_id = ${paymentId} WHERE id = ${creditId} AND ${onlyIf}`);
}

/** Credits confirmed from a bank notification within [start, end) whose payment has no missing_at_bank exception yet. */
export async function findNotifiedCredits(db: D1Database, accountNumber: string, start: string, end: string) {
  const { results } = await db
    .prepare(
      `SELECT b.transaction_id, b.amount, b.booked_at, p.id AS payment_id, p.payee_org_id
       FROM bank_credits b JOIN payments p ON p.id = b.payment_id
       WHERE b.account_number = ?1 AND b.source = 'notification' AND b.outcome = 'matched' AND b.booked_at >= ?2 AND b.booked_at < ?3
         AND NOT EXISTS (SELECT 1 FROM payment_exceptions e WHERE e.payment_id = p.id AND e.type = 'missing_at_bank')`,
    )
    .bind(accountNumber, start, end)
    .all<{ transaction_id: string; amount: number; booked_at: string; payment_id: string; payee_org_id: string | null }>();
  return results;
}
