/**
 * What each kind of biller calls the payer's reference, and which kinds of bill it issues:
 * one list for the API, the pages and the import.
 */
import type { BillType } from '../db/bills';
import { BILLER_KINDS } from './organization-kinds';

export type BillerKind = (typeof BILLER_KINDS)[number];

/** The label a resident sees beside the box for their code. */
export const PAYER_REF_LABELS: Record<BillerKind, string> = {
  market_board: 'Mã ki-ốt',
  school: 'Mã học sinh',
  hospital: 'Mã bệnh nhân',
  commune_office: 'Mã hồ sơ',
  utility: 'Mã khách hàng',
};

/**
 * The kinds of bill a biller issues; the first is what an imported file's rows are when the
 * import does not say. A utility sells electricity, water or both, so its staff choose.
 */
export const BILL_TYPES_OF_KIND: Record<BillerKind, readonly [BillType, ...BillType[]]> = {
  market_board: ['market_fee'],
  school: ['tuition'],
  hospital: ['hospital'],
  commune_office: ['admin_fee'],
  utility: ['water', 'electricity'],
};

/** The kind of bill a biller's imported rows are when the import does not say. */
export const defaultBillType = (kind: BillerKind): BillType => BILL_TYPES_OF_KIND[kind][0];

/** Whether a biller of this kind may issue a bill of this type. */
export const issuesBillType = (kind: BillerKind, type: BillType): boolean => BILL_TYPES_OF_KIND[kind].includes(type);

export const isBillerKind = (kind: string): kind is BillerKind => (BILLER_KINDS as readonly string[]).includes(kind);
