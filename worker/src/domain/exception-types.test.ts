import { describe, expect, it } from 'vitest';
import {
  CREDIT_EXCEPTION_TYPES,
  EXCEPTION_LABELS,
  EXCEPTION_TYPES,
  exceptionLabel,
  exceptionShortLabel,
  zeroCounts,
} from './exception-types';

describe('exception types', () => {
  it.each([
    ['unmatched_credit', 'Tiền vào không có mã thanh toán', 'không có mã'],
    ['unknown_reference', 'Mã thanh toán không tồn tại', 'mã lạ'],
    ['amount_mismatch', 'Số tiền không khớp', 'sai số tiền'],
    ['paid_after_expiry', 'Chuyển sau khi hết hạn', 'quá hạn'],
    ['duplicate_payment', 'Nộp trùng (khoản đã được thanh toán)', 'nộp trùng'],
    ['ambiguous', 'Khớp được nhiều khoản, cần chọn', 'khớp nhiều khoản'],
    ['missing_at_bank', 'Đã ghi nhận nhưng không thấy trên sao kê', 'thiếu trên sao kê'],
  ])('%s reads "%s" (short: "%s")', (type, label, short) => {
    expect(exceptionLabel(type)).toBe(label);
    expect(exceptionShortLabel(type)).toBe(short);
  });

  it('has a Vietnamese label for every type, and shows an unknown type as it is', () => {
    expect(Object.keys(EXCEPTION_LABELS)).toEqual([...EXCEPTION_TYPES]);
    expect(exceptionLabel('something_new')).toBe('something_new');
  });

  it('lets the matcher decide every type but missing_at_bank, which only the statement check files', () => {
    expect(CREDIT_EXCEPTION_TYPES).toEqual(EXCEPTION_TYPES.filter((type) => type !== 'missing_at_bank'));
    expect(zeroCounts(CREDIT_EXCEPTION_TYPES)).toEqual({
      unmatched_credit: 0,
      unknown_reference: 0,
      amount_mismatch: 0,
      paid_after_expiry: 0,
      duplicate_payment: 0,
      ambiguous: 0,
    });
  });
});
