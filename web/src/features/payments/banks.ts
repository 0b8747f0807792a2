/** Short names of the banks payers see in their apps, by NAPAS BIN. */
const BANK_NAMES: Record<string, string> = {
  '970436': 'Vietcombank',
  '970415': 'VietinBank',
  '970418': 'BIDV',
  '970405': 'Agribank',
  '970407': 'Techcombank',
  '970422': 'MB Bank',
  '970416': 'ACB',
  '970432': 'VPBank',
  '970403': 'Sacombank',
  '970423': 'TPBank',
};

/** @example bankName("970436") // "Vietcombank" */
export function bankName(bin: string): string {
  return BANK_NAMES[bin] ?? `Ngân hàng (BIN ${bin})`;
}

export const PAYMENT_STATUS_NAMES = {
  pending: 'Đang chờ thanh toán',
  paid: 'Đã thanh toán',
  failed: 'Không thành công',
  expired: 'Đã hết hạn',
  refunded: 'Đã hoàn tiền',
} as const;
