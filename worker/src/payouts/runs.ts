/**
 * Payout runs: an admin makes one payout per seller whose available balance reaches the
 * minimum, a second admin approves, the bank is given the bulk-transfer file, and a transfer
 * that failed is marked so and its money is available again. Confirmation by the statement
 * debit is reconciliation/statement-debits.ts.
 */
import {
  accountBalanceIs,
  approveRunStatement,
  createPayoutStatements,
  findPayout,
  findRun,
  findRunByCutoffOrKey,
  insertRunStatement,
  listAvailableBalances,
  listRunPayouts,
  type Payout,
  type PayoutRun,
  payoutChangeApplied,
  payoutReferencesTaken,
  preparePayoutTransition,
} from '../db/payouts';
import { rowsWritten, sql } from '../db/sql';
import { newPayoutReference } from '../domain/codes';
import { availableAccount, failedJournal, reserveJournal } from '../domain/payout-ledger';
import { HOLD_NO_BANK_ACCOUNT } from '../domain/payout-state';
import { newId } from '../domain/tokens';
import { bankName, transferFile } from '../domain/transfer-file';
import { vietnamDate } from '../domain/vietnam-time';
import { ApiError, notFound } from '../errors';
import type { BankAccount } from '../payments/settings';
import { releaseDue } from './balance';
import type { PayoutSettings } from './settings';

export interface RunWithPayouts {
  run: PayoutRun;
  payouts: Payout[];
}

async function runWithPayouts(db: D1Database, runId: string): Promise<RunWithPayouts> {
  const run = await findRun(db, runId);
  if (!run) throw notFound('đợt chi trả', 'payout_run_not_found');
  const { idempotencyKey: _key, ...rest } = run;
  return { run: rest, payouts: await listRunPayouts(db, runId) };
}

export function readRun(db: D1Database, runId: string): Promise<RunWithPayouts> {
  return runWithPayouts(db, runId);
}

/** `count` payout references not yet used (drawn again on the rare collision). */
async function freshReferences(db: D1Database, count: number): Promise<string[]> {
  const chosen = new Set<string>();
  for (let round = 0; round < 10 && chosen.size < count; round += 1) {
    const drawn = Array.from({ length: count - chosen.size }, () => newPayoutReference());
    const taken = await payoutReferencesTaken(db, drawn);
    for (const reference of drawn) if (!taken.has(reference)) chosen.add(reference);
  }
  if (chosen.size < count) throw new ApiError(409, 'try_again', 'Chưa tạo được mã chi trả, hãy thử lại');
  return [...chosen];
}

/**
 * Makes the run for a cut-off day, or answers the one that exists (same cut-off: same run,
 * whoever asks again). Each payout is the seller's whole available balance when the run is
 * made, reserved in the same batch, and only if that balance is still what was read.
 */
export async function createPayoutRun(
  db: D1Database,
  input: { cutoffDate: string; idempotencyKey: string; userId: string; source: BankAccount; settings: PayoutSettings; now: string },
): Promise<{ created: boolean } & RunWithPayouts> {
  const { cutoffDate, idempotencyKey, now } = input;
  if (cutoffDate > vietnamDate(new Date(now))) {
    throw new ApiError(400, 'validation_failed', 'Ngày chốt của đợt chi trả không được sau hôm nay', [
      { path: 'cutoffDate', message: 'Ngày chốt là hôm nay hoặc một ngày đã qua' },
    ]);
  }
  const existing = await findRunByCutoffOrKey(db, cutoffDate, idempotencyKey);
  const reused = existing.find((run) => run.idempotencyKey === idempotencyKey && run.cutoffDate !== cutoffDate);
  if (reused) {
    throw new ApiError(409, 'idempotency_key_reused', `Khoá Idempotency-Key này đã dùng cho đợt chi trả chốt ngày ${reused.cutoffDate}`);
  }
  const same = existing.find((run) => run.cutoffDate === cutoffDate);
  if (same) return { created: false, ...(await runWithPayouts(db, same.id)) };

  await releaseDue(db, now, input.settings);
  const sellers = (await listAvailableBalances(db)).filter((seller) => seller.available >= input.settings.minimumAmount);
  const references = await freshReferences(db, sellers.length);
  const runId = newId('prun');
  const run = insertRunStatement(db, {
    id: runId,
    cutoffDate,
    minimumAmount: input.settings.minimumAmount,
    sourceBankBin: input.source.bankBin,
    sourceAccountNo: input.source.accountNo,
    idempotencyKey,
    createdBy: input.userId,
    now,
  });
  const payouts = sellers.flatMap((seller, index) => {
    const hasBank = seller.bankBin !== null && seller.bankAccountNo !== null && seller.bankAccountName !== null;
    const payout = {
      id: newId('po'),
      reference: references[index]!,
      runId,
      organizationId: seller.organizationId,
      amount: seller.available,
      holdReason: hasBank ? null : HOLD_NO_BANK_ACCOUNT,
      bankBin: seller.bankBin,
      bankAccountNo: seller.bankAccountNo,
      bankAccountName: seller.bankAccountName,
      sourceAccountNo: input.source.accountNo,
    };
    return createPayoutStatements(db, payout, hasBank ? 'create' : 'hold', {
      actorId: input.userId,
      now,
      onlyIf: hasBank
        ? sql`${run.applied} AND ${accountBalanceIs(availableAccount(seller.organizationId), seller.available)}`
        : run.applied,
      ledger: hasBank ? reserveJournal(seller.organizationId, seller.available) : [],
    }).statements;
  });
  const results = await db.batch([run.statement, ...payouts]);
  if (rowsWritten(results[0]) === 1) return { created: true, ...(await runWithPayouts(db, runId)) };
  // Someone made the run for this cut-off (or with this key) at the same moment: answer theirs.
  const winner = (await findRunByCutoffOrKey(db, cutoffDate, idempotencyKey))[0];
  if (!winner) throw new ApiError(409, 'try_again', 'Đợt chi trả chưa được tạo, hãy thử lại');
  return { created: false, ...(await runWithPayouts(db, winner.id)) };
}

/** A second admin approves the run: every payout waiting in it goes into the transfer file. */
export async function approvePayoutRun(db: D1Database, runId: string, userId: string, now: string): Promise<RunWithPayouts> {
  const { run, payouts } = await runWithPayouts(db, runId);
  if (run.createdBy === userId) {
    throw new ApiError(403, 'second_person_required', 'Người tạo đợt chi trả không được tự duyệt: cần một quản trị viên khác duyệt');
  }
  if (run.status !== 'awaiting_approval') throw new ApiError(409, 'already_approved', 'Đợt chi trả này đã được duyệt');
  const approval = approveRunStatement(db, runId, userId, now);
  const changes = payouts
    .filter((payout) => payout.status === 'awaiting_approval')
    .map((payout) =>
      preparePayoutTransition(db, payout, 'approve', {
        source: 'staff',
        actorId: userId,
        now,
        set: { approved_at: now },
        condition: approval.applied,
      }),
    );
  const results = await db.batch([approval.statement, ...changes.flatMap((change) => change.statements)]);
  if (rowsWritten(results[0]) !== 1) throw new ApiError(409, 'already_approved', 'Đợt chi trả này vừa được duyệt');
  return runWithPayouts(db, runId);
}

/** The bulk-transfer file of an approved run: its payouts still waiting for the bank. */
export async function runTransferFile(db: D1Database, runId: string): Promise<{ fileName: string; body: string }> {
  const { run, payouts } = await runWithPayouts(db, runId);
  if (run.status !== 'approved') {
    throw new ApiError(409, 'not_approved', 'Đợt chi trả chưa được duyệt: tệp chuyển tiền chỉ có sau khi một quản trị viên khác duyệt');
  }
  const rows = payouts
    .filter((payout) => payout.status === 'approved')
    .map((payout) => ({
      accountNumber: payout.bankAccountNo!,
      bankBin: payout.bankBin!,
      bankName: bankName(payout.bankBin!),
      accountHolder: payout.bankAccountName!,
      amount: payout.amount,
      reference: payout.reference,
    }));
  return { fileName: `chi-tra-${run.cutoffDate}.csv`, body: transferFile(rows) };
}

/** The bank refused or returned a transfer: the payout failed and its money is available again. */
export async function markPayoutFailed(db: D1Database, payoutId: string, userId: string, reason: string, now: string): Promise<Payout> {
  const payout = await findPayout(db, payoutId);
  if (!payout) throw notFound('khoản chi trả', 'payout_not_found');
  if (payout.status !== 'approved') {
    throw new ApiError(409, 'payout_not_in_transfer', 'Chỉ đánh dấu không thành công được khoản chi trả đã duyệt và chưa thấy trên sao kê');
  }
  const change = preparePayoutTransition(db, payout, 'fail', {
    source: 'staff',
    actorId: userId,
    data: { reason },
    now,
    set: { failed_at: now, fail_reason: reason },
    ledger: failedJournal(payout.organizationId, payout.amount),
  });
  const results = await db.batch(change.statements);
  if (!payoutChangeApplied(results)) throw new ApiError(409, 'payout_changed', 'Khoản chi trả vừa thay đổi, hãy tải lại trang');
  return (await findPayout(db, payoutId))!;
}
