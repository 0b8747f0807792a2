/**
 * The kinds of money that could not be applied on its own, each waiting for a person
 * (`payment_exceptions.type`). This is the one list: the matcher, the credit writer, the
 * Stripe and payout checks, the reconciliation routes and the manager pages all import it,
 * and a test holds it equal to the migration's CHECK constraint.
 */

export const EXCEPTION_TYPES = [
  'unmatched_credit',
  'unknown_reference',
  'amount_mismatch',
  'paid_after_expiry',
  'duplicate_payment',
  'ambiguous',
  'missing_at_bank',
] as const;
export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

/** What a credit can turn into when the matcher decides it; missing_at_bank comes from the statement check. */
export type CreditExceptionType = Exclude<ExceptionType, 'missing_at_bank'>;
export const CREDIT_EXCEPTION_TYPES = EXCEPTION_TYPES.filter((type): type is CreditExceptionType => type !== 'missing_at_bank');

interface ExceptionLabel {
  /** The heading of the exception in the queue. */
  label: string;
  /** A few words for a table row, after "Ngoại lệ:". */
  short: string;
}

export const EXCEPTION_LABELS: Record<ExceptionType, ExceptionLabel> = {
  unmatched_credit: { label: 'Tiền vào không có mã thanh toán', short: 'không có mã' },
  unknown_reference: { label: 'Mã thanh toán không tồn tại', short: 'mã lạ' },
  amount_mismatch: { label: 'Số tiền không khớp', short: 'sai số tiền' },
  paid_after_expiry: { label: 'Chuyển sau khi hết hạn', short: 'quá hạn' },
  duplicate_payment: { label: 'Nộp trùng (khoản đã được thanh toán)', short: 'nộp trùng' },
  ambiguous: { label: 'Khớp được nhiều khoản, cần chọn', short: 'khớp nhiều khoản' },
  missing_at_bank: { label: 'Đã ghi nhận nhưng không thấy trên sao kê', short: 'thiếu trên sao kê' },
};

function isExceptionType(value: string): value is ExceptionType {
  return (EXCEPTION_TYPES as readonly string[]).includes(value);
}

/**
 * The queue heading for a type; an unknown type (a newer server) shows as it is.
 *
 * @example exceptionLabel('amount_mismatch') // "Số tiền không khớp"
 */
export function exceptionLabel(type: string): string {
  return isExceptionType(type) ? EXCEPTION_LABELS[type].label : type;
}

/** @example exceptionShortLabel('duplicate_payment') // "nộp trùng" */
export function exceptionShortLabel(type: string): string {
  return isExceptionType(type) ? EXCEPTION_LABELS[type].short : type;
}

/** A count of zero for every type, in the list's order (import summaries show every type). */
export function zeroCounts<T extends string>(types: readonly T[]): Record<T, number> {
  return Object.fromEntries(types.map((type) => [type, 0])) as Record<T, number>;
}
