/**
 * What each kind of biller calls the payer's reference, and which kind of bill it issues
 * when a file does not say: one list for the API, the pages and the import.
 */
import type { BillType } from '../db/bills';

export type BillerKind = 'market_board' | 'school' | 'hospital' | 'commune_office';

/** The label a resident sees beside the box for their code. */
export const PAYER_REF_LABELS: Record<BillerKind, string> = {
  market_board: 'Mã ki-ốt',
  school: 'Mã học sinh',
  hospital: 'Mã bệnh nhân',
  commune_office: 'Mã hồ sơ',
};

/** The kind of bill a biller's imported rows are. */
export const DEFAULT_BILL_TYPE: Record<BillerKind, BillType> = {
  market_board: 'market_fee',
  school: 'tuition',
  hospital: 'hospital',
  commune_office: 'admin_fee',
};

export const isBillerKind = (kind: string): kind is BillerKind => Object.hasOwn(PAYER_REF_LABELS, kind);
