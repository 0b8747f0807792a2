/**
 * The banks payers see in their apps, by NAPAS BIN: the short name shown on pages and the
 * lower-case code VietQR.io uses for the bank in its deep links (`ba=<account>@<code>`).
 * The one list of banks: the storefront re-exports it.
 */
export interface Bank {
  name: string;
  /** VietQR.io's bank code, e.g. `vcb` (see bank-apps.ts). */
  vietqrCode: string;
}

export const BANKS: Readonly<Record<string, Bank>> = {
  '970436': { name: 'Vietcombank', vietqrCode: 'vcb' },
  '970415': { name: 'VietinBank', vietqrCode: 'icb' },
  '970418': { name: 'BIDV', vietqrCode: 'bidv' },
  '970405': { name: 'Agribank', vietqrCode: 'vba' },
  '970407': { name: 'Techcombank', vietqrCode: 'tcb' },
  '970422': { name: 'MB Bank', vietqrCode: 'mb' },
  '970416': { name: 'ACB', vietqrCode: 'acb' },
  '970432': { name: 'VPBank', vietqrCode: 'vpb' },
  '970403': { name: 'Sacombank', vietqrCode: 'stb' },
  '970423': { name: 'TPBank', vietqrCode: 'tpb' },
};

/** @example bankName("970436") // "Vietcombank" */
export function bankName(bin: string): string {
  return BANKS[bin]?.name ?? `Ngân hàng (BIN ${bin})`;
}
