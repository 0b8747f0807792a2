import type { Fulfilment, SellerSubOrder } from '../db/orders';
import { CARRIER_NAMES } from '../domain/carriers';
import { FULFILMENT_STATUS_LABELS } from '../domain/fulfilment-state';

/** A sub-order's way to the buyer as the API shows it, with its Vietnamese label and carrier name. */
export function fulfilmentToJson(f: Fulfilment) {
  return {
    status: f.status,
    statusLabel: FULFILMENT_STATUS_LABELS[f.status],
    carrier: f.carrier,
    carrierName: f.carrier ? CARRIER_NAMES[f.carrier] : null,
    trackingNumber: f.trackingNumber,
    shippedAt: f.shippedAt,
    deliveredAt: f.deliveredAt,
    cancelledAt: f.cancelledAt,
    cancelReason: f.cancelReason,
  };
}

export function sellerSubOrderToJson(sub: SellerSubOrder) {
  return {
    orderId: sub.orderId,
    subOrderId: sub.subOrderId,
    createdAt: sub.createdAt,
    buyer: sub.buyer,
    items: sub.items,
    subtotal: sub.subtotal,
    ...fulfilmentToJson(sub),
    confirmedAt: sub.confirmedAt,
  };
}
