/**
 * A biller's list of payers and the bills of one month for them. Pure: reading a file of
 * payers (the same columns and Vietnamese headers as a file of bills), and "bill each payer
 * once per period", which the bill runs of every biller and the market's stall fee runs share.
 */

import { hasRefusedCharacter } from '../schemas/text';
import {
  BILL_IMPORT_MAX_ROWS,
  type BillColumn,
  COLUMN_NAMES,
  isPhoneText,
  LIMITS,
  parseDong,
  type RowProblem,
  readColumns,
} from './bill-import';
import { amountProblem, isAcceptableAmount } from './money';
import { isIsoDate } from './ocop';
import type { SheetCell } from './spreadsheet';

/** At most this many payers in one file, like a file of bills. */
export const PAYER_IMPORT_MAX_ROWS = BILL_IMPORT_MAX_ROWS;

/** One payer as a biller keeps them. */
export interface PayerInput {
  payerRef: string;
  payerName: string;
  group: string | null;
  phone: string | null;
  /** Whole đồng owed each period, when the run does not name one amount for all. */
  amount: number | null;
}

export type PayerFileResult = { ok: true; payers: Array<PayerInput & { row: number }> } | { ok: false; problems: RowProblem[] };

const PAYER_COLUMNS: readonly BillColumn[] = ['payerRef', 'payerName', 'amount', 'group', 'phone'];

/** The column names of the template a biller downloads. */
export const PAYER_TEMPLATE_HEADER = ['payerRef', 'payerName', 'class', 'phone', 'amount'] as const;

/** The template: the header and two example rows of a school's class. */
export function payerTemplateCsv(): string {
  return `\ufeff${PAYER_TEMPLATE_HEADER.join(',')}\r\nHS-2026-0001,Nguyễn Văn An,6A,0912345678,350000\r\nHS-2026-0002,Trần Thị Bình,6A,,350000\r\n`;
}

/**
 * The payers in a table whose first non-empty row is the header, or every problem found
 * (each with its row number), so that the file is fixed in one pass and imported whole.
 * Columns: payerRef and payerName, and optionally class/group, phone and amount, named in
 * English or as a school writes them (Mã học sinh, Họ tên, Lớp, Số điện thoại, Số tiền).
 *
 * @example readPayerRows([['Mã học sinh', 'Họ tên', 'Lớp'], ['HS1', 'An', '6A']])
 * // { ok: true, payers: [{ row: 2, payerRef: 'HS1', payerName: 'An', group: '6A', phone: null, amount: null }] }
 */
export function readPayerRows(rows: readonly (readonly SheetCell[])[]): PayerFileResult {
  const table = readColumns(rows, {
    required: ['payerRef', 'payerName'],
    accepts: PAYER_COLUMNS,
    emptyMessage: 'Tệp trống: hãy dùng tệp mẫu và điền mỗi người nộp một dòng',
  });
  if (!table.ok) return table;
  const { headerIndex } = table;
  const payers: Array<PayerInput & { row: number }> = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const { rowNumber, text } of table.rows) {
    const wrong: string[] = [];
    for (const column of ['payerRef', 'payerName'] as const) {
      if (text(column) === '') wrong.push(`thiếu ${COLUMN_NAMES[column]}`);
    }
    for (const column of ['payerRef', 'payerName', 'group', 'phone'] as const) {
      const max = LIMITS[column]!;
      if (text(column).length > max) wrong.push(`${COLUMN_NAMES[column]} dài quá ${max} ký tự`);
      if (hasRefusedCharacter(text(column))) wrong.push(`${COLUMN_NAMES[column]} có ký tự điều khiển hoặc ký tự lỗi`);
    }
    const amountText = text('amount');
    const amount = amountText === '' ? null : parseDong(amountText);
    if (amountText !== '' && (amount === null || !isAcceptableAmount(amount))) wrong.push(amountProblem('Số tiền'));
    const phone = text('phone');
    if (phone !== '' && !isPhoneText(phone)) wrong.push('số điện thoại chỉ gồm chữ số');
    const key = payerKey(text('payerRef'));
    const earlier = seen.get(key);
    if (key !== '' && earlier !== undefined) wrong.push(`trùng mã người nộp với dòng ${earlier}`);
    if (wrong.length > 0) {
      problems.push({ row: rowNumber, message: `Dòng ${rowNumber}: ${wrong.join('; ')}` });
      continue;
    }
    seen.set(key, rowNumber);
    payers.push({
      row: rowNumber,
      payerRef: text('payerRef'),
      payerName: text('payerName').replace(/\s+/g, ' '),
      group: text('group') || null,
      phone: phone.replace(/[ .]/g, '') || null,
      amount,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (payers.length === 0)
    return { ok: false, problems: [{ row: headerIndex + 2, message: 'Tệp chưa có người nộp nào dưới dòng tiêu đề' }] };
  if (payers.length > PAYER_IMPORT_MAX_ROWS) {
    return {
      ok: false,
      problems: [
        { row: 1, message: `Tệp có ${payers.length} người nộp, tối đa ${PAYER_IMPORT_MAX_ROWS} mỗi lần: hãy tách thành nhiều tệp` },
      ],
    };
  }
  return { ok: true, payers };
}

/** A payer reference as the list compares it: "hs-01" and "HS-01" are the same payer. */
export const payerKey = (payerRef: string): string => payerRef.trim().toUpperCase();

/** True for a month written YYYY-MM. */
export const isPeriod = (text: string): boolean => /^\d{4}-(0[1-9]|1[0-2])$/.test(text);

/**
 * What keeps a payer to one bill per month at a biller, whichever run issued it (stored as the
 * bill's import key, which a file's rows never take: theirs have no "run" prefix).
 *
 * @example periodBillKey('2026-12', 'hs-01') // 'run\u001f2026-12\u001fHS-01'
 */
export const periodBillKey = (period: string, payerRef: string): string => `run\u001f${period}\u001f${payerKey(payerRef)}`;

/** What a run asks for: the month, what the bill says, when it is due, and one amount or none. */
export interface PeriodRun {
  period: string;
  /** The same for everyone, or written for each payer (a stall's fee names the stall). */
  description: string | ((payer: PeriodPayer) => string);
  /** YYYY-MM-DD */
  dueDate: string;
  /** One amount for everyone; null bills each payer their own amount. */
  amount: number | null;
}

export interface PeriodPayer {
  payerRef: string;
  payerName: string;
  amount: number | null;
}

export interface PeriodBill<P extends PeriodPayer> {
  payer: P;
  description: string;
  amount: number;
  dueDate: string;
  key: string;
}

export type PeriodBillsResult<P extends PeriodPayer> =
  | { ok: true; bills: Array<PeriodBill<P>> }
  | { ok: false; problems: Array<{ payerRef: string; message: string }> };

/**
 * Bill each payer once for the period: one bill per payer (a payer listed twice is billed
 * once), the run's amount or else the payer's own. A payer with neither refuses the whole
 * run, naming each such payer, so that nobody is silently left out.
 *
 * @example billEachPayerOnce([{ payerRef: 'HS1', payerName: 'An', amount: 350000 }], { period: '2026-12', description: 'Học phí tháng 12/2026', dueDate: '2026-12-15', amount: null })
 * // { ok: true, bills: [{ payer: …, description: 'Học phí tháng 12/2026', amount: 350000, dueDate: '2026-12-15', key: 'run\u001f2026-12\u001fHS1' }] }
 */
export function billEachPayerOnce<P extends PeriodPayer>(payers: readonly P[], run: PeriodRun): PeriodBillsResult<P> {
  if (!isPeriod(run.period))
    return { ok: false, problems: [{ payerRef: '', message: 'Tháng phải viết theo dạng YYYY-MM, ví dụ 2026-12' }] };
  if (!isIsoDate(run.dueDate)) return { ok: false, problems: [{ payerRef: '', message: 'Hạn nộp phải là một ngày có thật' }] };
  const bills: Array<PeriodBill<P>> = [];
  const problems: Array<{ payerRef: string; message: string }> = [];
  const seen = new Set<string>();
  for (const payer of payers) {
    const key = periodBillKey(run.period, payer.payerRef);
    if (seen.has(key)) continue;
    seen.add(key);
    const amount = run.amount ?? payer.amount;
    if (amount === null || !isAcceptableAmount(amount)) {
      problems.push({ payerRef: payer.payerRef, message: `${payer.payerName} (${payer.payerRef}) chưa có số tiền phải nộp` });
      continue;
    }
    const description = typeof run.description === 'string' ? run.description : run.description(payer);
    bills.push({ payer, description, amount, dueDate: run.dueDate, key });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, bills };
}

/** The months a run may be started for from the page: two back to eleven ahead of `today` (YYYY-MM-DD). */
export function selectablePeriods(today: string): string[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const periods: string[] = [];
  for (let offset = -2; offset <= 11; offset++) {
    const index = year * 12 + (month - 1) + offset;
    periods.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return periods;
}
