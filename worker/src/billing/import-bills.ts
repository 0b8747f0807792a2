/**
 * Bills from a file: read it whole, refuse it whole when any row is wrong (with every
 * row's reason), and otherwise write every new bill in one db.batch. A row whose bill was
 * imported before (same biller, payer reference and description) is not written again.
 */

import type { BillType } from '../db/bills';
import { existingImportKeys, insertImportedBillsStatements, type NewImportedBill } from '../db/bills';
import { BILL_IMPORT_MAX_BYTES, BILL_IMPORT_MAX_ROWS, readBillRows } from '../domain/bill-import';
import { type BillerKind, defaultBillType, issuesBillType } from '../domain/billers';
import { newBillCode } from '../domain/codes';
import { newId } from '../domain/tokens';
import { ApiError } from '../errors';
import { readTableFile } from './table-file';

export interface BillImportSummary {
  rows: number;
  created: number;
  alreadyImported: number;
}

const rejected = (details: Array<{ path: string; message: string }>) =>
  new ApiError(400, 'import_rejected', 'Chưa tạo hoá đơn nào: hãy sửa các dòng được liệt kê rồi tải tệp lên lại', details.slice(0, 200));

export async function importBills(
  db: D1Database,
  input: { file: File; billerId: string; billerKind: BillerKind; billType?: BillType; createdBy: string; now: string },
): Promise<BillImportSummary> {
  const type = input.billType ?? defaultBillType(input.billerKind);
  if (!issuesBillType(input.billerKind, type)) {
    throw new ApiError(400, 'validation_failed', 'Đơn vị của bạn không phát hành loại hoá đơn này', [
      { path: 'type', message: `Không thu loại «${type}»` },
    ]);
  }
  if (input.file.size > BILL_IMPORT_MAX_BYTES) {
    throw new ApiError(413, 'payload_too_large', 'Tệp hoá đơn tối đa 2 MB: hãy tách thành nhiều tệp');
  }
  const table = await readTableFile(input.file, BILL_IMPORT_MAX_ROWS + 50);
  if (!table.ok) throw rejected([{ path: 'file', message: table.message }]);
  const result = readBillRows(table.rows);
  if (!result.ok) throw rejected(result.problems.map((p) => ({ path: `row ${p.row}`, message: p.message })));
  const existing = await existingImportKeys(
    db,
    input.billerId,
    result.bills.map((b) => b.importKey),
  );
  const fresh = result.bills.filter((b) => !existing.has(b.importKey));
  const created = await writeNewBills(
    db,
    fresh.map((row) => ({
      billerId: input.billerId,
      type,
      payerName: row.payerName,
      payerRef: row.payerRef,
      description: row.description,
      amount: row.amount,
      dueDate: row.dueDate,
      createdBy: input.createdBy,
      importKey: row.importKey,
      payerGroup: row.group,
      payerPhone: row.phone,
    })),
    input.now,
  );
  return { rows: result.bills.length, created, alreadyImported: existing.size };
}

/**
 * The one bill writer for bills in bulk (a file, a bill run): every bill in one db.batch, each
 * with a fresh id and code. A bill whose import key the biller has already is skipped, so a
 * retry creates nothing twice. Returns how many bills it was asked to write.
 */
export async function writeNewBills(
  db: D1Database,
  bills: ReadonlyArray<Omit<NewImportedBill, 'id' | 'code'>>,
  now: string,
): Promise<number> {
  if (bills.length === 0) return 0;
  // A drawn code that is already taken fails the batch as a whole; draw again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const drawn: NewImportedBill[] = bills.map((bill) => ({ ...bill, id: newId('bil'), code: newBillCode() }));
    try {
      await db.batch(insertImportedBillsStatements(db, drawn, now));
      return drawn.length;
    } catch (error) {
      if (!String((error as Error)?.message).includes('bills.code')) throw error;
    }
  }
  throw new ApiError(409, 'conflict', 'Chưa tạo được mã hoá đơn mới; hãy thử lại');
}
