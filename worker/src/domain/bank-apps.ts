/**
 * Buttons that open the payer's banking app with the transfer already filled in.
 *
 * VietQR.io's public deep-link scheme (https://www.vietqr.io/deeplink, documented in
 * Markdown at https://www.vietqr.io/deeplink.md):
 *   https://dl.vietqr.io/pay?app=<appId>&am=<amount>&tn=<content>&ba=<account>@<bankCode>
 * where `app` is the payer's app, `ba` keeps its literal `@`, and the bank code is
 * lower-case. Every app in VietQR.io's list can be opened, but only some fill in the
 * transfer; the others open on their home screen and the payer would have to type
 * everything anyway. So only the apps VietQR.io's changelog
 * (https://www.vietqr.io/changelog) announces as "hỗ trợ autofill" are offered here:
 * OCB OMNI (2.12, 2024-05-28), ACB ONE (2.15, 2025-10-31), BIDV SmartBanking (2.16,
 * 2026-01-09), VietinBank iPay (2.17, 2026-02-13) and MBBank (2.18, 2026-07-31).
 * Payers of every other bank get the plain instruction of what to type.
 */
import { BANKS } from './banks';

export interface BankApp {
  /** VietQR.io's app id. */
  appId: string;
  /** The app's name as payers know it. */
  name: string;
}

/** The apps that open with the transfer filled in, in the order the page shows them. */
export const AUTOFILL_BANK_APPS: readonly BankApp[] = [
  { appId: 'bidv', name: 'BIDV SmartBanking' },
  { appId: 'icb', name: 'VietinBank iPay' },
  { appId: 'mb', name: 'MBBank' },
  { appId: 'acb', name: 'ACB ONE' },
  { appId: 'ocb', name: 'OCB OMNI' },
];

export interface DeepLinkTransfer {
  bankBin: string;
  accountNumber: string;
  amount: number;
  content: string;
}

/**
 * The link for one app, or null when the receiving bank has no VietQR.io code (then no
 * app can be prefilled with it).
 *
 * @example deepLink({ appId: 'mb', name: 'MBBank' }, { bankBin: '970436', accountNumber: '0011001234567', amount: 350000, content: 'CS7KQM2X9P' })
 * // "https://dl.vietqr.io/pay?app=mb&am=350000&tn=CS7KQM2X9P&ba=0011001234567@vcb"
 */
export function deepLink(app: BankApp, transfer: DeepLinkTransfer): string | null {
  const bank = BANKS[transfer.bankBin];
  if (!bank || !/^[0-9A-Za-z]+$/.test(transfer.accountNumber)) return null;
  const query = new URLSearchParams({ app: app.appId, am: String(transfer.amount), tn: transfer.content }).toString();
  // `ba` is appended by hand: VietQR.io asks for the `@` unencoded.
  return `https://dl.vietqr.io/pay?${query}&ba=${transfer.accountNumber}@${bank.vietqrCode}`;
}

/** Every autofill app's link for this transfer (none if the receiving bank is unknown). */
export function bankAppLinks(transfer: DeepLinkTransfer): Array<BankApp & { url: string }> {
  return AUTOFILL_BANK_APPS.flatMap((app) => {
    const url = deepLink(app, transfer);
    return url ? [{ ...app, url }] : [];
  });
}
