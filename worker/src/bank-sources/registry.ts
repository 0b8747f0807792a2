/** Every source a bank connection can use, by provider: the one list (payOS would be one more line). */
import { casso } from './casso';
import { sepay } from './sepay';
import { signedJson } from './signed-json';
import type { BankSource } from './source';
import { vietqrVn } from './vietqr-vn';

export const BANK_PROVIDERS = ['sepay', 'casso', 'vietqr_vn', 'signed_json'] as const;
export type BankProvider = (typeof BANK_PROVIDERS)[number];

export const BANK_SOURCES: Record<BankProvider, BankSource<unknown>> = {
  sepay: sepay as BankSource<unknown>,
  casso: casso as BankSource<unknown>,
  vietqr_vn: vietqrVn as BankSource<unknown>,
  signed_json: signedJson as BankSource<unknown>,
};

/** How each provider is named to a person. */
export const PROVIDER_NAMES: Record<BankProvider, string> = {
  sepay: 'SePay',
  casso: 'Casso',
  vietqr_vn: 'VietQR.vn',
  signed_json: 'JSON có chữ ký',
};
