import {
  findOverduePayouts,
  findPayoutsByReferences,
  insertPayoutDebitStatement,
  insertPayoutExceptionStatement,
  type Payout,
  preparePayoutTransition,
} from '../db/payouts';
import { rowsWritten, sql } from '../db/sql';
import type { StatementLine } from '../domain/bank-credit';
import { paidJournal } from '../domain/payout-ledger';
import { findPayoutReferences } from '../domain/reference-search';
import { vietnamDate } from '../domain/vietnam-time';

export interface DebitsOutcome {
  /** Debits that confirmed money we sent (a seller payout). */
  matched: number;
  /** Debits that named money we sent but did not fit it, kept as exceptions. */
  exceptions: number;
}

/** Debits written a few to a batch: each is at most six statements. */
const DEBITS_PER_BATCH = 20;

/**
 * How a debit line is known again when the same statement (or an overlapping one) is imported
 * once more: the bank's transaction id, or, as banks number debits less reliably than
 * credits, its date, amount and description together.
 */
function debitKey(line: StatementLine): string {
  return line.transactionId ? `id:${line.transactionId}` : `line:${line.bookedAt}|${line.amount}|${line.description}`;
}

type Decision =
  | { kind: 'confirm'; payout: Payout }
  | { kind: 'exception'; payout: Payout; type: 'amount_mismatch' | 'duplicate_payment' | 'unknown_reference'; reason: string };

/** What one debit means, from the payout its reference names (tried in the search's order). */
function decide(line: StatementLine, accountNumber: string, byReference: ReadonlyMap<string, Payout>): Decision | null {
  const payout = findPayoutReferences(line.description)
    .map((reference) => byReference.get(reference))
    .find((candidate) => candidate !== undefined && candidate.sourceAccountNo === accountNumber);
  // No payout reference of ours: some other money out (bank fees, a refund transfer), not a payout.
  if (!payout) return null;
  if (payout.status === 'approved') {
    return payout.amount === line.amount
      ? { kind: 'confirm', payout }
      : { kind: 'exception', payout, type: 'amount_mismatch', reason: 'payout debit of a different amount' };
  }
  if (payout.status === 'paid') return { kind: 'exception', payout, type: 'duplicate_payment', reason: 'a second debit for a paid payout' };
  return { kind: 'exception', payout, type: 'unknown_reference', reason: `debit for a payout that is ${payout.status}, not approved` };
}

/**
 * Money out of an account, from an imported statement. Every statement import calls this
 * once with all its debit lines, after its credits. Debits carry no money of ours in
 * except payouts to sellers: a debit whose description carries an approved payout's
 * reference (found as tolerantly as credits' references) and its amount confirms it, with
 * its event and ledger journal in the debit's batch. Each line is recorded once
 * (payout_debits), so importing a statement again confirms and files nothing twice.
 */
export async function applyStatementDebits(
  db: D1Database,
  input: { accountNumber: string; statementId: string; debits: readonly StatementLine[]; now: string },
): Promise<DebitsOutcome> {
  const { accountNumber, statementId, now } = input;
  const references = [...new Set(input.debits.flatMap((line) => findPayoutReferences(line.description)))];
  if (references.length === 0) return { matched: 0, exceptions: 0 };
  const byReference = new Map((await findPayoutsByReferences(db, references)).map((payout) => [payout.reference, payout]));
  const outcome: DebitsOutcome = { matched: 0, exceptions: 0 };
  const work: Array<{ line: StatementLine; decision: Decision }> = [];
  for (const line of input.debits) {
    const decision = decide(line, accountNumber, byReference);
    if (decision) work.push({ line, decision });
  }
  for (let start = 0; start < work.length; start += DEBITS_PER_BATCH) {
    const slice = work.slice(start, start + DEBITS_PER_BATCH);
    const firsts: number[] = [];
    const statements: D1PreparedStatement[] = [];
    // Two lines of one file for one payout: only the first can confirm it.
    const seen = new Set<string>();
    for (const { line, decision } of slice) {
      const repeated = decision.kind === 'confirm' && seen.has(decision.payout.id);
      seen.add(decision.payout.id);
      const effective: Decision = repeated
        ? { kind: 'exception', payout: decision.payout, type: 'duplicate_payment', reason: 'a second debit for a paid payout' }
        : decision;
      const debit = insertPayoutDebitStatement(db, {
        accountNumber,
        debitKey: debitKey(line),
        payoutId: effective.payout.id,
        amount: line.amount,
        description: line.description,
        bookedAt: line.bookedAt,
        outcome: effective.kind === 'confirm' ? 'confirmed' : 'exception',
        statementId,
        now,
      });
      firsts.push(statements.length);
      statements.push(debit.statement);
      if (effective.kind === 'confirm') {
        const change = preparePayoutTransition(db, effective.payout, 'confirm', {
          source: 'bank',
          actorId: null,
          data: { statementId, transactionId: line.transactionId, bookedAt: line.bookedAt },
          now,
          set: { paid_at: line.bookedAt },
          condition: debit.applied,
          ledger: paidJournal(effective.payout.organizationId, effective.payout.amount),
        });
        statements.push(...change.statements);
      } else {
        statements.push(
          insertPayoutExceptionStatement(
            db,
            {
              type: effective.type,
              payoutId: effective.payout.id,
              amount: line.amount,
              expectedAmount: effective.payout.amount,
              accountNumber,
              bookedDate: vietnamDate(new Date(line.bookedAt)),
              statementId,
              details: {
                payoutReference: effective.payout.reference,
                organizationId: effective.payout.organizationId,
                transactionId: line.transactionId,
                description: line.description,
                reason: effective.reason,
              },
              now,
            },
            debit.applied,
          ),
        );
      }
    }
    const results = await db.batch(statements);
    slice.forEach((_item, index) => {
      const first = firsts[index]!;
      if (rowsWritten(results[first]) === 0) return;
      if (slice[index]!.decision.kind === 'confirm' && rowsWritten(results[first + 1]) === 1) outcome.matched += 1;
      else outcome.exceptions += 1;
    });
  }
  return outcome;
}

/**
 * Approved payouts whose debit has not shown on any statement `confirmDays` after approval
 * become a `missing_at_bank` exception, once each. Run by the Cron Trigger (scheduled.ts).
 */
export async function flagOverduePayouts(db: D1Database, now: string, confirmDays: number): Promise<number> {
  const approvedBefore = new Date(Date.parse(now) - confirmDays * 86_400_000).toISOString();
  const overdue = await findOverduePayouts(db, approvedBefore, 50);
  if (overdue.length === 0) return 0;
  await db.batch(
    overdue.map((payout) =>
      insertPayoutExceptionStatement(
        db,
        {
          type: 'missing_at_bank',
          payoutId: payout.id,
          amount: payout.amount,
          expectedAmount: payout.amount,
          accountNumber: payout.sourceAccountNo,
          bookedDate: vietnamDate(new Date(now)),
          details: {
            payoutReference: payout.reference,
            organizationId: payout.organizationId,
            reason: `approved payout with no statement debit after ${confirmDays} days`,
          },
          now,
        },
        sql`NOT EXISTS (SELECT 1 FROM payment_exceptions WHERE payout_id = ${payout.id} AND type = 'missing_at_bank')`,
      ),
    ),
  );
  return overdue.length;
}
