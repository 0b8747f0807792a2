export { bankName } from '#worker/domain/banks';

export const PAYMENT_STATUS_NAMES = {
  pending: 'Đang chờ thanh toán',
  paid: 'Đã thanh toán',
  failed: 'Không thành công',
  expired: 'Đã hết hạn',
  refunded: 'Đã hoàn tiền',
} as const;
