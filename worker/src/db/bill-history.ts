import type { PaymentStatus } from '../domain/payment-state';
import type { RefundStatus } from '../domain/refund-state';

/** Every payment tried for a bill (paid, pending, expired…) and the refunds of each, oldest first. */
export interface BillHistory {
  payments: Array<{
    id: string;
    reference: string;
    method: 'vietqr' | 'stripe';
    status: PaymentStatus;
    amount: number;
    amountRefunded: number;
    createdAt: string;
    paidAt: string | null;
  }>;
  refunds: Array<{
    id: string;
    paymentId: string;
    amount: number;
    reason: string;
    method: 'vietqr' | 'stripe';
    status: RefundStatus;
    createdAt: string;
  }>;
}

export async function findBillHistory(db: D1Database, billId: string): Promise<BillHistory> {
  const [payments, refunds] = await Promise.all([
    db
      .prepare(
        `SELECT id, reference, method, status, amount, amount_refunded, created_at, paid_at
         FROM payments WHERE bill_id = ?1 ORDER BY created_at, id LIMIT 100`,
      )
      .bind(billId)
      .all(),
    db
      .prepare(
        `SELECT r.id, r.payment_id, r.amount, r.reason, r.method, r.status, r.created_at
         FROM refunds r WHERE r.payment_id IN (SELECT id FROM payments WHERE bill_id = ?1) ORDER BY r.created_at, r.id LIMIT 100`,
      )
      .bind(billId)
      .all(),
  ]);
  const paymentRows = payments.results as Array<{
    id: string;
    reference: string;
    method: 'vietqr' | 'stripe';
    status: PaymentStatus;
    amount: number;
    amount_refunded: number;
    created_at: string;
    paid_at: string | null;
  }>;
  const refundRows = refunds.results as Array<{
    id: string;
    payment_id: string;
    amount: number;
    reason: string;
    method: 'vietqr' | 'stripe';
    status: RefundStatus;
    created_at: string;
  }>;
  return {
    payments: paymentRows.map((row) => ({
      id: row.id,
      reference: row.reference,
      method: row.method,
      status: row.status,
      amount: row.amount,
      amountRefunded: row.amount_refunded,
      createdAt: row.created_at,
      paidAt: row.paid_at,
    })),
    refunds: refundRows.map((row) => ({
      id: row.id,
      paymentId: row.payment_id,
      amount: row.amount,
      reason: row.reason,
      method: row.method,
      status: row.status,
      createdAt: row.created_at,
    })),
  };
}
