/**
 * Reading uploaded tables (bank statements, bill lists) from Excel `.xlsx` files.
 *
 * One reader for every feature that takes a spreadsheet, so each parser above it sees the
 * same cells: text exactly as typed (never trimmed), numbers as the exact digits Excel
 * stored (so amounts are parsed as integers, never through a float), and date cells as
 * `Date` values holding the wall-clock time Excel showed, labelled UTC (Excel has no time
 * zones; bank exports mean Vietnam time, which the caller applies).
 *
 * The library is read-excel-file (MIT, maintained). Its `/node` entry point is the one
 * that works in workerd (with `nodejs_compat`) for files of any size: the `/universal`
 * and `/browser` builds unzip through a Web Worker above 512 KB, which workerd does not
 * have. npm's `xlsx` 0.18.5 is not used: it is unmaintained there and has published
 * advisories (GHSA-4r6h-8v6p-xvw6, GHSA-5pgg-2g8v-p4x9). See docs/spreadsheets.md.
 */
import { Buffer } from 'node:buffer';
import readXlsxFile from 'read-excel-file/node';

/** One cell: text or a number's digits as stored, a date, or empty. */
export type SheetCell = string | Date | null;
export type SheetRow = SheetCell[];

export interface Sheet {
  name: string;
  rows: SheetRow[];
}

/** A file that is not a readable `.xlsx`, with a message a person can act on. */
export class SpreadsheetError extends Error {}

/** Whether the bytes start like a ZIP archive, which every `.xlsx` is. */
export function looksLikeXlsx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Whether the bytes are an old binary Excel file (.xls, OLE2), which we do not read. */
export function looksLikeXls(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
}

function toCell(value: unknown): SheetCell {
  if (value === null || value === undefined) return null;
  // Excel keeps a time as a fraction of a day, which comes back a few ms off (09:14:59.999):
  // no statement or bill carries sub-second times, so the nearest second is the time shown.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : new Date(Math.round(value.getTime() / 1000) * 1000);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

/**
 * Every sheet of an `.xlsx` file, rows top to bottom, at most `maxRows` rows in all.
 *
 * @throws {SpreadsheetError} for an `.xls` file, a file that is not a spreadsheet, a
 *   damaged one, or one with more rows than `maxRows` (the message says how to fix it).
 * @example
 * const [sheet] = await readSpreadsheet(bytes, { maxRows: 20_000 });
 * sheet.rows[0] // ['Ngày giao dịch', 'Số tham chiếu', 'Số tiền ghi có', 'Mô tả']
 */
export async function readSpreadsheet(bytes: Uint8Array, { maxRows }: { maxRows: number }): Promise<Sheet[]> {
  if (looksLikeXls(bytes)) {
    throw new SpreadsheetError('Tệp .xls (Excel 97–2003) chưa được hỗ trợ: hãy mở tệp bằng Excel và lưu lại dưới dạng .xlsx.');
  }
  if (!looksLikeXlsx(bytes)) throw new SpreadsheetError('Tệp không phải bảng tính Excel .xlsx.');
  let sheets: Array<{ sheet: string; data: unknown[][] }>;
  try {
    sheets = (await readXlsxFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      trim: false,
      // The digits as stored: amounts become integers without passing through a float.
      parseNumber: (text: string) => text,
    })) as unknown as Array<{ sheet: string; data: unknown[][] }>;
  } catch (error) {
    throw new SpreadsheetError(
      `Không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng .xlsx): ${String((error as Error)?.message ?? error).slice(0, 200)}`,
    );
  }
  const total = sheets.reduce((sum, sheet) => sum + sheet.data.length, 0);
  if (total > maxRows) {
    throw new SpreadsheetError(
      `Tệp có ${total.toLocaleString('vi-VN')} dòng, quá giới hạn ${maxRows.toLocaleString('vi-VN')} dòng cho một lần tải lên: hãy tách thành nhiều tệp nhỏ hơn.`,
    );
  }
  return sheets.map((sheet) => ({ name: sheet.sheet, rows: sheet.data.map((row) => row.map(toCell)) }));
}

/**
 * The text of a cell as a person reads it: dates as dd/mm/yyyy (with HH:mm:ss when they
 * carry a time), everything else as stored.
 *
 * @example cellText(new Date(Date.UTC(2026, 10, 30))) // "30/11/2026"
 */
export function cellText(cell: SheetCell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell;
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${pad(cell.getUTCDate())}/${pad(cell.getUTCMonth() + 1)}/${cell.getUTCFullYear()}`;
  const seconds = cell.getUTCHours() * 3600 + cell.getUTCMinutes() * 60 + cell.getUTCSeconds();
  return seconds === 0 ? date : `${date} ${pad(cell.getUTCHours())}:${pad(cell.getUTCMinutes())}:${pad(cell.getUTCSeconds())}`;
}
