import type { StatementLine } from '../domain/bank-credit';

export interface DebitsOutcome {
  /** Debits that confirmed money we sent (a seller payout). */
  matched: number;
  /** Debits that named money we sent but did not fit it, kept as exceptions. */
  exceptions: number;
}

/**
 * Money out of an account, from an imported statement. Every statement import calls this
 * once with all its debit lines, after its credits. Debits carry no money of ours in
 * except payouts to sellers, which a debit with the payout's reference confirms.
 */
export async function applyStatementDebits(
  _db: D1Database,
  _input: { accountNumber: string; statementId: string; debits: readonly StatementLine[]; now: string },
): Promise<DebitsOutcome> {
  return { matched: 0, exceptions: 0 };
}
