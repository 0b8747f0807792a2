/**
 * Seller payouts: releases of delivered sub-orders, payout runs, payouts and their events,
 * the statement debits that confirm them, and the ledger sums that make a seller's balance.
 */
import type { LedgerLine } from '../domain/ledger';
import { type PayoutEvent, type PayoutStatus, payoutTransition } from '../domain/payout-state';
import { newId } from '../domain/tokens';
import { inSlices, join, list, prepare, rowsWritten, type Sql, type SqlValue, sql, trusted } from './sql';

export type PayoutSource = 'staff' | 'bank' | 'system';

/** One ledger line of a journal, written only when `applied` holds inside the batch. */
export function ledgerLineStatement(
  db: D1Database,
  journal: { journalId: string; paymentId?: string | null; payoutId?: string | null; now: string },
  line: LedgerLine,
  applied: Sql,
): D1PreparedStatement {
  return prepare(
    db,
    sql`INSERT INTO ledger_lines (journal_id, payment_id, payout_id, account, debit, credit, memo, created_at)
        SELECT ${journal.journalId}, ${journal.paymentId ?? null}, ${journal.payoutId ?? null}, ${line.account}, ${line.debit},
          ${line.credit}, ${line.memo}, ${journal.now}
        WHERE ${applied}`,
  );
}

/** debit − credit of each account named (accounts with no lines are left out). */
export async function accountSums(db: D1Database, accounts: readonly string[]): Promise<Map<string, number>> {
  const { results } = await prepare(
    db,
    sql`SELECT account, coalesce(sum(debit), 0) - coalesce(sum(credit), 0) AS balance FROM ledger_lines
        WHERE account IN (${list(accounts)}) GROUP BY account`,
  ).all<{ account: string; balance: number }>();
  return new Map(results.map((row) => [row.account, row.balance]));
}

/** True while an account's balance is exactly `amount`: a reservation decided on it still holds. */
export const accountBalanceIs = (account: string, amount: number) =>
  sql`(SELECT coalesce(sum(debit), 0) - coalesce(sum(credit), 0) FROM ledger_lines WHERE account = ${account}) = ${amount}`;

export interface SellerAvailable {
  organizationId: string;
  name: string;
  available: number;
  bankBin: string | null;
  bankAccountNo: string | null;
  bankAccountName: string | null;
}

/** Every seller with money available, and its bank account (a range on the account index, no scan). */
export async function listAvailableBalances(db: D1Database): Promise<SellerAvailable[]> {
  const { results } = await db
    .prepare(
      `SELECT substr(l.account, 11) AS organization_id, o.name, sum(l.debit) - sum(l.credit) AS available,
         o.bank_bin, o.bank_account_no, o.bank_account_name
       FROM ledger_lines l JOIN organizations o ON o.id = substr(l.account, 11)
       WHERE l.account >= 'available:' AND l.account < 'available;'
       GROUP BY l.account HAVING sum(l.debit) - sum(l.credit) > 0 ORDER BY o.name`,
    )
    .all<{
      organization_id: string;
      name: string;
      available: number;
      bank_bin: string | null;
      bank_account_no: string | null;
      bank_account_name: string | null;
    }>();
  return results.map((row) => ({
    organizationId: row.organization_id,
    name: row.name,
    available: row.available,
    bankBin: row.bank_bin,
    bankAccountNo: row.bank_account_no,
    bankAccountName: row.bank_account_name,
  }));
}

export interface DueSubOrder {
  subOrderId: string;
  sellerId: string;
  subtotal: number;
  paymentId: string;
}

/** Delivered sub-orders whose hold ended (delivered at or before `deliveredBy`) and not yet released. */
export async function findDueSubOrders(
  db: D1Database,
  deliveredBy: string,
  options: { sellerId?: string; limit: number },
): Promise<DueSubOrder[]> {
  const seller = options.sellerId === undefined ? sql`` : sql` AND s.seller_id = ${options.sellerId}`;
  const { results } = await prepare(
    db,
    sql`SELECT s.id, s.seller_id, s.subtotal, o.payment_id FROM sub_orders s JOIN orders o ON o.id = s.order_id
        WHERE s.status = 'delivered' AND s.delivered_at <= ${deliveredBy} AND o.payment_id IS NOT NULL${seller}
          AND NOT EXISTS (SELECT 1 FROM payout_releases r WHERE r.sub_order_id = s.id)
        ORDER BY s.delivered_at LIMIT ${options.limit}`,
  ).all<{ id: string; seller_id: string; subtotal: number; payment_id: string }>();
  return results.map((row) => ({ subOrderId: row.id, sellerId: row.seller_id, subtotal: row.subtotal, paymentId: row.payment_id }));
}

/** A sub-order's release and its journal: the release row is written once, the journal only with it. */
export function releaseStatements(
  db: D1Database,
  due: DueSubOrder,
  commission: number,
  journal: LedgerLine[],
  now: string,
): D1PreparedStatement[] {
  const journalId = newId('rel');
  const applied = sql`EXISTS (SELECT 1 FROM payout_releases WHERE sub_order_id = ${due.subOrderId} AND journal_id = ${journalId})`;
  return [
    prepare(
      db,
      sql`INSERT INTO payout_releases (sub_order_id, organization_id, gross, commission, journal_id, created_at)
          VALUES (${due.subOrderId}, ${due.sellerId}, ${due.subtotal}, ${commission}, ${journalId}, ${now})
          ON CONFLICT (sub_order_id) DO NOTHING`,
    ),
    ...journal.map((line) => ledgerLineStatement(db, { journalId, paymentId: due.paymentId, now }, line, applied)),
  ];
}

// ---- runs -------------------------------------------------------------------------------

export interface PayoutRun {
  id: string;
  cutoffDate: string;
  status: 'awaiting_approval' | 'approved';
  minimumAmount: number;
  sourceBankBin: string;
  sourceAccountNo: string;
  createdBy: string;
  createdByName: string;
  approvedBy: string | null;
  approvedByName: string | null;
  approvedAt: string | null;
  createdAt: string;
  payouts: number;
  total: number;
}

interface RunRow {
  id: string;
  cutoff_date: string;
  status: 'awaiting_approval' | 'approved';
  minimum_amount: number;
  source_bank_bin: string;
  source_account_no: string;
  idempotency_key: string;
  created_by: string;
  created_by_name: string;
  approved_by: string | null;
  approved_by_name: string | null;
  approved_at: string | null;
  created_at: string;
  payouts: number;
  total: number;
}

const rowToRun = (row: RunRow): PayoutRun => ({
  id: row.id,
  cutoffDate: row.cutoff_date,
  status: row.status,
  minimumAmount: row.minimum_amount,
  sourceBankBin: row.source_bank_bin,
  sourceAccountNo: row.source_account_no,
  createdBy: row.created_by,
  createdByName: row.created_by_name,
  approvedBy: row.approved_by,
  approvedByName: row.approved_by_name,
  approvedAt: row.approved_at,
  createdAt: row.created_at,
  payouts: row.payouts,
  total: row.total,
});

const RUNS = `SELECT r.*, cu.name AS created_by_name, au.name AS approved_by_name,
    (SELECT count(*) FROM payouts p WHERE p.run_id = r.id AND p.status <> 'held') AS payouts,
    (SELECT coalesce(sum(p.amount), 0) FROM payouts p WHERE p.run_id = r.id AND p.status <> 'held') AS total
  FROM payout_runs r JOIN users cu ON cu.id = r.created_by LEFT JOIN users au ON au.id = r.approved_by`;

export async function findRun(db: D1Database, id: string): Promise<(PayoutRun & { idempotencyKey: string }) | null> {
  const row = await db.prepare(`${RUNS} WHERE r.id = ?1`).bind(id).first<RunRow>();
  return row ? { ...rowToRun(row), idempotencyKey: row.idempotency_key } : null;
}

export async function findRunByCutoffOrKey(
  db: D1Database,
  cutoffDate: string,
  key: string,
): Promise<Array<PayoutRun & { idempotencyKey: string }>> {
  const { results } = await db.prepare(`${RUNS} WHERE r.cutoff_date = ?1 OR r.idempotency_key = ?2`).bind(cutoffDate, key).all<RunRow>();
  return results.map((row) => ({ ...rowToRun(row), idempotencyKey: row.idempotency_key }));
}

export async function listRuns(db: D1Database, limit: number): Promise<PayoutRun[]> {
  const { results } = await db.prepare(`${RUNS} ORDER BY r.created_at DESC, r.id LIMIT ?1`).bind(limit).all<RunRow>();
  return results.map(rowToRun);
}

export interface NewRun {
  id: string;
  cutoffDate: string;
  minimumAmount: number;
  sourceBankBin: string;
  sourceAccountNo: string;
  idempotencyKey: string;
  createdBy: string;
  now: string;
}

/** The run row, written unless a run for that cut-off or key exists; `applied` holds only for this one. */
export function insertRunStatement(db: D1Database, run: NewRun): { statement: D1PreparedStatement; applied: Sql } {
  return {
    statement: prepare(
      db,
      sql`INSERT INTO payout_runs (id, cutoff_date, status, minimum_amount, source_bank_bin, source_account_no, idempotency_key,
            created_by, created_at)
          VALUES (${run.id}, ${run.cutoffDate}, 'awaiting_approval', ${run.minimumAmount}, ${run.sourceBankBin}, ${run.sourceAccountNo},
            ${run.idempotencyKey}, ${run.createdBy}, ${run.now})
          ON CONFLICT DO NOTHING RETURNING id`,
    ),
    applied: sql`EXISTS (SELECT 1 FROM payout_runs WHERE id = ${run.id} AND idempotency_key = ${run.idempotencyKey})`,
  };
}

/** The run approved by a second admin: never by its creator (the table's CHECK says so too). */
export function approveRunStatement(
  db: D1Database,
  runId: string,
  userId: string,
  now: string,
): { statement: D1PreparedStatement; applied: Sql } {
  return {
    statement: prepare(
      db,
      sql`UPDATE payout_runs SET status = 'approved', approved_by = ${userId}, approved_at = ${now}
          WHERE id = ${runId} AND status = 'awaiting_approval' AND created_by <> ${userId} RETURNING id`,
    ),
    applied: sql`EXISTS (SELECT 1 FROM payout_runs WHERE id = ${runId} AND approved_by = ${userId} AND approved_at = ${now})`,
  };
}

// ---- payouts ----------------------------------------------------------------------------

export interface Payout {
  id: string;
  reference: string;
  runId: string;
  cutoffDate: string;
  organizationId: string;
  organizationName: string;
  amount: number;
  status: PayoutStatus;
  holdReason: string | null;
  bankBin: string | null;
  bankAccountNo: string | null;
  bankAccountName: string | null;
  sourceAccountNo: string;
  approvedAt: string | null;
  paidAt: string | null;
  failedAt: string | null;
  failReason: string | null;
  createdAt: string;
}

interface PayoutRow {
  id: string;
  reference: string;
  run_id: string;
  cutoff_date: string;
  organization_id: string;
  organization_name: string;
  amount: number;
  status: PayoutStatus;
  hold_reason: string | null;
  bank_bin: string | null;
  bank_account_no: string | null;
  bank_account_name: string | null;
  source_account_no: string;
  approved_at: string | null;
  paid_at: string | null;
  failed_at: string | null;
  fail_reason: string | null;
  created_at: string;
}

const rowToPayout = (row: PayoutRow): Payout => ({
  id: row.id,
  reference: row.reference,
  runId: row.run_id,
  cutoffDate: row.cutoff_date,
  organizationId: row.organization_id,
  organizationName: row.organization_name,
  amount: row.amount,
  status: row.status,
  holdReason: row.hold_reason,
  bankBin: row.bank_bin,
  bankAccountNo: row.bank_account_no,
  bankAccountName: row.bank_account_name,
  sourceAccountNo: row.source_account_no,
  approvedAt: row.approved_at,
  paidAt: row.paid_at,
  failedAt: row.failed_at,
  failReason: row.fail_reason,
  createdAt: row.created_at,
});

const PAYOUTS = `SELECT p.*, r.cutoff_date, o.name AS organization_name FROM payouts p
  JOIN payout_runs r ON r.id = p.run_id JOIN organizations o ON o.id = p.organization_id`;

export async function findPayout(db: D1Database, id: string): Promise<Payout | null> {
  const row = await db.prepare(`${PAYOUTS} WHERE p.id = ?1`).bind(id).first<PayoutRow>();
  return row ? rowToPayout(row) : null;
}

export async function listRunPayouts(db: D1Database, runId: string): Promise<Payout[]> {
  const { results } = await db.prepare(`${PAYOUTS} WHERE p.run_id = ?1 ORDER BY o.name, p.id`).bind(runId).all<PayoutRow>();
  return results.map(rowToPayout);
}

export async function listOrganizationPayouts(db: D1Database, organizationId: string, limit: number): Promise<Payout[]> {
  const { results } = await db
    .prepare(`${PAYOUTS} WHERE p.organization_id = ?1 ORDER BY p.created_at DESC, p.id LIMIT ?2`)
    .bind(organizationId, limit)
    .all<PayoutRow>();
  return results.map(rowToPayout);
}

export async function findPayoutsByReferences(db: D1Database, references: readonly string[]): Promise<Payout[]> {
  return inSlices(references, async (slice) => {
    const { results } = await prepare(db, sql`${trusted(PAYOUTS)} WHERE p.reference IN (${list(slice)})`).all<PayoutRow>();
    return results.map(rowToPayout);
  });
}

/** Approved payouts with no debit since `approvedBefore` and no exception saying so yet. */
export async function findOverduePayouts(db: D1Database, approvedBefore: string, limit: number): Promise<Payout[]> {
  const { results } = await db
    .prepare(
      `${PAYOUTS} WHERE p.status = 'approved' AND p.approved_at <= ?1
         AND NOT EXISTS (SELECT 1 FROM payment_exceptions e WHERE e.payout_id = p.id AND e.type = 'missing_at_bank')
       ORDER BY p.approved_at LIMIT ?2`,
    )
    .bind(approvedBefore, limit)
    .all<PayoutRow>();
  return results.map(rowToPayout);
}

export async function payoutReferencesTaken(db: D1Database, references: readonly string[]): Promise<Set<string>> {
  const rows = await inSlices(references, async (slice) => {
    const { results } = await prepare(db, sql`SELECT reference FROM payouts WHERE reference IN (${list(slice)})`).all<{
      reference: string;
    }>();
    return results;
  });
  return new Set(rows.map((row) => row.reference));
}

export interface PreparedPayoutChange {
  payoutId: string;
  eventId: string;
  to: PayoutStatus;
  statements: D1PreparedStatement[];
  applied: Sql;
}

function payoutEventStatement(
  db: D1Database,
  change: { eventId: string; payoutId: string; event: PayoutEvent; from: PayoutStatus | null; to: PayoutStatus },
  options: { source: PayoutSource; actorId: string | null; data?: Record<string, unknown>; now: string },
  applied: Sql,
): D1PreparedStatement {
  return prepare(
    db,
    sql`INSERT INTO payout_events (id, payout_id, event, from_status, to_status, source, actor_id, data, created_at)
        SELECT ${change.eventId}, ${change.payoutId}, ${change.event}, ${change.from}, ${change.to}, ${options.source}, ${options.actorId},
          ${JSON.stringify(options.data ?? {})}, ${options.now}
        WHERE ${applied}`,
  );
}

export interface NewPayout {
  id: string;
  reference: string;
  runId: string;
  organizationId: string;
  amount: number;
  holdReason: string | null;
  bankBin: string | null;
  bankAccountNo: string | null;
  bankAccountName: string | null;
  sourceAccountNo: string;
}

/**
 * The creation edge of the payout table: the payout, its first event and (for `create`) the
 * journal that reserves the money, all only when `onlyIf` holds inside the batch.
 */
export function createPayoutStatements(
  db: D1Database,
  payout: NewPayout,
  event: Extract<PayoutEvent, 'create' | 'hold'>,
  options: { actorId: string; now: string; onlyIf: Sql; ledger: LedgerLine[] },
): PreparedPayoutChange {
  const to = payoutTransition(null, event);
  const eventId = newId('poev');
  const applied = sql`EXISTS (SELECT 1 FROM payouts WHERE id = ${payout.id} AND last_event_id = ${eventId})`;
  return {
    payoutId: payout.id,
    eventId,
    to,
    applied,
    statements: [
      prepare(
        db,
        sql`INSERT INTO payouts (id, reference, run_id, organization_id, amount, status, hold_reason, bank_bin, bank_account_no,
              bank_account_name, source_account_no, last_event_id, created_at, updated_at)
            SELECT ${payout.id}, ${payout.reference}, ${payout.runId}, ${payout.organizationId}, ${payout.amount}, ${to}, ${payout.holdReason},
              ${payout.bankBin}, ${payout.bankAccountNo}, ${payout.bankAccountName}, ${payout.sourceAccountNo}, ${eventId},
              ${options.now}, ${options.now}
            WHERE ${options.onlyIf}`,
      ),
      payoutEventStatement(db, { eventId, payoutId: payout.id, event, from: null, to }, { source: 'staff', ...options }, applied),
      ...options.ledger.map((line) =>
        ledgerLineStatement(db, { journalId: eventId, payoutId: payout.id, now: options.now }, line, applied),
      ),
    ],
  };
}

/** Columns a payout change may set along with the status. */
export interface PayoutColumnChanges {
  approved_at?: string;
  paid_at?: string;
  failed_at?: string;
  fail_reason?: string;
}

/**
 * The only way a payout's status changes: the conditional update (from the status read),
 * its event and its journal, each after the first guarded by the payout's last event id.
 * Throws IllegalPayoutTransitionError for a move the table does not allow.
 */
export function preparePayoutTransition(
  db: D1Database,
  payout: Pick<Payout, 'id' | 'status'>,
  event: PayoutEvent,
  options: {
    source: PayoutSource;
    actorId: string | null;
    data?: Record<string, unknown>;
    now: string;
    set?: PayoutColumnChanges;
    condition?: Sql;
    ledger?: LedgerLine[];
  },
): PreparedPayoutChange {
  const to = payoutTransition(payout.status, event);
  const eventId = newId('poev');
  const extraSet = Object.entries(options.set ?? {}).map(([column, value]) => sql`, ${trusted(column)} = ${value as SqlValue}`);
  const condition = options.condition ? sql` AND (${options.condition})` : sql``;
  const applied = sql`EXISTS (SELECT 1 FROM payouts WHERE id = ${payout.id} AND last_event_id = ${eventId})`;
  return {
    payoutId: payout.id,
    eventId,
    to,
    applied,
    statements: [
      prepare(
        db,
        sql`UPDATE payouts SET status = ${to}, last_event_id = ${eventId}, updated_at = ${options.now}${join(extraSet, '')}
            WHERE id = ${payout.id} AND status = ${payout.status}${condition}
            RETURNING id`,
      ),
      payoutEventStatement(db, { eventId, payoutId: payout.id, event, from: payout.status, to }, options, applied),
      ...(options.ledger ?? []).map((line) =>
        ledgerLineStatement(db, { journalId: eventId, payoutId: payout.id, now: options.now }, line, applied),
      ),
    ],
  };
}

export function payoutChangeApplied(results: D1Result[], firstIndex = 0): boolean {
  return rowsWritten(results[firstIndex]) === 1;
}

// ---- statement debits -------------------------------------------------------------------

export interface NewPayoutDebit {
  accountNumber: string;
  debitKey: string;
  payoutId: string | null;
  amount: number;
  description: string;
  bookedAt: string;
  outcome: 'confirmed' | 'exception' | 'ignored';
  statementId: string | null;
  now: string;
}

/** Records a debit line once; `applied` holds only for the import that recorded it. */
export function insertPayoutDebitStatement(db: D1Database, debit: NewPayoutDebit): { statement: D1PreparedStatement; applied: Sql } {
  const processingId = newId('pdb');
  return {
    statement: prepare(
      db,
      sql`INSERT INTO payout_debits (account_number, debit_key, payout_id, amount, description, booked_at, outcome, statement_id,
            processing_id, created_at)
          VALUES (${debit.accountNumber}, ${debit.debitKey}, ${debit.payoutId}, ${debit.amount}, ${debit.description}, ${debit.bookedAt},
            ${debit.outcome}, ${debit.statementId}, ${processingId}, ${debit.now})
          ON CONFLICT DO NOTHING RETURNING debit_key`,
    ),
    applied: sql`EXISTS (SELECT 1 FROM payout_debits WHERE account_number = ${debit.accountNumber} AND debit_key = ${debit.debitKey}
      AND processing_id = ${processingId})`,
  };
}

/** A payout exception (wrong amount, no debit), in the platform admins' queue. */
export function insertPayoutExceptionStatement(
  db: D1Database,
  exception: {
    type: 'amount_mismatch' | 'missing_at_bank' | 'duplicate_payment' | 'unknown_reference';
    payoutId: string;
    amount: number;
    expectedAmount: number;
    accountNumber: string;
    bookedDate: string;
    statementId?: string | null;
    details: Record<string, unknown>;
    now: string;
  },
  onlyIf: Sql,
): D1PreparedStatement {
  return prepare(
    db,
    sql`INSERT INTO payment_exceptions (id, type, organization_id, payout_id, amount, expected_amount, details, account_number, booked_date,
          statement_id, created_at)
        SELECT ${newId('exc')}, ${exception.type}, NULL, ${exception.payoutId}, ${exception.amount}, ${exception.expectedAmount},
          ${JSON.stringify(exception.details)}, ${exception.accountNumber}, ${exception.bookedDate}, ${exception.statementId ?? null},
          ${exception.now}
        WHERE ${onlyIf}`,
  );
}
