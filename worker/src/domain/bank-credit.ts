/**
 * The one shape of money arriving on a collection account. Every source of credits is a
 * small adapter onto it: the signed bank notification (routes/webhooks.ts), a statement
 * file (domain/statement-csv.ts), and later aggregators such as SePay, Casso/payOS and
 * VietQR.vn's Transaction Sync, or bank Excel exports. An adapter verifies its source,
 * keeps only money in (SePay's `transferType`, the sign of Casso's `amount`, VietQR.vn's
 * `transType`, a statement's credit column: direction is the adapter's business), and maps
 * the rest onto these fields. From here on one pipeline decides and writes every credit
 * (payments/credits.ts), whatever its source.
 */

/** How a credit reached us; stored with it (`bank_credits.source`). */
export const CREDIT_CHANNELS = ['notification', 'statement'] as const;
export type CreditChannel = (typeof CREDIT_CHANNELS)[number];

/** What a bank or an aggregator tells us about one credit, whatever the account. */
export interface CreditLine {
  /**
   * The source's own id for the transaction, unique on the account: what makes a credit
   * count once however often it arrives (retries, a notice and then a statement).
   */
  transactionId: string;
  /** When the bank booked it, ISO 8601 in UTC, e.g. `2025-06-01T03:15:00.000Z`. */
  bookedAt: string;
  /** Whole đồng, > 0: money in. */
  amount: number;
  /** The transfer description as the bank wrote it ("nội dung chuyển khoản"), where a payment reference may hide. */
  description: string;
  /** The bank's own reference when the source gives one besides its id (SePay `referenceCode`, "Số tham chiếu"). */
  bankReference?: string | null;
  /** Who sent it, when the source says (Casso `counterAccountName`, a statement's payer column). */
  payerName?: string | null;
  payerAccount?: string | null;
}

/** One credit of a statement file: a credit line and the line of the file it came from. */
export interface StatementLine extends CreditLine {
  /** 1-based line of the file where the row starts (a quoted cell may span lines). */
  lineNumber: number;
}

/** One credit on one of our collection accounts, ready to be matched and applied. */
export interface BankCredit extends CreditLine {
  /** The account credited (digits only): whose money it is, and where a payment expected it. */
  accountNumber: string;
  source: CreditChannel;
}

/**
 * Credits as the matcher reads them: numbered in their order (a notification is line 1).
 *
 * @example asStatementLines([credit])[0].lineNumber // 1
 */
export function asStatementLines(credits: readonly BankCredit[]): StatementLine[] {
  return credits.map((credit, index) => ({
    lineNumber: index + 1,
    transactionId: credit.transactionId,
    bookedAt: credit.bookedAt,
    amount: credit.amount,
    description: credit.description,
  }));
}

/**
 * A statement's lines as credits of `accountNumber`.
 *
 * @example statementCredits('0011001234567', lines)[0].source // "statement"
 */
export function statementCredits(accountNumber: string, lines: readonly StatementLine[]): BankCredit[] {
  return lines.map(({ lineNumber: _lineNumber, ...line }) => ({ ...line, accountNumber, source: 'statement' }));
}
