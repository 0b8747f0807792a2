import type { OrderStatus } from '#worker/db/orders';

/** An order's status as the shopper reads it in their account. */
export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  awaiting_payment: 'Chờ thanh toán',
  paid: 'Đã thanh toán',
  cancelled: 'Đã huỷ',
  expired: 'Hết hạn thanh toán',
};
