/**
 * Step 4 of applying credits: write each credit and its planned effect, all or nothing
 * together, exactly once. The credit row is unique per account and bank transaction id, so a
 * repeat (or a concurrent twin) writes nothing; a credit that confirms a payment is recorded
 * only while what the plan was decided on still holds (the payment still pending, the bill
 * still open), so its confirmation is certain to apply with it. When that no longer holds
 * the credit writes nothing and comes back `stale`, to be decided again on fresh state:
 * the writer never picks an outcome of its own.
 */
import { creditExists, creditRecorded, creditWasRecorded, insertCreditStatement, linkCreditStatement } from '../db/bank-credits';
import { billIsUnstarted } from '../db/bills';
import { insertAdjustmentStatement } from '../db/days';
import { insertExceptionStatement } from '../db/exceptions';
import { billIsOpen, createPaymentStatements, paymentIsStill, transitionApplied } from '../db/payments';
import { all } from '../db/sql';
import type { BankCredit } from '../domain/bank-credit';
import type { CreditExceptionType } from '../domain/exception-types';
import { newId } from '../domain/tokens';
import { formatVietnamDate, vietnamDate } from '../domain/vietnam-time';
import { confirmStatements } from './confirm';
import { type CreditPlan, keepAsException } from './credit-plan';

export type CreditOutcome =
  | { outcome: 'duplicate' }
  | { outcome: 'matched'; paymentId: string }
  | { outcome: 'exception'; type: CreditExceptionType; exceptionId: string; paymentId: string | null };

export type WriteResult = CreditOutcome | { outcome: 'stale' };

export interface PlannedCredit {
  credit: BankCredit;
  plan: CreditPlan;
}

export interface WriteOptions {
  now: string;
  statementId: string | null;
  /** Whose queue gets a credit whose effect could not be written. */
  ownerId: string | null;
  /** Statements per D1 batch: a few dozen credits per round trip keeps a large statement within D1's per-request limits. */
  statementsPerBatch?: number;
}

const STATEMENTS_PER_BATCH = 400;

interface PreparedCredit {
  statements: D1PreparedStatement[];
  closedDay: string | null;
  /** Reads what happened from this credit's own slice of the batch results. */
  read(results: D1Result[]): Promise<WriteResult>;
}

/**
 * Writes planned credits in order, many to a batch. If a batch fails (one credit's
 * statements hit a constraint, say an order whose stock is gone), its credits are written
 * one by one, so the others still land; the one that fails keeps its money as an exception.
 */
export async function writeCredits(db: D1Database, planned: readonly PlannedCredit[], options: WriteOptions): Promise<WriteResult[]> {
  const limit = options.statementsPerBatch ?? STATEMENTS_PER_BATCH;
  const results: WriteResult[] = [];
  let chunk: Array<{ credit: BankCredit; prepared: PreparedCredit }> = [];
  let chunkSize = 0;

  const flush = async () => {
    if (chunk.length === 0) return;
    const pending = chunk;
    chunk = [];
    chunkSize = 0;
    let batch: D1Result[] | null = null;
    try {
      batch = await db.batch(pending.flatMap(({ prepared }) => prepared.statements));
    } catch {
      // Written one by one below, so the others still land and the failing one reports itself.
    }
    let offset = 0;
    for (const { credit, prepared } of pending) {
      if (batch) {
        results.push(await prepared.read(batch.slice(offset, offset + prepared.statements.length)));
        offset += prepared.statements.length;
        continue;
      }
      try {
        results.push(await prepared.read(await db.batch(prepared.statements)));
      } catch (error) {
        // Its effect cannot be written as planned: the money is kept as an exception.
        const closedDay = prepared.closedDay;
        const fallback = await prepareCredit(db, credit, keepAsException(credit, options.ownerId, String(error), closedDay), options);
        results.push(await fallback.read(await db.batch(fallback.statements)));
      }
    }
  };

  for (const { credit, plan } of planned) {
    const prepared = await prepareCredit(db, credit, plan, options);
    if (prepared.statements.length === 0) {
      // Nothing to write: its answer must still come in order.
      await flush();
      results.push(await prepared.read([]));
      continue;
    }
    chunk.push({ credit, prepared });
    chunkSize += prepared.statements.length;
    if (chunkSize >= limit) await flush();
  }
  await flush();
  return results;
}

/** The statements of one credit and its effect, and how to read what they did. */
async function prepareCredit(db: D1Database, credit: BankCredit, plan: CreditPlan, options: WriteOptions): Promise<PreparedCredit> {
  if (plan.kind === 'duplicate') return { statements: [], closedDay: null, read: async () => ({ outcome: 'duplicate' }) };
  const { now, statementId } = options;
  const creditId = newId('bcr');
  const recorded = creditRecorded(creditId);
  const today = vietnamDate(new Date(now));
  const { closedDay } = plan;
  /** A credit booked on a closed day is an adjustment of today: the closed day stays as it was frozen. */
  const adjustment = (link: { paymentId: string | null; exceptionId: string | null }) =>
    closedDay === null
      ? []
      : [
          insertAdjustmentStatement(
            db,
            {
              accountNumber: credit.accountNumber,
              date: today,
              affectsDate: closedDay,
              ...link,
              amount: credit.amount,
              reason: `Tiền vào ngày ${formatVietnamDate(closedDay)} (đã chốt sổ), ghi nhận vào ngày xử lý`,
              createdBy: null,
              now,
            },
            recorded,
          ),
        ];

  if (plan.kind === 'exception') {
    const exceptionId = newId('exc');
    const paymentId = plan.payment?.id ?? null;
    return {
      statements: [
        insertCreditStatement(db, { id: creditId, credit, paymentId, outcome: 'exception', statementId, now }),
        insertExceptionStatement(
          db,
          {
            id: exceptionId,
            type: plan.type,
            organizationId: plan.organizationId,
            bankCreditId: creditId,
            paymentId,
            amount: credit.amount,
            expectedAmount: plan.expected,
            details: closedDay === null ? plan.details : { ...plan.details, bookedOnClosedDay: closedDay },
            accountNumber: credit.accountNumber,
            // The day it is reconciled in: a closed day's queue is done with.
            bookedDate: closedDay === null ? vietnamDate(new Date(credit.bookedAt)) : today,
            statementId,
            now,
          },
          recorded,
        ),
        ...adjustment({ paymentId, exceptionId }),
      ],
      closedDay,
      read: async (results) =>
        creditWasRecorded(results) ? { outcome: 'exception', type: plan.type, exceptionId, paymentId } : { outcome: 'duplicate' },
    };
  }

  const { payment } = plan;
  // What the plan was decided on; the confirmation below needs exactly this, so when the
  // credit row is written its confirmation applies too.
  const stillTrue = plan.isNew
    ? billIsUnstarted(payment.billId!)
    : all([paymentIsStill(payment.id, payment.status), ...(payment.billId ? [billIsOpen(payment.billId)] : [])]);
  const creation = plan.isNew
    ? createPaymentStatements(db, payment, {
        source: 'bank',
        sourceRef: credit.transactionId,
        data: plan.details,
        now,
        onlyIf: recorded,
      })
    : null;
  const statements = [
    insertCreditStatement(
      db,
      { id: creditId, credit, paymentId: plan.isNew ? null : payment.id, outcome: 'matched', statementId, now },
      stillTrue,
    ),
    // The credit row came before its payment existed: linked once the payment is written.
    ...(creation ? [...creation.statements, linkCreditStatement(db, creditId, payment.id, creation.created)] : []),
  ];
  const confirmIndex = statements.length;
  const confirm = await confirmStatements(db, payment, {
    event: 'confirm',
    source: 'bank',
    sourceRef: credit.transactionId,
    now,
    receivedAt: credit.bookedAt,
    condition: recorded,
    data: { accountNumber: credit.accountNumber, amount: credit.amount, bookedAt: credit.bookedAt, source: credit.source },
  });
  return {
    statements: [...statements, ...confirm.statements, ...adjustment({ paymentId: payment.id, exceptionId: null })],
    closedDay,
    read: async (results) => {
      if (creditWasRecorded(results)) {
        if (!transitionApplied(results, confirmIndex)) {
          // Cannot happen: the credit row needs what the confirmation needs, in the same batch.
          throw new Error(`credit ${credit.transactionId} was recorded but its confirmation did not apply`);
        }
        return { outcome: 'matched', paymentId: payment.id };
      }
      // Not written: either it was applied before, or its plan no longer holds.
      return (await creditExists(db, credit.accountNumber, credit.transactionId)) ? { outcome: 'duplicate' } : { outcome: 'stale' };
    },
  };
}
