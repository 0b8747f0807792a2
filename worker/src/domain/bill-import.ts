/**
 * Reading a file of bills (CSV or `.xlsx`, one bill per row) into bills to issue, or the
 * list of rows that are wrong and why. Pure: the workflow (billing/import-bills.ts) reads
 * the bytes and writes the bills.
 *
 * Columns, in any order, named in English as the API documents them or in Vietnamese as a
 * school's spreadsheet has them: payerRef, payerName, description, amount, dueDate, and
 * optionally class/group and phone. Amounts are whole đồng ("350000", "350.000" or
 * "350,000"); due dates are YYYY-MM-DD, dd/mm/yyyy or an Excel date cell.
 */

import { amountProblem, isAcceptableAmount } from './money';
import { isIsoDate } from './ocop';
import { cellText, type SheetCell } from './spreadsheet';

/** At most this many bills per file: a whole school, inside the Workers limits. */
export const BILL_IMPORT_MAX_ROWS = 2000;
/** And at most this many bytes. */
export const BILL_IMPORT_MAX_BYTES = 2 * 1024 * 1024;

export type BillColumn = 'payerRef' | 'payerName' | 'description' | 'amount' | 'dueDate' | 'group' | 'phone';

const REQUIRED: readonly BillColumn[] = ['payerRef', 'payerName', 'description', 'amount', 'dueDate'];

/** Column names a person may write, folded (lower case, no accents, no spaces). */
export const HEADER_NAMES: Record<string, BillColumn> = {
  payerref: 'payerRef',
  mahocsinh: 'payerRef',
  makhachhang: 'payerRef',
  manguoinop: 'payerRef',
  mabenhnhan: 'payerRef',
  ma: 'payerRef',
  payername: 'payerName',
  hoten: 'payerName',
  hovaten: 'payerName',
  tennguoinop: 'payerName',
  description: 'description',
  noidung: 'description',
  khoanthu: 'description',
  amount: 'amount',
  sotien: 'amount',
  duedate: 'dueDate',
  hannop: 'dueDate',
  class: 'group',
  group: 'group',
  lop: 'group',
  nhom: 'group',
  phone: 'phone',
  sodienthoai: 'phone',
  dienthoai: 'phone',
};

/** The column names the template file uses. */
export const BILL_TEMPLATE_HEADER = ['payerRef', 'payerName', 'description', 'amount', 'dueDate', 'class', 'phone'] as const;

export const COLUMN_NAMES: Record<BillColumn, string> = {
  payerRef: 'mã người nộp (payerRef)',
  payerName: 'họ tên (payerName)',
  description: 'nội dung (description)',
  amount: 'số tiền (amount)',
  dueDate: 'hạn nộp (dueDate)',
  group: 'lớp/nhóm (class)',
  phone: 'số điện thoại (phone)',
};

export const foldHeader = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

export interface ImportedBillRow {
  /** 1-based, as the spreadsheet numbers it (the header is row 1). */
  row: number;
  payerRef: string;
  payerName: string;
  description: string;
  amount: number;
  /** YYYY-MM-DD */
  dueDate: string;
  group: string | null;
  phone: string | null;
  /** What makes the row the same bill when the file is imported again. */
  importKey: string;
}

export interface RowProblem {
  row: number;
  message: string;
}

export type BillFileResult = { ok: true; bills: ImportedBillRow[] } | { ok: false; problems: RowProblem[] };

/** The key of one bill in a file: the same payer billed for the same thing is the same bill. */
export const billImportKey = (payerRef: string, description: string): string =>
  `${payerRef.trim().toUpperCase()}\u001f${description.trim().replace(/\s+/g, ' ').toLowerCase()}`;

/** A phone number as a list has it: 8 to 15 digits, spaces or dots, perhaps a leading +. */
export const isPhoneText = (text: string): boolean => /^\+?[0-9 .]{8,15}$/.test(text);

/** Whole đồng from "350000", "350.000", "350,000" or "350 000"; null otherwise. */
export function parseDong(text: string): number | null {
  const compact = text.trim().replace(/\s|₫|đ$/gi, '');
  if (/^\d+$/.test(compact)) return Number(compact);
  if (/^\d{1,3}([.,]\d{3})+$/.test(compact)) return Number(compact.replace(/[.,]/g, ''));
  return null;
}

/** YYYY-MM-DD from "2026-11-30", "30/11/2026" or a date cell; null when not a real date. */
export function parseDueDate(cell: SheetCell): string | null {
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  const text = (cell ?? '').trim();
  if (isIsoDate(text)) return text;
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (!match) return null;
  const iso = `${match[3]}-${match[2]!.padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

export const LIMITS: Partial<Record<BillColumn, number>> = { payerRef: 50, payerName: 100, description: 200, group: 50, phone: 15 };

/** One data row of a table read by `readColumns`: its number as a spreadsheet shows it, and its cells by column. */
export interface TableRow {
  rowNumber: number;
  /** The column's text, trimmed; '' when the table has no such column. */
  text: (column: BillColumn) => string;
  cell: (column: BillColumn) => SheetCell;
}

/**
 * A table whose first non-empty row is the header (English names or Vietnamese ones, see
 * HEADER_NAMES), its data rows with their cells by column, empty rows left out; or the one
 * problem that stops reading it: an empty file, or a header without a required column. A file of
 * bills and a file of payers read the same way.
 */
export function readColumns(
  rows: readonly (readonly SheetCell[])[],
  options: { required: readonly BillColumn[]; emptyMessage: string; accepts?: readonly BillColumn[] },
): { ok: true; headerIndex: number; rows: TableRow[] } | { ok: false; problems: RowProblem[] } {
  const headerIndex = rows.findIndex((row) => row.some((cell) => cellText(cell).trim() !== ''));
  if (headerIndex < 0) return { ok: false, problems: [{ row: 1, message: options.emptyMessage }] };
  const columns = new Map<BillColumn, number>();
  rows[headerIndex]!.forEach((cell, index) => {
    const column = HEADER_NAMES[foldHeader(cellText(cell))];
    if (column && (!options.accepts || options.accepts.includes(column)) && !columns.has(column)) columns.set(column, index);
  });
  const missing = options.required.filter((column) => !columns.has(column));
  if (missing.length > 0) {
    return {
      ok: false,
      problems: [{ row: headerIndex + 1, message: `Dòng tiêu đề thiếu cột: ${missing.map((c) => COLUMN_NAMES[c]).join(', ')}` }],
    };
  }
  const dataRows: TableRow[] = [];
  for (let index = headerIndex + 1; index < rows.length; index++) {
    const row = rows[index]!;
    if (!row.some((cell) => cellText(cell).trim() !== '')) continue;
    const cell = (column: BillColumn): SheetCell => {
      const at = columns.get(column);
      return at === undefined ? null : (row[at] ?? null);
    };
    dataRows.push({ rowNumber: index + 1, cell, text: (column) => cellText(cell(column)).trim() });
  }
  return { ok: true, headerIndex, rows: dataRows };
}

/**
 * The bills in a table whose first non-empty row is the header, or every problem found
 * (each with its row number), so that a person fixes the whole file in one pass.
 *
 * @example readBillRows([['payerRef','payerName','description','amount','dueDate'], ['HS1','An','Học phí tháng 12/2026','350.000','15/12/2026']])
 * // { ok: true, bills: [{ row: 2, payerRef: 'HS1', amount: 350000, dueDate: '2026-12-15', … }] }
 */
export function readBillRows(rows: readonly (readonly SheetCell[])[]): BillFileResult {
  const table = readColumns(rows, {
    required: REQUIRED,
    emptyMessage: 'Tệp trống: hãy dùng tệp mẫu và điền mỗi hoá đơn một dòng',
  });
  if (!table.ok) return table;
  const { headerIndex } = table;
  const bills: ImportedBillRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const { rowNumber, text, cell } of table.rows) {
    const wrong: string[] = [];
    for (const column of ['payerRef', 'payerName', 'description'] as const) {
      if (text(column) === '') wrong.push(`thiếu ${COLUMN_NAMES[column]}`);
    }
    for (const [column, max] of Object.entries(LIMITS) as Array<[BillColumn, number]>) {
      if (text(column).length > max) wrong.push(`${COLUMN_NAMES[column]} dài quá ${max} ký tự`);
    }
    const amount = parseDong(text('amount'));
    if (amount === null || !isAcceptableAmount(amount)) wrong.push(amountProblem('Số tiền'));
    const dueDate = parseDueDate(cell('dueDate'));
    if (dueDate === null) wrong.push('hạn nộp không phải một ngày có thật (viết dd/mm/yyyy, ví dụ 30/11/2026)');
    const phone = text('phone');
    if (phone !== '' && !isPhoneText(phone)) wrong.push('số điện thoại chỉ gồm chữ số');
    const importKey = billImportKey(text('payerRef'), text('description'));
    const earlier = seen.get(importKey);
    if (text('payerRef') !== '' && earlier !== undefined) wrong.push(`trùng người nộp và nội dung với dòng ${earlier}`);
    if (wrong.length > 0) {
      problems.push({ row: rowNumber, message: `Dòng ${rowNumber}: ${wrong.join('; ')}` });
      continue;
    }
    seen.set(importKey, rowNumber);
    bills.push({
      row: rowNumber,
      payerRef: text('payerRef'),
      payerName: text('payerName'),
      description: text('description').replace(/\s+/g, ' '),
      amount: amount!,
      dueDate: dueDate!,
      group: text('group') || null,
      phone: phone.replace(/[ .]/g, '') || null,
      importKey,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (bills.length === 0) return { ok: false, problems: [{ row: headerIndex + 2, message: 'Tệp chưa có hoá đơn nào dưới dòng tiêu đề' }] };
  if (bills.length > BILL_IMPORT_MAX_ROWS) {
    return {
      ok: false,
      problems: [{ row: 1, message: `Tệp có ${bills.length} hoá đơn, tối đa ${BILL_IMPORT_MAX_ROWS} mỗi lần: hãy tách thành nhiều tệp` }],
    };
  }
  return { ok: true, bills };
}

/** The template a biller downloads: the header and one example row. */
export function billTemplateCsv(): string {
  return `\ufeff${BILL_TEMPLATE_HEADER.join(',')}\r\nHS-2026-0001,Nguyễn Văn An,Học phí tháng 12/2026,350000,15/12/2026,6A,0912345678\r\n`;
}
