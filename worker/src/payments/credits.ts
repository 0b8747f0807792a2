import { findPayment, type Payment, rowToPayment } from '../db/payments';
import { newPaymentReference } from '../domain/codes';
import type { ExceptionType } from '../domain/exception-types';
import { findPaymentReferences } from '../domain/reference-search';
import type { StatementLine } from '../domain/statement-csv';
import { type KnownPayment, type LineDecision, type MatcherState, matchStatement, type OpenTarget } from '../domain/statement-matcher';
import { newId } from '../domain/tokens';
import { vietnamDate } from '../domain/vietnam-time';
import { confirmStatements } from './apply';

/** One credit on a collection account, whatever its source (bank notice or statement line). */
export interface BankCredit {
  accountNumber: string;
  transactionId: string;
  amount: number;
  description: string;
  bookedAt: string;
  source: 'notification' | 'statement';
}

export type CreditOutcome =
  | { outcome: 'duplicate' }
  | { outcome: 'matched'; paymentId: string }
  | { outcome: 'exception'; type: ExceptionType; exceptionId: string; paymentId: string | null };

/** D1 allows 100 bound parameters a statement: look-ups by list go in slices. */
const IN_LIST = 90;

async function inChunks<T>(values: string[], query: (slice: string[], placeholders: string) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let start = 0; start < values.length; start += IN_LIST) {
    const slice = values.slice(start, start + IN_LIST);
    rows.push(...(await query(slice, slice.map((_, i) => `?${i + 1}`).join(', '))));
  }
  return rows;
}

interface StallRow {
  id: string;
  code: string;
  reference: string;
  board_id: string;
  bank_bin: string;
  bank_account_no: string;
  bank_account_name: string;
}

/** A plan for one credit: what to write, decided before anything is written. */
type Plan =
  | { kind: 'duplicate' }
  | { kind: 'confirm'; payment: Payment; newPayment: boolean; organizationId: string | null; details: Record<string, unknown> }
  | {
      kind: 'exception';
      type: ExceptionType;
      payment: Payment | null;
      expected: number | null;
      organizationId: string | null;
      details: Record<string, unknown>;
    };

/**
 * Applies credits of one account exactly once each, whether they come one at a time from
 * a bank notification or by the thousand from a statement. The decision for every line is
 * the pure matcher's (domain/statement-matcher.ts), over state loaded here; a stall's
 * static-QR reference is resolved to the stall's oldest open bill. Each credit is then
 * written in its own batch, together with its effect: the credit row is unique per account
 * and bank transaction id, so a repeat (or a concurrent twin) writes nothing.
 */
export async function applyBankCredits(
  db: D1Database,
  accountNumber: string,
  credits: BankCredit[],
  now: string,
  statementId: string | null = null,
): Promise<CreditOutcome[]> {
  const lines: StatementLine[] = credits.map((credit, index) => ({
    lineNumber: index + 1,
    transactionId: credit.transactionId,
    bookedAt: credit.bookedAt,
    amount: credit.amount,
    description: credit.description,
  }));
  const referencesByLine = lines.map((line) => findPaymentReferences(line.description));
  const allReferences = [...new Set(referencesByLine.flat())];

  const [confirmed, payments, stalls, owner] = await Promise.all([
    inChunks(
      lines.map((line) => line.transactionId),
      async (slice, marks) =>
        (
          await db
            .prepare(`SELECT transaction_id FROM bank_credits WHERE account_number = ?${slice.length + 1} AND transaction_id IN (${marks})`)
            .bind(...slice, accountNumber)
            .all<{ transaction_id: string }>()
        ).results,
    ),
    inChunks(
      allReferences,
      async (slice, marks) =>
        (
          await db
            .prepare(`SELECT * FROM payments WHERE reference IN (${marks})`)
            .bind(...slice)
            .all<Record<string, unknown>>()
        ).results,
    ),
    inChunks(
      allReferences,
      async (slice, marks) =>
        (
          await db
            .prepare(
              `SELECT s.id, s.code, s.reference, m.board_id, o.bank_bin, o.bank_account_no, o.bank_account_name
               FROM stalls s JOIN markets m ON m.id = s.market_id JOIN organizations o ON o.id = m.board_id WHERE s.reference IN (${marks})`,
            )
            .bind(...slice)
            .all<StallRow>()
        ).results,
    ),
    db.prepare('SELECT id FROM organizations WHERE bank_account_no = ?1 LIMIT 1').bind(accountNumber).first<{ id: string }>(),
  ]);
  const paymentRows = new Map(
    payments
      .map((row) => rowToPayment(row as unknown as Parameters<typeof rowToPayment>[0]))
      .map((p): [string, Payment] => [p.reference, p]),
  );
  const stallsByReference = new Map(stalls.map((stall) => [stall.reference, stall]));
  const state: MatcherState = {
    accountNumber,
    confirmedTransactionIds: new Set(confirmed.map((row) => row.transaction_id)),
    paymentsByReference: new Map(
      [...paymentRows.values()].map((p): [string, KnownPayment] => [
        p.reference,
        {
          id: p.id,
          reference: p.reference,
          amount: p.amount,
          status: p.status,
          expiresAt: p.expiresAt,
          payeeAccountNo: p.payeeAccountNo,
          billId: p.billId,
          orderId: p.orderId,
        },
      ]),
    ),
    openTargets: await openTargets(db, accountNumber, owner?.id ?? null),
  };

  // Lines naming a stall (and no payment of ours) pay the stall's oldest open bill instead.
  const stallLines = new Map<number, StallRow>();
  referencesByLine.forEach((references, index) => {
    if (references.some((reference) => paymentRows.has(reference))) return;
    const stall = references.map((reference) => stallsByReference.get(reference)).find(Boolean);
    if (stall && !state.confirmedTransactionIds.has(lines[index]!.transactionId)) stallLines.set(index, stall);
  });
  const { decisions } = matchStatement(lines, state);

  const byId = new Map([...paymentRows.values()].map((p) => [p.id, p]));
  const outcomes: CreditOutcome[] = [];
  let pending: Array<{ credit: BankCredit; prepared: PreparedCredit }> = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const chunk = pending;
    pending = [];
    let results: D1Result[] | null = null;
    try {
      results = await db.batch(chunk.flatMap(({ prepared }) => prepared.statements));
    } catch {
      // One credit's statements failed (a constraint hit by a concurrent change): write
      // them one by one, so the others still land and the failing one reports itself.
    }
    let offset = 0;
    for (const { credit, prepared } of chunk) {
      if (results) {
        outcomes.push(await prepared.outcome(results.slice(offset, offset + prepared.statements.length)));
        offset += prepared.statements.length;
        continue;
      }
      try {
        outcomes.push(await prepared.outcome(await db.batch(prepared.statements)));
      } catch (error) {
        // Its effect cannot be written as planned: the money is kept as an exception.
        const fallback = await prepareCredit(
          db,
          credit,
          {
            kind: 'exception',
            type: 'unmatched_credit',
            payment: null,
            expected: null,
            organizationId: ownerId,
            details: { transactionId: credit.transactionId, description: credit.description, reason: String(error) },
          },
          now,
          statementId,
        );
        outcomes.push(await fallback.outcome(await db.batch(fallback.statements)));
      }
    }
  };
  const ownerId = owner?.id ?? null;
  for (const [index, credit] of credits.entries()) {
    const stall = stallLines.get(index);
    // These plans read bills that earlier credits may be paying: write those first.
    if (stall || decisions[index]!.kind === 'matched_target') await flush();
    const plan = stall
      ? await stallPlan(db, stall, credit, now)
      : await decisionPlan(db, decisions[index]!, credit, byId, ownerId, referencesByLine[index]!);
    const prepared = await prepareCredit(db, credit, plan, now, statementId);
    if (prepared.statements.length === 0) {
      await flush();
      outcomes.push(await prepared.outcome([]));
      continue;
    }
    pending.push({ credit, prepared });
    // A few dozen credits per round trip keeps a large statement within D1's per-request limits.
    if (pending.reduce((n, p) => n + p.prepared.statements.length, 0) >= STATEMENTS_PER_BATCH) await flush();
  }
  await flush();
  return outcomes;
}

const STATEMENTS_PER_BATCH = 400;

interface PreparedCredit {
  statements: D1PreparedStatement[];
  /** Reads what happened from this credit's own slice of the batch results. */
  outcome(results: D1Result[]): Promise<CreditOutcome>;
}

/** Open payments and bills on the account, for credits that carry no reference. */
async function openTargets(db: D1Database, accountNumber: string, ownerId: string | null): Promise<OpenTarget[]> {
  const [payments, bills] = await db.batch([
    db
      .prepare("SELECT id, amount, date(created_at, '+7 hours') AS day FROM payments WHERE payee_account_no = ?1 AND status = 'pending'")
      .bind(accountNumber),
    db
      .prepare(
        `SELECT b.id, b.amount, b.due_date AS day FROM bills b
         WHERE b.biller_id = ?1 AND b.status = 'open'
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = b.id AND p.status = 'pending')`,
      )
      .bind(ownerId ?? ''),
  ]);
  return [
    ...(payments!.results as Array<{ id: string; amount: number; day: string }>).map((row) => ({
      kind: 'payment' as const,
      id: row.id,
      amount: row.amount,
      date: row.day,
    })),
    ...(bills!.results as Array<{ id: string; amount: number; day: string }>).map((row) => ({
      kind: 'bill' as const,
      id: row.id,
      amount: row.amount,
      date: row.day,
    })),
  ];
}

async function decisionPlan(
  db: D1Database,
  decision: LineDecision,
  credit: BankCredit,
  paymentsById: Map<string, Payment>,
  ownerId: string | null,
  references: string[],
): Promise<Plan> {
  const details = { transactionId: credit.transactionId, description: credit.description, bookedAt: credit.bookedAt, references };
  const byId = (id: string | null) => (id ? (paymentsById.get(id) ?? null) : null);
  switch (decision.kind) {
    case 'already_confirmed':
      return { kind: 'duplicate' };
    case 'matched': {
      const payment = byId(decision.paymentId)!;
      return { kind: 'confirm', payment, newPayment: false, organizationId: payment.payeeOrgId, details };
    }
    case 'matched_target': {
      const matched = { ...details, matchedBy: 'amount and date', target: decision.target };
      if (decision.target.kind === 'payment') {
        const payment = await findPayment(db, decision.target.id);
        // Expired or paid since the state was read: a person decides.
        if (payment?.status !== 'pending')
          return { kind: 'exception', type: 'unmatched_credit', payment: null, expected: null, organizationId: ownerId, details };
        return { kind: 'confirm', payment, newPayment: false, organizationId: payment.payeeOrgId, details: matched };
      }
      const payment = await newBillPayment(db, decision.target.id, credit, `statement:${credit.transactionId}`);
      if (!payment) return { kind: 'exception', type: 'unmatched_credit', payment: null, expected: null, organizationId: ownerId, details };
      return { kind: 'confirm', payment, newPayment: true, organizationId: payment.payeeOrgId, details: matched };
    }
    case 'exception': {
      const payment = byId(decision.paymentId);
      // A payment of another account is none of this account's business: not linked.
      const linked = payment && payment.payeeAccountNo === credit.accountNumber ? payment : null;
      return {
        kind: 'exception',
        type: decision.type,
        payment: linked,
        expected: linked?.amount ?? null,
        organizationId: linked?.payeeOrgId ?? ownerId,
        details: decision.candidates ? { ...details, candidates: decision.candidates } : details,
      };
    }
  }
}

/**
 * A transfer to a stall's static QR pays that stall's oldest open bill (arrears first). The
 * exact amount gets a payment made for it; any other amount, or money when nothing is
 * owed, is an exception for the market board.
 */
async function stallPlan(db: D1Database, stall: StallRow, credit: BankCredit, now: string): Promise<Plan> {
  const details = {
    transactionId: credit.transactionId,
    description: credit.description,
    bookedAt: credit.bookedAt,
    stallId: stall.id,
    stallCode: stall.code,
    stallReference: stall.reference,
  };
  if (stall.bank_account_no !== credit.accountNumber)
    return { kind: 'exception', type: 'unknown_reference', payment: null, expected: null, organizationId: stall.board_id, details };
  const bill = await db
    .prepare("SELECT id, amount FROM bills WHERE stall_id = ?1 AND status = 'open' ORDER BY due_date, created_at LIMIT 1")
    .bind(stall.id)
    .first<{ id: string; amount: number }>();
  if (!bill)
    return {
      kind: 'exception',
      type: 'duplicate_payment',
      payment: null,
      expected: null,
      organizationId: stall.board_id,
      details: { ...details, reason: 'no open bill for this stall' },
    };
  if (bill.amount !== credit.amount)
    return {
      kind: 'exception',
      type: 'amount_mismatch',
      payment: null,
      expected: bill.amount,
      organizationId: stall.board_id,
      details: { ...details, billId: bill.id },
    };
  const pending = await db
    .prepare("SELECT id FROM payments WHERE bill_id = ?1 AND status = 'pending'")
    .bind(bill.id)
    .first<{ id: string }>();
  if (pending) {
    const payment = (await findPayment(db, pending.id))!;
    return {
      kind: 'confirm',
      payment: { ...payment, expiresAt: maxTime(payment.expiresAt, credit.bookedAt) },
      newPayment: false,
      organizationId: stall.board_id,
      details,
    };
  }
  const payment = await newBillPayment(db, bill.id, credit, `stall:${stall.id}`, now);
  return payment
    ? { kind: 'confirm', payment, newPayment: true, organizationId: stall.board_id, details }
    : { kind: 'exception', type: 'unmatched_credit', payment: null, expected: null, organizationId: stall.board_id, details };
}

const maxTime = (a: string, b: string) => (a > b ? a : b);

/**
 * A payment made on the spot for a bill that money arrived for without one (a stall's
 * static QR, or a statement line matched by amount and date). It exists only if the
 * credit's batch writes it.
 */
export async function newBillPayment(
  db: D1Database,
  billId: string,
  credit: Pick<BankCredit, 'bookedAt'>,
  requestHash: string,
  now = new Date().toISOString(),
): Promise<Payment | null> {
  const bill = await db
    .prepare(
      `SELECT b.id, b.amount, b.biller_id, o.bank_bin, o.bank_account_no, o.bank_account_name
       FROM bills b JOIN organizations o ON o.id = b.biller_id WHERE b.id = ?1 AND b.status = 'open'`,
    )
    .bind(billId)
    .first<{ id: string; amount: number; biller_id: string; bank_bin: string; bank_account_no: string; bank_account_name: string }>();
  if (!bill) return null;
  return {
    id: newId('pay'),
    reference: newPaymentReference(),
    billId: bill.id,
    orderId: null,
    payeeOrgId: bill.biller_id,
    amount: bill.amount,
    currency: 'VND',
    method: 'vietqr',
    status: 'pending',
    payeeBankBin: bill.bank_bin,
    payeeAccountNo: bill.bank_account_no,
    payeeAccountName: bill.bank_account_name,
    vietqrPayload: null,
    stripeSessionId: null,
    stripeCheckoutUrl: null,
    stripePaymentIntent: null,
    amountRefunded: 0,
    // The money is already here: nothing to expire before it.
    expiresAt: maxTime(credit.bookedAt, now),
    paidAt: null,
    requestHash,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The statements that write one credit and its effect, all-or-nothing together; run twice,
 * or alongside a concurrent twin, they write nothing the second time.
 */
async function prepareCredit(
  db: D1Database,
  credit: BankCredit,
  plan: Plan,
  now: string,
  statementId: string | null,
): Promise<PreparedCredit> {
  if (plan.kind === 'duplicate') return { statements: [], outcome: async () => ({ outcome: 'duplicate' }) };
  const creditId = newId('bcr');
  const exceptionId = newId('exc');
  const bookedDate = vietnamDate(new Date(credit.bookedAt));
  const existingPaymentId =
    plan.kind === 'confirm' && !plan.newPayment ? plan.payment.id : plan.kind === 'exception' ? (plan.payment?.id ?? null) : null;
  const insertCredit = db
    .prepare(
      `INSERT INTO bank_credits (id, account_number, transaction_id, amount, description, booked_at, source, payment_id, outcome, statement_id, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
       ON CONFLICT (account_number, transaction_id) DO NOTHING`,
    )
    .bind(
      creditId,
      credit.accountNumber,
      credit.transactionId,
      credit.amount,
      credit.description,
      credit.bookedAt,
      credit.source,
      existingPaymentId,
      plan.kind === 'confirm' ? 'matched' : 'exception',
      statementId,
      now,
    );
  const creditIsOurs = 'EXISTS (SELECT 1 FROM bank_credits WHERE id = ?1)';

  if (plan.kind === 'exception') {
    const statements = [
      insertCredit,
      db
        .prepare(
          `INSERT INTO payment_exceptions (id, type, organization_id, bank_credit_id, payment_id, amount, expected_amount, details,
             account_number, booked_date, statement_id, created_at)
           SELECT ?2, ?3, ?4, ?1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 WHERE ${creditIsOurs}`,
        )
        .bind(
          creditId,
          exceptionId,
          plan.type,
          plan.organizationId,
          plan.payment?.id ?? null,
          credit.amount,
          plan.expected,
          JSON.stringify(plan.details),
          credit.accountNumber,
          bookedDate,
          statementId,
          now,
        ),
    ];
    const type = plan.type;
    const paymentId = plan.payment?.id ?? null;
    return {
      statements,
      outcome: async (results) =>
        results[0]!.meta.changes === 0 ? { outcome: 'duplicate' } : { outcome: 'exception', type, exceptionId, paymentId },
    };
  }

  const { payment } = plan;
  const newPayment = plan.newPayment
    ? [
        ...newPaymentStatements(db, payment, {
          source: 'bank',
          sourceRef: credit.transactionId,
          data: plan.details,
          now,
          onlyIf: { sql: 'EXISTS (SELECT 1 FROM bank_credits WHERE id = ?1)', params: [creditId] },
        }),
        // The credit was written before its payment existed: linked now.
        db
          .prepare('UPDATE bank_credits SET payment_id = ?2 WHERE id = ?1 AND EXISTS (SELECT 1 FROM payments WHERE id = ?2)')
          .bind(creditId, payment.id),
      ]
    : [];
  const confirm = await confirmStatements(db, payment, {
    event: 'confirm',
    source: 'bank',
    sourceRef: credit.transactionId,
    now,
    condition: { sql: 'EXISTS (SELECT 1 FROM bank_credits WHERE id = ?1)', params: [creditId] },
    data: { accountNumber: credit.accountNumber, amount: credit.amount, bookedAt: credit.bookedAt, source: credit.source },
  });
  const notApplied = 'NOT EXISTS (SELECT 1 FROM payments WHERE id = ?2 AND last_event_id = ?3)';
  const statements = [
    insertCredit,
    ...newPayment,
    ...confirm.statements,
    // Fallback: the payment moved on between our read and this batch (a sweep expired it,
    // another credit paid it). The money stays visible as an exception.
    db
      .prepare(
        `INSERT INTO payment_exceptions (id, type, organization_id, bank_credit_id, payment_id, amount, expected_amount, details,
           account_number, booked_date, statement_id, created_at)
         SELECT ?4, CASE WHEN p.status IN ('paid', 'partially_refunded', 'refunded') THEN 'duplicate_payment' ELSE 'paid_after_expiry' END,
                ?5, ?1, p.id, ?6, p.amount, ?7, ?8, ?9, ?10, ?11
         FROM payments p WHERE p.id = ?2 AND ${notApplied} AND ${creditIsOurs}`,
      )
      .bind(
        creditId,
        payment.id,
        confirm.eventId,
        exceptionId,
        plan.organizationId,
        credit.amount,
        JSON.stringify(plan.details),
        credit.accountNumber,
        bookedDate,
        statementId,
        now,
      ),
    db.prepare(`UPDATE bank_credits SET outcome = 'exception' WHERE id = ?1 AND ${notApplied}`).bind(creditId, payment.id, confirm.eventId),
  ];
  return {
    statements,
    outcome: async (results) => {
      if (results[0]!.meta.changes === 0) return { outcome: 'duplicate' };
      if (results[newPayment.length + 1]!.meta.changes === 1) return { outcome: 'matched', paymentId: payment.id };
      const filed = await db
        .prepare('SELECT type FROM payment_exceptions WHERE id = ?1')
        .bind(exceptionId)
        .first<{ type: ExceptionType }>();
      return { outcome: 'exception', type: filed?.type ?? 'paid_after_expiry', exceptionId, paymentId: payment.id };
    },
  };
}

/** One bank notification: the same decision and writing as a one-line statement. */
export async function applyBankCredit(db: D1Database, credit: BankCredit, now: string): Promise<CreditOutcome> {
  const [outcome] = await applyBankCredits(db, credit.accountNumber, [credit], now);
  return outcome!;
}

/**
 * Writes a payment made on the spot (see newBillPayment) with its "create" event; with
 * `onlyIf`, only when that condition holds in the batch (e.g. its credit row is ours).
 */
export function newPaymentStatements(
  db: D1Database,
  payment: Payment,
  options: {
    source: 'bank' | 'staff';
    sourceRef: string | null;
    data: Record<string, unknown>;
    now: string;
    onlyIf?: { sql: string; params: string[] };
  },
): D1PreparedStatement[] {
  const condition = options.onlyIf ? options.onlyIf.sql.replace(/\?(\d+)/g, (_, n: string) => `?${Number(n) + 11}`) : '1 = 1';
  return [
    db
      .prepare(
        `INSERT INTO payments (id, reference, bill_id, payee_org_id, amount, method, status, payee_bank_bin, payee_account_no,
           payee_account_name, expires_at, request_hash, created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, 'vietqr', 'pending', ?6, ?7, ?8, ?9, ?10, ?11, ?11 WHERE ${condition}`,
      )
      .bind(
        payment.id,
        payment.reference,
        payment.billId,
        payment.payeeOrgId,
        payment.amount,
        payment.payeeBankBin,
        payment.payeeAccountNo,
        payment.payeeAccountName,
        payment.expiresAt,
        payment.requestHash,
        options.now,
        ...(options.onlyIf?.params ?? []),
      ),
    db
      .prepare(
        `INSERT INTO payment_events (id, payment_id, event, from_status, to_status, source, source_ref, data, created_at)
         SELECT ?1, ?2, 'create', NULL, 'pending', ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM payments WHERE id = ?2)`,
      )
      .bind(newId('pev'), payment.id, options.source, options.sourceRef, JSON.stringify(options.data), options.now),
  ];
}
