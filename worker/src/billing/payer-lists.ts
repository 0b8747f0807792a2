/**
 * A biller's payer list and its bill runs. The list is kept by hand or from a file (all or
 * nothing, like a file of bills); a run bills each active payer once for a month through the
 * same bill writer as a file of bills, so a run repeated, or cut short and run again, never
 * bills anyone twice.
 */
import { existingImportKeys } from '../db/bills';
import {
  activePayersForRun,
  type BillRun,
  claimBillRun,
  countListedRefs,
  findBillRun,
  findBillRunFor,
  MAX_PAYERS_PER_RUN,
  upsertPayersStatements,
} from '../db/payer-lists';
import { BILL_IMPORT_MAX_BYTES } from '../domain/bill-import';
import { type BillerKind, defaultBillType } from '../domain/billers';
import { billEachPayerOnce, PAYER_IMPORT_MAX_ROWS, readPayerRows } from '../domain/payer-list';
import { newId } from '../domain/tokens';
import { ApiError } from '../errors';
import { claimFor, earlierResult } from '../onboarding/idempotency';
import { writeNewBills } from './import-bills';
import { readTableFile } from './table-file';

export interface PayerImportSummary {
  rows: number;
  created: number;
  updated: number;
}

const rejected = (details: Array<{ path: string; message: string }>) =>
  new ApiError(400, 'import_rejected', 'Chưa lưu người nộp nào: hãy sửa các dòng được liệt kê rồi tải tệp lên lại', details.slice(0, 200));

/** Adds or updates every payer of a file in one batch, or refuses the file whole with each row's reason. */
export async function importPayers(db: D1Database, input: { file: File; billerId: string; now: string }): Promise<PayerImportSummary> {
  if (input.file.size > BILL_IMPORT_MAX_BYTES) {
    throw new ApiError(413, 'payload_too_large', 'Tệp danh sách người nộp tối đa 2 MB: hãy tách thành nhiều tệp');
  }
  const table = await readTableFile(input.file, PAYER_IMPORT_MAX_ROWS + 50);
  if (!table.ok) throw rejected([{ path: 'file', message: table.message }]);
  const result = readPayerRows(table.rows);
  if (!result.ok) throw rejected(result.problems.map((p) => ({ path: `row ${p.row}`, message: p.message })));
  const listed = await countListedRefs(
    db,
    input.billerId,
    result.payers.map((p) => p.payerRef),
  );
  await db.batch(
    upsertPayersStatements(
      db,
      input.billerId,
      result.payers.map((payer) => ({ ...payer, id: newId('pyr') })),
      input.now,
    ),
  );
  return { rows: result.payers.length, created: result.payers.length - listed, updated: listed };
}

export interface BillRunInput {
  /** YYYY-MM */
  period: string;
  description: string;
  /** YYYY-MM-DD */
  dueDate: string;
  /** One amount for everyone; without it each payer's own amount. */
  amount?: number | undefined;
  /** Only the payers of this group (a class). */
  group?: string | undefined;
}

/**
 * Starts the month's run (or finds it) and bills each active payer who has no bill for the
 * month yet. Under one Idempotency-Key: the same body answers the same run, another body 409.
 * A run of the same month and group started before (with another key) is answered as it is.
 * Every check comes before the first write, so a refused run writes nothing.
 */
export async function startBillRun(
  db: D1Database,
  input: BillRunInput,
  caller: { billerId: string; billerKind: BillerKind; userId: string; idempotencyKey: string; now: string },
): Promise<{ run: BillRun; created: boolean }> {
  const claim = await claimFor(`bill-runs:${caller.billerId}`, caller.idempotencyKey, input);
  // 409 when the key was used for another request; a retry of this one goes on, and finishes
  // a run that was cut short, since every step below is idempotent.
  await earlierResult(db, claim);
  // A run of this month and group made before keeps what it said the first time.
  const before = await findBillRunFor(db, caller.billerId, input.period, input.group ?? null);
  const terms = before
    ? { description: before.description, dueDate: before.dueDate, amount: before.amount }
    : { description: input.description, dueDate: input.dueDate, amount: input.amount ?? null };
  const payers = await activePayersForRun(db, caller.billerId, input.group ?? null);
  if (payers.length === 0 && !before) {
    throw new ApiError(
      400,
      'no_payers',
      input.group ? `Nhóm ${input.group} chưa có người nộp nào đang hoạt động` : 'Danh sách người nộp đang trống: hãy thêm người nộp trước',
      [{ path: input.group ? 'group' : 'payers', message: 'Không có người nộp để phát hành hoá đơn' }],
    );
  }
  if (payers.length > MAX_PAYERS_PER_RUN) {
    throw new ApiError(400, 'too_many_payers', `Một đợt thu tối đa ${MAX_PAYERS_PER_RUN} người nộp: hãy chia theo lớp/nhóm`, [
      { path: 'group', message: 'Chọn một lớp/nhóm' },
    ]);
  }
  const planned = billEachPayerOnce(payers, { period: input.period, ...terms });
  if (!planned.ok) {
    throw new ApiError(
      400,
      'payer_amount_missing',
      'Chưa phát hành hoá đơn nào: có người nộp chưa có số tiền; hãy nhập số tiền chung cho đợt thu hoặc số tiền của từng người',
      planned.problems.slice(0, 200).map((p) => ({ path: p.payerRef ? `payer ${p.payerRef}` : 'period', message: p.message })),
    );
  }
  const newRunId = newId('brn');
  const runId = await claimBillRun(
    db,
    {
      id: newRunId,
      billerId: caller.billerId,
      period: input.period,
      group: input.group ?? null,
      ...terms,
      createdBy: caller.userId,
    },
    claim,
    caller.now,
  );
  // The key was taken meanwhile by a different request: answer as earlierResult does.
  if (runId === null) {
    await earlierResult(db, claim);
    throw new ApiError(409, 'idempotency_key_reused', 'Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng một khoá mới');
  }
  const billed = await existingImportKeys(
    db,
    caller.billerId,
    planned.bills.map((bill) => bill.key),
  );
  await writeNewBills(
    db,
    planned.bills
      .filter((bill) => !billed.has(bill.key))
      .map((bill) => ({
        billerId: caller.billerId,
        type: defaultBillType(caller.billerKind),
        payerName: bill.payer.payerName,
        payerRef: bill.payer.payerRef,
        description: bill.description,
        amount: bill.amount,
        dueDate: bill.dueDate,
        createdBy: caller.userId,
        importKey: bill.key,
        payerGroup: bill.payer.group,
        payerPhone: bill.payer.phone,
        billRunId: runId,
      })),
    caller.now,
  );
  return { run: (await findBillRun(db, caller.billerId, runId))!, created: runId === newRunId };
}
