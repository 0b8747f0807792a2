import { findNotifiedCredits } from '../db/bank-credits';
import { insertExceptionStatement } from '../db/exceptions';
import { insertStatement, saveStatementDone } from '../db/statements';
import { statementCredits } from '../domain/bank-credit';
import { EXCEPTION_TYPES, zeroCounts } from '../domain/exception-types';
import { groupDigits } from '../domain/money';
import { looksLikeXls, looksLikeXlsx } from '../domain/spreadsheet';
import { type ParsedStatement, parseStatementCsv, StatementFormatError } from '../domain/statement-csv';
import { parseStatementXlsx } from '../domain/statement-xlsx';
import { newId } from '../domain/tokens';
import { vietnamDate, vietnamDayBounds } from '../domain/vietnam-time';
import { ApiError } from '../errors';
import { applyBankCredits, type CreditOutcome } from '../payments/credits';
import { applyStatementDebits } from './statement-debits';

/** A checked, parsed statement upload: what both the import at once and the queue take. */
export interface StatementImportInput {
  accountNumber: string;
  organizationId: string | null;
  fileName: string;
  parsed: ParsedStatement;
  importedBy: string;
  now: string;
}

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
export async function importStatement(db: D1Database, input: StatementImportInput): Promise<ImportSummary> {
  const { accountNumber, parsed, now } = input;
  const statementId = newId('stm');
  await insertStatement(db, {
    id: statementId,
    organizationId: input.organizationId,
    accountNumber,
    fileName: input.fileName,
    format: parsed.format,
    firstDate: parsed.firstDate,
    lastDate: parsed.lastDate,
    importedBy: input.importedBy,
    now,
  });
  const outcomes = await applyBankCredits(db, accountNumber, statementCredits(accountNumber, parsed.credits), now, statementId);
  const { matched, alreadyConfirmed, exceptions } = countOutcomes(outcomes);
  exceptions.missing_at_bank = await flagMissingAtBank(db, accountNumber, parsed, statementId, now);
  await applyStatementDebits(db, { accountNumber, statementId, debits: parsed.debits, now });
  const summary: ImportSummary = {
    statementId,
    lines: parsed.credits.length + parsed.debits.length,
    credits: parsed.credits.length,
    matched,
    alreadyConfirmed,
    exceptions,
  };
  await saveStatementDone(db, statementId, summary.lines, summary);
  return summary;
}

export interface OutcomeCounts {
  matched: number;
  alreadyConfirmed: number;
  exceptions: Record<string, number>;
}

/** What the credits of a statement (or of one of its chunks) came to. */
export function countOutcomes(outcomes: readonly CreditOutcome[]): OutcomeCounts {
  const exceptions: Record<string, number> = zeroCounts(EXCEPTION_TYPES);
  let matched = 0;
  let alreadyConfirmed = 0;
  for (const outcome of outcomes) {
    if (outcome.outcome === 'matched') matched += 1;
    else if (outcome.outcome === 'duplicate') alreadyConfirmed += 1;
    else exceptions[outcome.type] = (exceptions[outcome.type] ?? 0) + 1;
  }
  return { matched, alreadyConfirmed, exceptions };
}

export async function flagMissingAtBank(
  db: D1Database,
  accountNumber: string,
  parsed: { firstDate: string | null; lastDate: string | null; credits: ReadonlyArray<{ transactionId: string }> },
  statementId: string,
  now: string,
): Promise<number> {
  if (!parsed.firstDate || !parsed.lastDate) return 0;
  const { start } = vietnamDayBounds(parsed.firstDate);
  const { end } = vietnamDayBounds(parsed.lastDate);
  const inFile = new Set(parsed.credits.map((line) => line.transactionId));
  const missing = (await findNotifiedCredits(db, accountNumber, start, end)).filter((row) => !inFile.has(row.transaction_id));
  if (missing.length === 0) return 0;
  await db.batch(
    missing.map((row) =>
      insertExceptionStatement(db, {
        type: 'missing_at_bank',
        organizationId: row.payee_org_id,
        paymentId: row.payment_id,
        amount: row.amount,
        expectedAmount: row.amount,
        details: { transactionId: row.transaction_id, reason: 'notified by the bank but not on its statement' },
        accountNumber,
        bookedDate: vietnamDate(new Date(row.booked_at)),
        statementId,
        now,
      }),
    ),
  );
  return missing.length;
}

/**
 * What one upload may hold. A statement is read and checked whole in the request; up to
 * `inlineLines` lines it is applied there and then (about 250 of D1's 1,000 queries per
 * invocation for 5,000 lines). A larger one is stored in R2 in chunks and applied by the
 * statement queue (statement-queue.ts), a chunk per message, with its progress on the statement.
 */
export const STATEMENT_LIMITS = {
  lines: 100_000,
  bytes: 16 * 1024 * 1024,
  inlineLines: 5_000,
  xlsxRows: 10_000,
  xlsxBytes: 4 * 1024 * 1024,
} as const;

/** Lines applied in the request; more go to the queue. A test may lower it with the STATEMENT_INLINE_LINES variable. */
export function inlineStatementLines(env: Env): number {
  const set = Number((env as { STATEMENT_INLINE_LINES?: string }).STATEMENT_INLINE_LINES);
  return Number.isInteger(set) && set > 0 ? set : STATEMENT_LIMITS.inlineLines;
}

/** The 413 that says how to split a statement that is too large. */
export function statementTooLarge(lines?: number): ApiError {
  const found = lines === undefined ? '' : ` (tệp có ${groupDigits(lines)} dòng)`;
  return new ApiError(
    413,
    'statement_too_large',
    `Tệp sao kê quá lớn${found}: mỗi lần chỉ nhập được tối đa ${groupDigits(STATEMENT_LIMITS.lines)} dòng và 16 MB. ` +
      'Hãy xuất sao kê theo từng khoảng ngày ngắn hơn (ví dụ từng tuần hoặc từng ngày) rồi nhập lần lượt từng tệp; ' +
      'chưa có dòng nào được ghi, và các dòng đã nhập trước đó sẽ không bị tính hai lần.',
    [{ path: 'file', message: `Tối đa ${groupDigits(STATEMENT_LIMITS.lines)} dòng và 16 MB mỗi tệp` }],
  );
}

/** The two fields of a statement upload (multipart/form-data), checked. */
export function statementUpload(form: { file?: unknown; accountNumber?: unknown }): { file: File; accountNumber: string } {
  const accountNumber = typeof form.accountNumber === 'string' ? form.accountNumber.trim() : '';
  const accountOk = /^\d{1,19}$/.test(accountNumber);
  if (!(form.file instanceof File) || !accountOk) {
    throw new ApiError(
      400,
      'validation_failed',
      'Hãy đính kèm tệp sao kê (trường `file`) và ghi số tài khoản của sao kê (trường `accountNumber`)',
      [
        ...(form.file instanceof File ? [] : [{ path: 'file', message: 'Bắt buộc: tệp sao kê CSV hoặc Excel (.xlsx)' }]),
        ...(accountOk ? [] : [{ path: 'accountNumber', message: 'Chỉ gồm chữ số, tối đa 19 số' }]),
      ],
    );
  }
  return { file: form.file, accountNumber };
}

/** A statement file (CSV or a bank's `.xlsx`) read whole, or a 400 naming the line and what is wrong with it: nothing is imported then. */
export async function readStatementFile(file: File, accountNumber: string): Promise<ParsedStatement> {
  if (file.size > STATEMENT_LIMITS.bytes) throw statementTooLarge();
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const parsed =
      looksLikeXlsx(bytes) || looksLikeXls(bytes)
        ? // A workbook is read whole in memory (docs/spreadsheets.md): 10,000 rows stay well within
          // a Worker's 128 MB; a larger statement is exported by shorter date ranges, or as CSV.
          await parseStatementXlsx(bytes, { accountNumber, maxRows: STATEMENT_LIMITS.xlsxRows, maxBytes: STATEMENT_LIMITS.xlsxBytes })
        : parseStatementCsv(new TextDecoder().decode(bytes));
    const lines = parsed.credits.length + parsed.debits.length;
    if (lines > STATEMENT_LIMITS.lines) throw statementTooLarge(lines);
    return parsed;
  } catch (error) {
    if (!(error instanceof StatementFormatError)) throw error;
    throw new ApiError(400, 'invalid_statement', 'Sao kê chưa được nhập, không dòng nào được ghi: hãy sửa tệp rồi tải lên lại', [
      { path: error.lineNumber === null ? 'file' : `line ${error.lineNumber}`, message: error.message },
    ]);
  }
}
