import { prepare, sql } from './sql';

export interface CollectionCell {
  month: string;
  billerKind: string;
  commune: string;
  billsIssued: number;
  amountIssued: number;
  billsPaid: number;
  amountPaid: number;
  /** Paid bills settled by one of our cashless payments (VietQR or card). */
  billsPaidCashless: number;
}

/**
 * Bills per month of issue (Vietnam time), biller kind and commune; cancelled bills are
 * not counted as issued. Aggregates only: nothing about a payer leaves this query.
 */
export async function collectionCells(db: D1Database): Promise<CollectionCell[]> {
  const { results } = await prepare(
    db,
    sql`SELECT strftime('%Y-%m', b.created_at, '+7 hours') AS month, o.kind AS biller_kind, o.commune AS commune,
          count(*) AS bills_issued, sum(b.amount) AS amount_issued,
          sum(b.status = 'paid') AS bills_paid, coalesce(sum(CASE WHEN b.status = 'paid' THEN b.amount END), 0) AS amount_paid,
          sum(b.status = 'paid' AND p.method IN ('vietqr', 'stripe')) AS bills_paid_cashless
        FROM bills b
        JOIN organizations o ON o.id = b.biller_id
        LEFT JOIN payments p ON p.id = b.payment_id
        WHERE b.status <> 'cancelled'
        GROUP BY month, biller_kind, commune
        ORDER BY month, biller_kind, commune`,
  ).all<{
    month: string;
    biller_kind: string;
    commune: string;
    bills_issued: number;
    amount_issued: number;
    bills_paid: number;
    amount_paid: number;
    bills_paid_cashless: number;
  }>();
  return results.map((row) => ({
    month: row.month,
    billerKind: row.biller_kind,
    commune: row.commune,
    billsIssued: row.bills_issued,
    amountIssued: row.amount_issued,
    billsPaid: row.bills_paid,
    amountPaid: row.amount_paid,
    billsPaidCashless: row.bills_paid_cashless,
  }));
}
