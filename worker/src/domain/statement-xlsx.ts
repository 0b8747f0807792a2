/**
 * Bank statements as the banks export them: Excel `.xlsx` from internet banking. Read by
 * meaning, not by position: the header row is found wherever it is by its column names
 * (domain/statement-csv.ts `BANK_HEADERS`: Có, Ghi có, Phát sinh có, Tiền gửi vào, Credit…),
 * title, opening, closing and total rows are skipped by rule, dates are text (`dd/mm/yyyy`,
 * with or without a time) or Excel dates, merged date cells are filled down, and "VND" is
 * stripped; then every row goes through the same row reader as a CSV statement, so both
 * kinds of file give the same credits.
 *
 * Layouts (detected by their titles, for the messages; parsing does not depend on the bank):
 * - Vietcombank, one account: "Số tài khoản", "Loại tiền / Currency"; `Ngày giao dịch`,
 *   `Số tham chiếu`, `Số tiền ghi nợ` / `Số tiền ghi có`, `Mô tả`.
 * - Vietcombank CashUp, several accounts: "VCB CASHUP", one section per "Số tài khoản … Account
 *   Number" with `Ngày`, `Nợ`, `Có`; only the section of the uploaded account is read.
 * - BIDV: "NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM", "BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN";
 *   `Ngày hiệu lực`, `Ghi nợ`, `Ghi có`, `Mô tả`, `Số dư`; "Dư đầu", "Dư cuối" rows.
 * - MB: "NGÂN HÀNG TMCP QUÂN ĐỘI", "SAO KÊ CHI TIẾT TÀI KHOẢN"; bilingual `Ngày hạch toán /
 *   Posting date`, `Phát sinh nợ`, `Phát sinh có`.
 * - ACB: "BẢNG SAO KÊ GIAO DỊCH"; `Tiền gửi vào`, `Tiền rút ra`.
 * - VietinBank (eFAST): "NGÂN HÀNG TMCP CÔNG THƯƠNG", "LỊCH SỬ GIAO DỊCH - TRANSACTION
 *   HISTORY"; `Ngày hạch toán`, `Mô tả giao dịch`, `Nợ / Debit`, `Có / Credit`, merged dates.
 * Source: an open-source multi-bank statement parser family
 * (`app/domain/finance/bank_statement_parser/parsers/*`, its repository unnamed in our notes);
 * exact capitalisation is unverified, hence matching folded text. Real exports from pilot
 * customers should be added as fixtures (docs/spreadsheets.md).
 */
import { foldVietnamese } from './search-text.ts';
import { cellText, readSpreadsheet, type SheetRow, SpreadsheetError } from './spreadsheet.ts';
import { createRowReader, type ParsedStatement, StatementFormatError } from './statement-csv.ts';

export const STATEMENT_BANKS = [
  { name: 'Vietcombank CashUp', markers: ['vcb cashup'] },
  { name: 'BIDV', markers: ['dau tu va phat trien viet nam', 'bao cao chi tiet so du tai khoan'] },
  { name: 'MB', markers: ['tmcp quan doi', 'sao ke chi tiet tai khoan'] },
  { name: 'ACB', markers: ['bang sao ke giao dich', 'a chau'] },
  { name: 'VietinBank', markers: ['tmcp cong thuong', 'lich su giao dich - transaction history'] },
  { name: 'Vietcombank', markers: ['ngoai thuong', 'loai tien / currency', 'vietcombank'] },
] as const;

export type StatementBank = (typeof STATEMENT_BANKS)[number]['name'];

const KNOWN_BANKS = 'Vietcombank, Vietcombank CashUp, BIDV, MB, ACB, VietinBank';

const fold = (text: string) => foldVietnamese(text).replace(/\s+/g, ' ').trim();

/** Which bank's export this looks like, from its title rows; null when none is recognised. */
export function detectStatementBank(rows: readonly string[][]): StatementBank | null {
  const top = rows
    .slice(0, 30)
    .map((row) => fold(row.join(' ')))
    .join(' | ');
  for (const bank of STATEMENT_BANKS) if (bank.markers.some((marker) => top.includes(marker))) return bank.name;
  return null;
}

/** A row that opens one account's section of a multi-account export, and that account's number. */
function sectionAccount(row: readonly string[]): string | null {
  const text = fold(row.join(' '));
  if (!text.includes('so tai khoan') && !text.includes('account number') && !text.includes('account no')) return null;
  return /(?:^|\D)(\d{6,19})(?:\D|$)/.exec(row.join(' '))?.[1] ?? null;
}

/**
 * The rows to read for `accountNumber`: the whole sheet, or, when it holds sections for
 * several accounts, that account's section.
 */
function rowsForAccount(rows: readonly string[][], accountNumber: string): Array<{ row: string[]; line: number }> {
  const numbered = rows.map((row, index) => ({ row, line: index + 1 }));
  const starts = numbered.filter(({ row }) => sectionAccount(row) !== null);
  const accounts = [...new Set(starts.map(({ row }) => sectionAccount(row)!))];
  if (accounts.length <= 1) return numbered;
  const own = starts.findIndex(({ row }) => sectionAccount(row) === accountNumber);
  if (own < 0) {
    throw new StatementFormatError(
      null,
      `tệp có sao kê của các tài khoản ${accounts.join(', ')}, không có tài khoản ${accountNumber}: hãy chọn đúng tài khoản khi tải lên`,
    );
  }
  const from = starts[own]!.line - 1;
  const next = starts.slice(own + 1).find(({ row }) => sectionAccount(row) !== accountNumber);
  return numbered.slice(from, next ? next.line - 1 : undefined);
}

const asText = (rows: readonly SheetRow[]): string[][] => rows.map((row) => row.map(cellText));

/** Reads the rows of one sheet as a statement; null if no header row is found in it. */
export function parseStatementSheet(rows: readonly SheetRow[], accountNumber: string): ParsedStatement | null {
  const text = asText(rows);
  const reader = createRowReader({ fillDownDates: true });
  for (const { row, line } of rowsForAccount(text, accountNumber)) reader.readRow(row, null, line);
  return reader.finish();
}

/**
 * A bank's `.xlsx` statement for `accountNumber`, read whole, or rejected whole.
 *
 * @throws {StatementFormatError} for a file that is not a readable `.xlsx` (an old `.xls`
 *   included), has no recognisable header, or has a malformed line (with its row number).
 */
export async function parseStatementXlsx(
  bytes: Uint8Array,
  { accountNumber, maxRows, maxBytes = Number.POSITIVE_INFINITY }: { accountNumber: string; maxRows: number; maxBytes?: number },
): Promise<ParsedStatement> {
  if (bytes.length > maxBytes) {
    throw new StatementFormatError(
      null,
      `tệp Excel lớn hơn ${Math.round(maxBytes / 1024 / 1024)} MB: hãy xuất sao kê theo khoảng ngày ngắn hơn, hoặc tải lên dạng CSV (tối đa 16 MB)`,
    );
  }
  let sheets: Awaited<ReturnType<typeof readSpreadsheet>>;
  try {
    sheets = await readSpreadsheet(bytes, { maxRows });
  } catch (error) {
    if (error instanceof SpreadsheetError) throw new StatementFormatError(null, error.message);
    throw error;
  }
  for (const sheet of sheets) {
    const parsed = parseStatementSheet(sheet.rows, accountNumber);
    if (parsed !== null) return parsed;
  }
  const bank = sheets.map((sheet) => detectStatementBank(asText(sheet.rows.slice(0, 30)))).find((name) => name !== null);
  throw new StatementFormatError(
    null,
    (bank
      ? `tệp giống sao kê ${bank} nhưng không tìm thấy dòng tiêu đề có cột ngày và cột tiền vào. `
      : 'không nhận ra mẫu sao kê của tệp Excel này. ') +
      `Các mẫu đọc được: ${KNOWN_BANKS}. Hãy tải lên đúng tệp tải về từ ngân hàng điện tử, không sửa, hoặc tệp CSV.`,
  );
}
