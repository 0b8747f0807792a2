/**
 * Reading a bank statement (CSV, or a bank's Excel export saved as CSV) into bank
 * credits: the statement adapter onto the one internal bank credit shape
 * (domain/bank-credit.ts; docs/vietqr.md, "Confirmation").
 *
 * All or nothing: a file with one malformed line is rejected as a whole, with the line
 * number, so that a person fixes the file instead of reconciling half of it. What we skip
 * on purpose (debit lines, preamble rows above the header, summary and signature rows at
 * the end) is skipped by rule, never because it failed to parse.
 *
 * Runs inside workerd: papaparse and plain string work only, no Node APIs.
 */
import Papa from 'papaparse';
import type { StatementLine } from './bank-credit.ts';
import { formatVnd, MAX_AMOUNT } from './money.ts';
import { foldVietnamese } from './search-text.ts';
import { VIETNAM_OFFSET_MS, vietnamDate } from './vietnam-time.ts';

export interface ParsedStatement {
  format: 'generic' | 'bank_export';
  credits: StatementLine[];
  /**
   * Money out of the account, each with its amount as a positive number of đồng. Imports
   * match debits that carry a payout reference (reconciliation/statement-debits.ts); the
   * transaction id may be empty, since banks number debits less reliably than credits.
   */
  debits: StatementLine[];
  /** Earliest and latest Vietnam date (YYYY-MM-DD) of any dated line, debits included. */
  firstDate: string | null;
  lastDate: string | null;
}

/** Why a statement file was rejected; `lineNumber` is null when no line is to blame. */
export class StatementFormatError extends Error {
  // A declared field, not a parameter property: Node runs this file by stripping types
  // (bench/), and parameter properties are not erasable syntax.
  readonly lineNumber: number | null;

  constructor(lineNumber: number | null, message: string) {
    super(lineNumber === null ? message : `Dòng ${lineNumber}: ${message}`);
    this.name = 'StatementFormatError';
    this.lineNumber = lineNumber;
  }
}

/** Vietnam has used UTC+7 all year since 1975, with no daylight saving. */

type Column = 'date' | 'credit' | 'debit' | 'description' | 'transactionId';

/** Header names in Vietnamese bank exports, best first when a file has several. */
export const BANK_HEADERS: Record<Column, readonly string[]> = {
  // Posting date first: it is the bank's day for the money (MB, VietinBank, BIDV have both).
  date: ['Ngày hạch toán', 'Ngày hiệu lực', 'Ngày giao dịch', 'Ngày GD', 'Ngày', 'Posting date', 'Transaction date', 'Date'],
  credit: ['Số tiền ghi có', 'Ghi có', 'Phát sinh có', 'Tiền gửi vào', 'Có', 'Credit'],
  debit: ['Số tiền ghi nợ', 'Ghi nợ', 'Phát sinh nợ', 'Tiền rút ra', 'Nợ', 'Debit'],
  description: ['Nội dung', 'Mô tả', 'Diễn giải', 'Nội dung giao dịch', 'Mô tả giao dịch', 'Nội dung chi tiết', 'Description'],
  transactionId: ['Số tham chiếu', 'Mã giao dịch', 'Số bút toán', 'Mã GD', 'Số GD', 'Số giao dịch', 'Số CT', 'Reference', 'Reference No'],
};

const GENERIC_HEADERS = { date: 'bookedAt', amount: 'amount', description: 'description', transactionId: 'transactionId' } as const;

/**
 * Folded first words of rows that total or sum up the statement. Such rows have no date
 * and are skipped wherever they are ("Số dư đầu kỳ" often sits right under the header).
 */
const SUMMARY_LABEL_PREFIXES = [
  'tongcong',
  'tongso',
  'tongphatsinh',
  'congphatsinh',
  'sodu',
  'dudau',
  'ducuoi',
  'cuoingay',
  'total',
  'balance',
  'opening',
  'closing',
];
const SUMMARY_LABELS_EXACT = ['cong', 'tong'];

/**
 * A header cell as a comparable key: the part before any "(", "/" or line break (exports
 * add units and English, "Ghi có (VND)", "Ngày GD/ TXN Date", "Ghi có\nCredit"), folded,
 * with everything but letters and digits removed.
 */
function headerKey(cell: string): string {
  return foldVietnamese(cell.split(/[(/\r\n]/, 1)[0] ?? '').replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A cell folded for looking for summary labels. */
function labelKey(cell: string): string {
  return foldVietnamese(cell).replace(/[^\p{L}\p{N}]+/gu, '');
}

const BANK_KEYS = Object.fromEntries(Object.entries(BANK_HEADERS).map(([column, names]) => [column, names.map(headerKey)])) as Record<
  Column,
  string[]
>;

interface Layout {
  format: ParsedStatement['format'];
  headerLine: number;
  /** Columns the header names; a row may carry more cells only if they are empty. */
  width: number;
  /** One past the last non-empty header cell; a row may not be shorter. */
  required: number;
  date: number;
  /** The amount column of generic files, the credit column of bank exports. */
  amount: number;
  debit: number | null;
  description: number;
  /** -1 when a bank's export has no reference column (VietinBank, CashUp): lines get a stable id of their content. */
  transactionId: number;
}

export function quoteList(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

/** The layout if `row` is a header row, null if it is not one (a preamble row, say). */
function layoutOf(row: readonly string[], lineNumber: number): Layout | null {
  const keys = row.map(headerKey);
  let required = 0;
  for (let index = 0; index < row.length; index += 1) if (row[index]!.trim() !== '') required = index + 1;
  const base = { headerLine: lineNumber, width: row.length, required };

  const genericIndex = (name: string) => keys.indexOf(headerKey(name));
  const generic = {
    date: genericIndex(GENERIC_HEADERS.date),
    amount: genericIndex(GENERIC_HEADERS.amount),
    description: genericIndex(GENERIC_HEADERS.description),
    transactionId: genericIndex(GENERIC_HEADERS.transactionId),
  };
  if (generic.date >= 0 && generic.amount >= 0) {
    const missing = Object.entries(generic).filter(([, index]) => index < 0);
    if (missing.length > 0) {
      const names = missing.map(([column]) => GENERIC_HEADERS[column as keyof typeof GENERIC_HEADERS]);
      throw new StatementFormatError(lineNumber, `dòng tiêu đề thiếu cột ${names.join(' hoặc ')}`);
    }
    return { ...base, format: 'generic', ...generic, debit: null };
  }

  const bankIndex = (column: Column): number => {
    for (const key of BANK_KEYS[column]) {
      const index = keys.indexOf(key);
      if (index >= 0) return index;
    }
    return -1;
  };
  const date = bankIndex('date');
  const credit = bankIndex('credit');
  if (date < 0 || credit < 0) return null;
  const description = bankIndex('description');
  const transactionId = bankIndex('transactionId');
  for (const [column, name, index] of [['description', 'nội dung', description]] as const) {
    if (index < 0) {
      throw new StatementFormatError(
        lineNumber,
        `dòng tiêu đề thiếu cột ${name} (cần một trong các cột ${quoteList(BANK_HEADERS[column])})`,
      );
    }
  }
  const debit = bankIndex('debit');
  return { ...base, format: 'bank_export', date, amount: credit, debit: debit < 0 ? null : debit, description, transactionId };
}

const AMOUNT = /^([+-]?)(\d[\d.,]*)(?:VND|VNĐ|đ|₫)?$/iu;
const WHITE_SPACE = /[\s\u00a0\u202f]+/g;

/**
 * Whole đồng from an amount as banks and spreadsheets write it: `1.234.567`,
 * `1,234,567`, `1234567`, `1.234.567 VND`, `1 234 567`, `1,234,567.00`, `1.234.567,00`.
 * A separator followed by exactly three digits after at most three leading digits is a
 * thousands separator ("1,234" is 1234 đồng); otherwise the last separator starts a
 * decimal part, which must be zero: VND has no minor unit, so "12,5" is a mistake, not
 * 12 đồng and a half. Empty means no amount (null).
 */
function parseAmount(raw: string, lineNumber: number): number | null {
  const compact = raw.replace(WHITE_SPACE, '');
  if (compact === '') return null;
  const match = AMOUNT.exec(compact);
  if (match === null) throw new StatementFormatError(lineNumber, `"${raw}" không phải là số tiền (đồng)`);
  const sign = match[1] === '-' ? -1 : 1;
  const number = match[2]!;

  const lastDot = number.lastIndexOf('.');
  const lastComma = number.lastIndexOf(',');
  let integerPart = number;
  let fraction: string | null = null;
  let thousands: '.' | ',' | null = null;
  if (lastDot >= 0 && lastComma >= 0) {
    const at = Math.max(lastDot, lastComma);
    thousands = at === lastDot ? ',' : '.';
    integerPart = number.slice(0, at);
    fraction = number.slice(at + 1);
  } else if (lastDot >= 0 || lastComma >= 0) {
    const separator = lastDot >= 0 ? '.' : ',';
    const at = Math.max(lastDot, lastComma);
    const groupsOfThree = number.indexOf(separator) !== at || (number.length - at - 1 === 3 && at <= 3 && number[0] !== '0');
    if (groupsOfThree) thousands = separator;
    else {
      integerPart = number.slice(0, at);
      fraction = number.slice(at + 1);
    }
  }
  const grouping = thousands === null ? /^\d+$/ : thousands === '.' ? /^\d{1,3}(?:\.\d{3})*$/ : /^\d{1,3}(?:,\d{3})*$/;
  if (!grouping.test(integerPart) || (fraction !== null && !/^\d+$/.test(fraction))) {
    throw new StatementFormatError(lineNumber, `"${raw}" không phải là số tiền (đồng)`);
  }
  if (fraction !== null && /[1-9]/.test(fraction)) {
    throw new StatementFormatError(lineNumber, `"${raw}" không phải là số nguyên đồng (tiền đồng không có phần lẻ)`);
  }
  const value = Number(thousands === null ? integerPart : integerPart.split(thousands).join(''));
  if (!Number.isSafeInteger(value)) throw new StatementFormatError(lineNumber, `"${raw}" là số tiền quá lớn`);
  return sign * value;
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const DAY_MONTH_YEAR = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function notADate(raw: string, lineNumber: number): StatementFormatError {
  return new StatementFormatError(
    lineNumber,
    `"${raw}" không phải là ngày (cần dạng dd/mm/yyyy, hoặc ISO 8601 như 2025-06-01T10:15:00+07:00)`,
  );
}

/**
 * Milliseconds since the epoch for a statement date: ISO 8601 (`2025-06-01`,
 * `2025-06-01T10:15:00+07:00`, `…Z`) or `dd/mm/yyyy` with an optional ` HH:mm[:ss]`.
 * Without a zone it is Vietnam time, which is what Vietnamese banks print.
 */
function parseDate(raw: string, lineNumber: number): number {
  const fail = (): never => {
    throw notADate(raw, lineNumber);
  };
  let year: number,
    month: number,
    day: number,
    hour = 0,
    minute = 0,
    second = 0,
    millisecond = 0;
  let offsetMs = VIETNAM_OFFSET_MS;
  const iso = ISO_DATE_TIME.exec(raw);
  const dmy = iso === null ? DAY_MONTH_YEAR.exec(raw) : null;
  if (iso !== null) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (iso[4] !== undefined) [hour, minute, second] = [Number(iso[4]), Number(iso[5]), Number(iso[6] ?? 0)];
    if (iso[7] !== undefined) millisecond = Math.floor(Number(`0.${iso[7]}`) * 1000);
    const zone = iso[8];
    if (zone !== undefined) {
      if (zone.toUpperCase() === 'Z') offsetMs = 0;
      else {
        const digits = zone.slice(1).replace(':', '');
        const [zoneHours, zoneMinutes] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || 0)];
        if (zoneHours > 14 || zoneMinutes > 59) fail();
        offsetMs = (zone[0] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes) * 60_000;
      }
    }
  } else if (dmy !== null) {
    [day, month, year] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
    if (dmy[4] !== undefined) [hour, minute, second] = [Number(dmy[4]), Number(dmy[5]), Number(dmy[6] ?? 0)];
  } else return fail();
  // Date.UTC reads years 0-99 as 19xx; no bank statement is that old anyway.
  if (year < 1900 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) fail();
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) fail();
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offsetMs;
}

function isBlank(row: readonly string[]): boolean {
  for (const cell of row) if (cell.trim() !== '') return false;
  return true;
}

function isSummaryRow(row: readonly string[]): boolean {
  for (const cell of row) {
    const key = labelKey(cell);
    if (key === '') continue;
    if (SUMMARY_LABELS_EXACT.includes(key) || SUMMARY_LABEL_PREFIXES.some((prefix) => key.startsWith(prefix))) return true;
  }
  return false;
}

/** What a papaparse error means to the person who exported the file. */
function quoteProblem(code: string): string {
  if (code === 'MissingQuotes') return 'có một ô mở ngoặc kép mà không đóng (thiếu một dấu ")';
  if (code === 'InvalidQuotes') return 'có một ô còn chữ sau dấu ngoặc kép đóng';
  return 'không đọc được dòng này theo dạng CSV';
}

/** Counts line breaks (\n, \r\n or a lone \r) in text[from, to). */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = from; index < to; index += 1) {
    const codeUnit = text.charCodeAt(index);
    if (codeUnit === 10 || (codeUnit === 13 && text.charCodeAt(index + 1) !== 10)) count += 1;
  }
  return count;
}

/**
 * A stable id for a bank line that has no reference of its own: the same line imported
 * again (from a later, overlapping statement) gets the same id, so it is never counted twice;
 * two identical transfers on one day are told apart by their order.
 */
function contentId(bookedAt: string, amount: number, description: string, occurrence: number): string {
  // FNV-1a, 64 bits: a short deterministic digest; collisions only merge identical-looking lines.
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(`${bookedAt}|${amount}|${description}|${occurrence}`)) {
    hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  }
  return `L${hash.toString(36).toUpperCase()}`;
}

export interface RowReaderOptions {
  /** Spreadsheets merge the date cell of a day's lines: an empty date then means the one above. */
  fillDownDates?: boolean;
}

/**
 * Reads a statement row by row, whatever the file was (CSV rows, a sheet's rows as text):
 * finds the header, then turns each row into a credit or a debit, or rejects it.
 */
export function createRowReader({ fillDownDates = false }: RowReaderOptions = {}) {
  let layout: Layout | null = null;
  const credits: StatementLine[] = [];
  const lineOfTransaction = new Map<string, number>();
  const occurrences = new Map<string, number>();
  const debits: StatementLine[] = [];
  let firstMs = Infinity;
  let lastMs = -Infinity;
  let lastDateCell = '';
  /** Why the first note row (no date, no money) would be wrong if a dated row followed it. */
  let pendingNote: StatementFormatError | null = null;

  /** `problem` is what made the row unreadable as text (a CSV quoting error), if anything. */
  const readRow = (row: string[], problem: string | null, line: number): void => {
    if (isBlank(row)) return;
    if (layout === null) {
      // Title rows above the header are free text; a stray quote there (or this being
      // the wrong delimiter) is no reason to reject the file.
      if (problem === null) layout = layoutOf(row, line);
      return;
    }
    if (problem !== null) throw new StatementFormatError(line, problem);
    const cell = (index: number): string => (index < 0 ? '' : (row[index] ?? '').trim());

    let dateCell = cell(layout.date);
    const hasMoney = /\d/.test(cell(layout.amount)) || (layout.debit !== null && /\d/.test(cell(layout.debit)));
    if (dateCell === '' && fillDownDates && lastDateCell !== '' && hasMoney && !isSummaryRow(row)) dateCell = lastDateCell;
    if (!ISO_DATE_TIME.test(dateCell) && !DAY_MONTH_YEAR.test(dateCell)) {
      // Summary rows often put their label in the date column ("Tổng cộng,,,1.350.000").
      if (isSummaryRow(row)) return;
      const dataLike = hasMoney || cell(layout.transactionId) !== '';
      const notDated = dateCell === '' ? new StatementFormatError(line, 'dòng không có ngày') : notADate(dateCell, line);
      if (dataLike) throw notDated;
      // A note or signature row ("Người lập biểu"): fine at the end of the file. In the
      // middle it is more likely a broken row, reported once a dated row follows it.
      pendingNote ??= notDated;
      return;
    }
    if (pendingNote !== null) throw pendingNote;
    lastDateCell = dateCell;

    if (row.length < layout.required || (row.length > layout.width && !isBlank(row.slice(layout.width)))) {
      throw new StatementFormatError(
        line,
        `dòng có ${row.length} cột, còn dòng tiêu đề (dòng ${layout.headerLine}) có ${layout.width} cột`,
      );
    }
    const bookedMs = parseDate(dateCell, line);
    firstMs = Math.min(firstMs, bookedMs);
    lastMs = Math.max(lastMs, bookedMs);
    const bookedAt = new Date(bookedMs).toISOString();
    const description = cell(layout.description);
    const idOf = (amount: number): string => {
      if (layout!.transactionId >= 0) return cell(layout!.transactionId);
      const key = `${bookedAt}|${amount}|${description}`;
      const occurrence = (occurrences.get(key) ?? 0) + 1;
      occurrences.set(key, occurrence);
      return contentId(bookedAt, amount, description, occurrence);
    };
    const debitLine = (amount: number): StatementLine => ({
      lineNumber: line,
      transactionId: idOf(-amount),
      bookedAt,
      amount,
      description,
    });

    const amount = parseAmount(cell(layout.amount), line) ?? 0;
    if (layout.format === 'generic') {
      if (amount === 0) throw new StatementFormatError(line, 'số tiền trống hoặc bằng 0: không phải tiền vào, cũng không phải tiền ra');
      if (amount < 0) {
        debits.push(debitLine(-amount));
        return;
      }
    } else {
      if (amount < 0) throw new StatementFormatError(line, `"${cell(layout.amount)}" là số tiền vào âm`);
      const debit = layout.debit === null ? null : parseAmount(cell(layout.debit), line);
      if (amount === 0) {
        if (debit !== null && debit > 0) debits.push(debitLine(debit));
        return;
      }
      if (debit !== null && debit !== 0) throw new StatementFormatError(line, 'dòng có cả tiền vào lẫn tiền ra');
    }
    if (amount > MAX_AMOUNT) {
      throw new StatementFormatError(
        line,
        `số tiền vào "${cell(layout.amount)}" vượt quá mức tối đa ${formatVnd(MAX_AMOUNT)} cho một khoản`,
      );
    }

    const transactionId = idOf(amount);
    if (transactionId === '') throw new StatementFormatError(line, 'dòng không có mã giao dịch');
    const firstLine = lineOfTransaction.get(transactionId);
    if (firstLine !== undefined) {
      throw new StatementFormatError(line, `mã giao dịch "${transactionId}" đã có ở dòng ${firstLine}`);
    }
    lineOfTransaction.set(transactionId, line);
    credits.push({ lineNumber: line, transactionId, bookedAt, amount, description });
  };

  /** The statement read, or null if no header row turned up. */
  const finish = (): ParsedStatement | null => {
    const found = layout as Layout | null;
    if (found === null) return null;
    const dated = firstMs !== Infinity;
    return {
      format: found.format,
      credits,
      debits,
      firstDate: dated ? vietnamDate(new Date(firstMs)) : null,
      lastDate: dated ? vietnamDate(new Date(lastMs)) : null,
    };
  };
  return { readRow, finish };
}

/** Reads `text` with one delimiter; null if no header row turns up with it. */
function parseWith(text: string, delimiter: string): ParsedStatement | null {
  const reader = createRowReader();
  let rowStart = 0;
  let lineNumber = 1;
  // Row by row (step) rather than all at once, because only the step results carry the
  // cursor, and the cursor is how a row gets its line number when quoted cells span
  // lines. Blank rows are kept here (skipEmptyLines off) so that every row's start is
  // known; readRow skips them, as skipEmptyLines 'greedy' would.
  Papa.parse<string[]>(text, {
    header: false,
    delimiter,
    skipEmptyLines: false,
    step: (results) => {
      const rowEnd = results.meta.cursor;
      reader.readRow(results.data, results.errors.length > 0 ? quoteProblem(results.errors[0]!.code) : null, lineNumber);
      lineNumber += countLineBreaks(text, rowStart, rowEnd);
      rowStart = rowEnd;
    },
  });
  return reader.finish();
}

const DELIMITERS = [',', ';'];

/**
 * Parses a bank statement CSV into its credits, or rejects the whole file.
 *
 * Two layouts are read:
 * - generic: a header `bookedAt,amount,description,transactionId` in any column order;
 *   negative amounts are debits;
 * - Vietnamese bank exports (Vietcombank, BIDV, MB, ACB and the like): title rows may
 *   come before the header, which is the first row with a date column and a credit
 *   column; a row without a credit is a debit.
 * Header names are matched regardless of case, accents and spaces. Delimiter `,` or `;`.
 * Dates without a zone are Vietnam time (UTC+7). Debit lines come back apart, in `debits`;
 * summary rows without a date ("Tổng cộng", "Số dư cuối kỳ") are skipped.
 *
 * @throws {StatementFormatError} for an empty file, no header, or any malformed row (bad
 *   date or amount, missing or repeated transaction id, wrong number of columns), with
 *   the 1-based line number where the row starts.
 * @example
 * parseStatementCsv('bookedAt,amount,description,transactionId\n01/06/2025 10:15,350000,CS7KQM2X9G chuyen tien,FT001')
 * // { format: 'generic', debits: [], firstDate: '2025-06-01', lastDate: '2025-06-01', credits: [
 * //   { lineNumber: 2, transactionId: 'FT001', bookedAt: '2025-06-01T03:15:00.000Z', amount: 350000, description: 'CS7KQM2X9G chuyen tien' } ] }
 */
export function parseStatementCsv(text: string): ParsedStatement {
  const content = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (content.trim() === '') throw new StatementFormatError(null, 'tệp trống');

  // papaparse guesses from the first rows, and title rows above a bank export's header
  // can mislead it; if no header turns up, the other delimiter gets its chance.
  const guessed = Papa.parse<string[]>(content, { preview: 1, skipEmptyLines: 'greedy', delimitersToGuess: DELIMITERS }).meta.delimiter;
  const order = DELIMITERS.includes(guessed) ? [guessed, ...DELIMITERS.filter((delimiter) => delimiter !== guessed)] : DELIMITERS;
  for (const delimiter of order) {
    const parsed = parseWith(content, delimiter);
    if (parsed !== null) return parsed;
  }
  throw new StatementFormatError(
    null,
    'không tìm thấy dòng tiêu đề: cần các cột bookedAt,amount,description,transactionId, hoặc dòng tiêu đề của tệp sao kê ngân hàng ' +
      `có cột ngày (${quoteList(BANK_HEADERS.date)}) và cột tiền vào (${quoteList(BANK_HEADERS.credit)})`,
  );
}
