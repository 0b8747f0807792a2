import { EXCEPTION_TYPES, zeroCounts } from '../domain/exception-types';
import type { ParsedStatement } from '../domain/statement-csv';
import { newId } from '../domain/tokens';
import { vietnamDayBounds } from '../domain/vietnam-time';
import { applyBankCredits } from '../payments/credits';

export interface ImportSummary {
  statementId: string;
  lines: number;
  credits: number;
  matched: number;
  alreadyConfirmed: number;
  exceptions: Record<string, number>;
}

/**
 * Imports a parsed statement: every credit goes through the same decision and the same
 * exactly-once writing as a bank notification. Then, the other way round, every payment we
 * confirmed from a notification on this account within the statement's dates must have its
 * line in the statement; one that has not is `missing_at_bank`.
 */
export async function importStatement(
  db: D1Database,
  input: {
    accountNumber: string;
    organizationId: string | null;
    fileName: string;
    parsed: ParsedStatement;
    importedBy: string;
    now: string;
  },
): Promise<ImportSummary> {
  const { accountNumber, parsed, now } = input;
  const statementId = newId('stm');
  await db
    .prepare(
      'INSERT INTO statements (id, organization_id, account_number, file_name, format, first_date, last_date, imported_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)',
    )
    .bind(
      statementId,
      input.organizationId,
      accountNumber,
      input.fileName.slice(0, 200),
      parsed.format,
      parsed.firstDate,
      parsed.lastDate,
      input.importedBy,
      now,
    )
    .run();
  const outcomes = await applyBankCredits(
    db,
    accountNumber,
    parsed.credits.map((line) => ({
      accountNumber,
      transactionId: line.transactionId,
      amount: line.amount,
      description: line.description,
      bookedAt: line.bookedAt,
      source: 'statement' as const,
    })),
    now,
    statementId,
  );
  const exceptions: Record<string, number> = zeroCounts(EXCEPTION_TYPES);
  let matched = 0;
  let alreadyConfirmed = 0;
  for (const outcome of outcomes) {
    if (outcome.outcome === 'matched') matched += 1;
    else if (outcome.outcome === 'duplicate') alreadyConfirmed += 1;
    else exceptions[outcome.type] = (exceptions[outcome.type] ?? 0) + 1;
  }
  exceptions.missing_at_bank = await flagMissingAtBank(db, accountNumber, parsed, statementId, now);
  const summary: ImportSummary = {
    statementId,
    lines: parsed.credits.length + parsed.debitsSkipped,
    credits: parsed.credits.length,
    matched,
    alreadyConfirmed,
    exceptions,
  };
  await db.prepare('UPDATE statements SET summary = ?2 WHERE id = ?1').bind(statementId, JSON.stringify(summary)).run();
  return summary;
}

async function flagMissingAtBank(
  db: D1Database,
  accountNumber: string,
  parsed: ParsedStatement,
  statementId: string,
  now: string,
): Promise<number> {
  if (!parsed.firstDate || !parsed.lastDate) return 0;
  const { start } = vietnamDayBounds(parsed.firstDate);
  const { end } = vietnamDayBounds(parsed.lastDate);
  const inFile = new Set(parsed.credits.map((line) => line.transactionId));
  const { results } = await db
    .prepare(
      `SELECT b.transaction_id, b.amount, b.booked_at, p.id AS payment_id, p.payee_org_id
       FROM bank_credits b JOIN payments p ON p.id = b.payment_id
       WHERE b.account_number = ?1 AND b.source = 'notification' AND b.outcome = 'matched' AND b.booked_at >= ?2 AND b.booked_at < ?3
         AND NOT EXISTS (SELECT 1 FROM payment_exceptions e WHERE e.payment_id = p.id AND e.type = 'missing_at_bank')`,
    )
    .bind(accountNumber, start, end)
    .all<{ transaction_id: string; amount: number; booked_at: string; payment_id: string; payee_org_id: string | null }>();
  const missing = results.filter((row) => !inFile.has(row.transaction_id));
  if (missing.length === 0) return 0;
  await db.batch(
    missing.map((row) =>
      db
        .prepare(
          `INSERT INTO payment_exceptions (id, type, organization_id, payment_id, amount, expected_amount, details, account_number, booked_date, statement_id, created_at)
           VALUES (?1, 'missing_at_bank', ?2, ?3, ?4, ?4, ?5, ?6, date(?7, '+7 hours'), ?8, ?9)`,
        )
        .bind(
          newId('exc'),
          row.payee_org_id,
          row.payment_id,
          row.amount,
          JSON.stringify({ transactionId: row.transaction_id, reason: 'notified by the bank but not on its statement' }),
          accountNumber,
          row.booked_at,
          statementId,
          now,
        ),
    ),
  );
  return missing.length;
}
