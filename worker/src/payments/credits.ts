/**
 * Applying bank credits, whatever their source: a signed notification is a statement of one
 * line, a statement import sends thousands. One pipeline for both:
 *
 *   source → BankCredit → load (credit-load.ts) → matcher decision (domain/statement-matcher.ts)
 *          → plan (credit-plan.ts) → write (credit-write.ts) → ledger and events
 *
 * A credit whose plan no longer holds when it is written (a sweep expired its payment,
 * another credit paid its bill) writes nothing and is decided again on fresh state.
 */
import type { BankCredit } from '../domain/bank-credit';
import { matchStatement } from '../domain/statement-matcher';
import { loadCredits } from './credit-load';
import { keepAsException, planCredit } from './credit-plan';
import { type CreditOutcome, writeCredits } from './credit-write';

export type { CreditOutcome } from './credit-write';

/** How many times a credit is decided again when what it was decided on keeps changing. */
const MAX_ROUNDS = 3;

/** Applies credits of one account exactly once each; one outcome per credit, in their order. */
export async function applyBankCredits(
  db: D1Database,
  accountNumber: string,
  credits: readonly BankCredit[],
  now: string,
  statementId: string | null = null,
): Promise<CreditOutcome[]> {
  const outcomes: CreditOutcome[] = new Array(credits.length);
  let pending = credits.map((credit, index) => ({ credit, index }));
  for (let round = 1; pending.length > 0; round++) {
    const context = await loadCredits(
      db,
      accountNumber,
      pending.map((item) => item.credit),
    );
    const { decisions } = matchStatement(context.lines, context.state, context.references, context.billCodes);
    const planned = pending.map(({ credit }, i) => ({
      credit,
      plan:
        round <= MAX_ROUNDS
          ? planCredit(decisions[i]!, credit, i, context, now)
          : keepAsException(credit, context.ownerId, 'what it matched kept changing while it was written'),
    }));
    const results = await writeCredits(db, planned, { now, statementId, ownerId: context.ownerId });
    const stale: typeof pending = [];
    results.forEach((result, i) => {
      if (result.outcome === 'stale') stale.push(pending[i]!);
      else outcomes[pending[i]!.index] = result;
    });
    pending = stale;
  }
  return outcomes;
}

/** One bank notification: the same decision and writing as a one-line statement. */
export async function applyBankCredit(db: D1Database, credit: BankCredit, now: string): Promise<CreditOutcome> {
  const [outcome] = await applyBankCredits(db, credit.accountNumber, [credit], now);
  return outcome!;
}
