import { prepare, sql } from './sql';

/** A transfer back that still needs someone: approval by a second person, or marking it sent. */
export interface RefundAwaitingAction {
  id: string;
  paymentId: string | null;
  exceptionId: string | null;
  paymentReference: string | null;
  /** What the refunded payment paid for: a bill (its code, description and payer) or an order. */
  paidFor: { billCode: string; description: string; payerName: string } | { orderId: string } | null;
  amount: number;
  reason: string;
  status: 'awaiting_approval' | 'approved';
  requestedBy: string | null;
  requestedByName: string | null;
  approvedByName: string | null;
  createdAt: string;
}

/**
 * Bank-transfer refunds (of a payment or of exception money) still waiting for approval or
 * for the transfer, oldest first: one organization's, or everyone's (admins).
 */
export async function listRefundsAwaitingAction(
  db: D1Database,
  organizationId: string | undefined,
  limit = 200,
): Promise<RefundAwaitingAction[]> {
  const scope = organizationId === undefined ? sql`1 = 1` : sql`coalesce(p.payee_org_id, e.organization_id) = ${organizationId}`;
  const { results } = await prepare(
    db,
    sql`SELECT r.id, r.payment_id, r.exception_id, p.reference AS payment_reference,
          b.code AS bill_code, b.description AS bill_description, b.payer_name AS bill_payer_name, p.order_id, r.amount, r.reason, r.status,
          r.requested_by, ru.name AS requested_by_name, au.name AS approved_by_name, r.created_at
        FROM refunds r
        LEFT JOIN payments p ON p.id = r.payment_id
        LEFT JOIN bills b ON b.id = p.bill_id
        LEFT JOIN payment_exceptions e ON e.id = r.exception_id
        LEFT JOIN users ru ON ru.id = r.requested_by
        LEFT JOIN users au ON au.id = r.approved_by
        WHERE r.status IN ('awaiting_approval', 'approved') AND ${scope}
        ORDER BY r.created_at, r.id LIMIT ${limit}`,
  ).all<{
    id: string;
    payment_id: string | null;
    exception_id: string | null;
    payment_reference: string | null;
    bill_code: string | null;
    bill_description: string | null;
    bill_payer_name: string | null;
    order_id: string | null;
    amount: number;
    reason: string;
    status: 'awaiting_approval' | 'approved';
    requested_by: string | null;
    requested_by_name: string | null;
    approved_by_name: string | null;
    created_at: string;
  }>();
  return results.map((row) => ({
    id: row.id,
    paymentId: row.payment_id,
    exceptionId: row.exception_id,
    paymentReference: row.payment_reference,
    paidFor:
      row.bill_code !== null
        ? { billCode: row.bill_code, description: row.bill_description ?? '', payerName: row.bill_payer_name ?? '' }
        : row.order_id !== null
          ? { orderId: row.order_id }
          : null,
    amount: row.amount,
    reason: row.reason,
    status: row.status,
    requestedBy: row.requested_by,
    requestedByName: row.requested_by_name,
    approvedByName: row.approved_by_name,
    createdAt: row.created_at,
  }));
}
