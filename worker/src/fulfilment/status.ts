/**
 * A seller moves its own sub-order on: confirmed, shipped (with a carrier), delivered, or
 * cancelled before it ships. Every move goes through the fulfilment table
 * (domain/fulfilment-state.ts) with its event in one batch. Cancelling gives the stock
 * back; a paid sub-order's amount goes back to the buyer through the refunds workflow, out
 * of that seller's payable only; an unpaid one leaves the rest of the order to be paid.
 */
import { findOrder } from '../db/orders';
import { findPayment, findPendingPayment, prepareTransition } from '../db/payments';
import { paymentHasRoomFor } from '../db/refunds';
import { all, rowsWritten, sql } from '../db/sql';
import {
  type PreparedSubOrderChange,
  prepareSubOrderTransition,
  releaseSubOrderStock,
  type SubOrderColumnChanges,
  type SubOrderRecord,
  shrinkUnpaidOrder,
} from '../db/sub-orders';
import type { SessionUser } from '../db/users';
import type { Carrier } from '../domain/carriers';
import {
  canFulfilmentTransition,
  FULFILMENT_STATUS_SHORT,
  type FulfilmentEvent,
  SELLER_TARGET_EVENTS,
  type SellerTarget,
} from '../domain/fulfilment-state';
import { ApiError } from '../errors';
import { providerFor } from '../payments/providers';
import { refundPayment } from '../payments/refunds';

export interface StatusChange {
  status: SellerTarget;
  carrier?: Carrier;
  trackingNumber?: string;
  note?: string;
}

const changedMeanwhile = () =>
  new ApiError(409, 'sub_order_changed', 'Đơn hàng vừa được thay đổi (có thể vừa được thanh toán hay huỷ); hãy tải lại trang');

/** Applies a seller's move to its sub-order, or throws a 409 that names why it cannot be made. */
export async function changeSubOrderStatus(
  db: D1Database,
  env: Env,
  subOrder: SubOrderRecord,
  change: StatusChange,
  user: SessionUser,
  now: string,
): Promise<void> {
  const event = SELLER_TARGET_EVENTS[change.status];
  if (!canFulfilmentTransition(subOrder.status, event)) {
    throw new ApiError(
      409,
      'illegal_status_change',
      `Đơn hàng đang ở trạng thái "${FULFILMENT_STATUS_SHORT[subOrder.status]}", không chuyển sang "${FULFILMENT_STATUS_SHORT[change.status]}" được`,
    );
  }
  if (event === 'seller_cancel') return cancelSubOrder(db, env, subOrder, change.note!, user, now);
  const prepared = prepareSubOrderTransition(db, subOrder, event, {
    source: 'seller',
    actorId: user.id,
    now,
    data: change.note ? { note: change.note } : {},
    set: columnsFor(event, change, now),
  });
  const results = await db.batch(prepared.statements);
  if (rowsWritten(results[0]) !== 1) throw changedMeanwhile();
}

function columnsFor(event: FulfilmentEvent, change: StatusChange, now: string): SubOrderColumnChanges {
  if (event === 'confirm') return { confirmed_at: now };
  if (event === 'ship') return { shipped_at: now, carrier: change.carrier!, tracking_number: change.trackingNumber ?? null };
  return { delivered_at: now };
}

async function cancelSubOrder(db: D1Database, env: Env, subOrder: SubOrderRecord, reason: string, user: SessionUser, now: string) {
  const cancellation = (condition: ReturnType<typeof sql>): PreparedSubOrderChange =>
    prepareSubOrderTransition(db, subOrder, 'seller_cancel', {
      source: 'seller',
      actorId: user.id,
      now,
      data: { reason },
      set: { cancelled_at: now, cancel_reason: reason, cancelled_by: 'seller' },
      condition,
    });

  if (subOrder.status === 'awaiting_payment') {
    // The buyer may have a payment open for the whole order: it stops, and the rest of the
    // order is paid with a new one for the smaller total.
    const orderUnpaid = sql`EXISTS (SELECT 1 FROM orders WHERE id = ${subOrder.orderId} AND status = 'awaiting_payment')`;
    const pending = await findPendingPayment(db, { orderId: subOrder.orderId });
    const expire = pending
      ? prepareTransition(db, {
          payment: pending,
          event: 'expire',
          source: 'api',
          now,
          data: { reason: 'a seller cancelled its part of the order', subOrderId: subOrder.id },
          condition: all([orderUnpaid, sql`EXISTS (SELECT 1 FROM sub_orders WHERE id = ${subOrder.id} AND status = 'awaiting_payment')`]),
        }).statements
      : [];
    const change = cancellation(
      all([orderUnpaid, sql`NOT EXISTS (SELECT 1 FROM payments WHERE order_id = ${subOrder.orderId} AND status = 'pending')`]),
    );
    const results = await db.batch([
      ...expire,
      ...change.statements,
      releaseSubOrderStock(db, subOrder, change.applied, now),
      ...shrinkUnpaidOrder(db, subOrder, change.applied, now),
    ]);
    if (rowsWritten(results[expire.length]) !== 1) throw changedMeanwhile();
    return;
  }

  // Paid (and perhaps confirmed): the buyer gets this sub-order's amount back.
  const order = await findOrder(db, subOrder.orderId);
  const payment = order?.paymentId ? await findPayment(db, order.paymentId) : null;
  if (!payment) throw changedMeanwhile();
  const change = cancellation(paymentHasRoomFor(payment.id, subOrder.subtotal));
  await refundPayment(
    db,
    providerFor(env, payment.method),
    payment,
    { amount: subOrder.subtotal, reason: `Người bán huỷ đơn: ${reason}`, subOrderId: subOrder.id },
    user,
    now,
    {
      statements: [...change.statements, releaseSubOrderStock(db, subOrder, change.applied, now)],
      applied: change.applied,
      conflict: changedMeanwhile,
    },
  );
}
