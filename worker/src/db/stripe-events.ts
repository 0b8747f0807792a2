import { rowsWritten, type Sql, sql } from './sql';

/** Whether a Stripe event was seen already: by its id, or as the same change (object and type). */
export async function stripeEventSeen(db: D1Database, eventId: string, objectKey: string, type: string): Promise<boolean> {
  const row = await db
    .prepare('SELECT 1 FROM stripe_events WHERE event_id = ?1 OR (object_id = ?2 AND type = ?3)')
    .bind(eventId, objectKey, type)
    .first();
  return row !== null;
}

export interface StripeEventRecord {
  eventId: string;
  type: string;
  /** What makes two events the same change: the object's id (and, for refunds, the refunded total). */
  objectKey: string;
  paymentId: string | null;
  /** Set by the request that records the event: the rest of its batch runs only for that one. */
  processingId: string;
  now: string;
}

/** Records an event once; the first statement of its batch, so `results[0]` says whether it was new. */
export function recordStripeEventStatement(db: D1Database, record: StripeEventRecord): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO stripe_events (event_id, type, object_id, payment_id, processing_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT DO NOTHING RETURNING event_id`,
    )
    .bind(record.eventId, record.type, record.objectKey, record.paymentId, record.processingId, record.now);
}

/** True only in the batch that recorded the event. */
export const recordedBy = (record: StripeEventRecord): Sql =>
  sql`EXISTS (SELECT 1 FROM stripe_events WHERE event_id = ${record.eventId} AND processing_id = ${record.processingId})`;

/** Whether recording the event (the first statement of the batch) wrote it, i.e. it was not a duplicate. */
export const eventWasNew = (results: D1Result[]) => rowsWritten(results[0]) === 1;

export async function findPayoutCheck(db: D1Database, payoutId: string): Promise<string | null> {
  const row = await db.prepare('SELECT summary FROM stripe_payouts WHERE id = ?1').bind(payoutId).first<{ summary: string }>();
  return row?.summary ?? null;
}

/** Records a payout's check once; `recordedCheck` guards the exceptions written with it. */
export function recordPayoutCheckStatement(
  db: D1Database,
  check: { payoutId: string; amount: number; summary: unknown; processingId: string; now: string },
): D1PreparedStatement {
  return db
    .prepare(
      'INSERT INTO stripe_payouts (id, amount, summary, processing_id, checked_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING',
    )
    .bind(check.payoutId, check.amount, JSON.stringify(check.summary), check.processingId, check.now);
}

export const recordedCheck = (payoutId: string, processingId: string): Sql =>
  sql`EXISTS (SELECT 1 FROM stripe_payouts WHERE id = ${payoutId} AND processing_id = ${processingId})`;
