/**
 * The bulk-transfer file an admin uploads to the platform's bank to pay an approved payout
 * run ("chuyển tiền theo lô"). No Vietnamese bank publishes its batch template openly (each
 * hands it to business customers inside its internet banking), so the layout is ours, kept
 * in this one module so that matching a pilot bank's template means editing only here.
 * docs/payouts.md describes it.
 *
 * CSV, UTF-8 with a byte-order mark (Excel shows Vietnamese as mojibake without it), CRLF,
 * comma-separated, one header row, amounts as plain integers in đồng. Every text cell is
 * written safely: a cell starting with = + - @ (a formula in Excel) gets a leading quote.
 */

/** One transfer: a seller's approved payout. */
export interface TransferRow {
  accountNumber: string;
  bankBin: string;
  bankName: string;
  accountHolder: string;
  amount: number;
  reference: string;
}

/** The columns, in order: what the bank's form asks for, in its own words. */
export const TRANSFER_COLUMNS = [
  'STT',
  'Số tài khoản thụ hưởng',
  'Mã ngân hàng (BIN)',
  'Tên ngân hàng',
  'Tên người thụ hưởng',
  'Số tiền',
  'Nội dung chuyển khoản',
] as const;

/**
 * What the transfer content says. Banks strip diacritics and many cap the content near 140
 * characters (some e-wallet rails at 19), so it is short, upper-case ASCII, and starts with
 * the payout reference's words, which the statement debit brings back.
 *
 * @example transferContent('PO7KQ2M') // "CHOSO PO7KQ2M"
 */
export function transferContent(reference: string): string {
  return `CHOSO ${reference}`;
}

function cell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The whole file, rows in the order given (numbered from 1).
 *
 * @example transferFile([{ accountNumber: '0011', bankBin: '970436', bankName: 'Vietcombank', accountHolder: 'HTX GOM', amount: 292500, reference: 'PO7KQ2M' }])
 * // "\uFEFFSTT,Số tài khoản thụ hưởng,…\r\n1,0011,970436,Vietcombank,HTX GOM,292500,CHOSO PO7KQ2M\r\n"
 */
export function transferFile(rows: readonly TransferRow[]): string {
  const lines = [
    TRANSFER_COLUMNS.map(cell).join(','),
    ...rows.map((row, index) =>
      [index + 1, row.accountNumber, row.bankBin, row.bankName, row.accountHolder, row.amount, transferContent(row.reference)]
        .map(cell)
        .join(','),
    ),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * Bank names by NAPAS BIN, for the file's "Tên ngân hàng" column (the BIN is what the bank
 * actually routes on; the name helps the person checking the file). From the NAPAS/VietQR
 * bank list; an unknown BIN shows as "BIN <number>".
 */
const BANK_NAMES: Record<string, string> = {
  '970436': 'Vietcombank',
  '970418': 'BIDV',
  '970415': 'VietinBank',
  '970405': 'Agribank',
  '970422': 'MB',
  '970407': 'Techcombank',
  '970416': 'ACB',
  '970432': 'VPBank',
  '970423': 'TPBank',
  '970403': 'Sacombank',
  '970437': 'HDBank',
  '970441': 'VIB',
  '970443': 'SHB',
  '970431': 'Eximbank',
  '970426': 'MSB',
  '970448': 'OCB',
  '970440': 'SeABank',
  '970429': 'SCB',
  '970409': 'Bac A Bank',
  '970454': 'Ban Viet',
  '970449': 'LPBank',
  '970452': 'KienlongBank',
  '970428': 'Nam A Bank',
  '970438': 'BaoViet Bank',
  '970433': 'VietBank',
  '970412': 'PVcomBank',
  '970427': 'VietA Bank',
  '970400': 'Saigonbank',
  '970430': 'PG Bank',
  '970419': 'NCB',
  '970425': 'ABBANK',
};

/** @example bankName('970436') // "Vietcombank" */
export function bankName(bin: string): string {
  return BANK_NAMES[bin] ?? `BIN ${bin}`;
}
