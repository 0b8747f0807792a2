import type Stripe from 'stripe';
import { orderPayees } from '../db/orders';
import {
  findPayment,
  findPaymentByStripeIntent,
  findPaymentByStripeSession,
  type Payment,
  prepareTransition,
  type SqlValue,
  transitionApplied,
} from '../db/payments';
import type { ExceptionType } from '../domain/exception-types';
import { allocate, collectionAccount, type PayeeShare, receiptJournal, refundJournal } from '../domain/ledger';
import { type PaymentEvent, SETTLED_STATUSES } from '../domain/payment-state';
import { newId } from '../domain/tokens';

/** Who is owed a payment's money: the biller, or each seller of the order. */
export async function payeesOf(db: D1Database, payment: Payment): Promise<PayeeShare[]> {
  if (payment.orderId) return orderPayees(db, payment.orderId);
  return [{ organizationId: payment.payeeOrgId!, amount: payment.amount }];
}

/** Statements that mark the bill or order paid, guarded to run only with the transition. */
function markTargetPaid(db: D1Database, payment: Payment, eventId: string, guard: string, now: string): D1PreparedStatement[] {
  if (payment.billId) {
    return [
      db
        .prepare(
          `UPDATE bills SET status = 'paid', paid_at = ?3, payment_id = ?1, updated_at = ?3 WHERE id = ?4 AND status = 'open' AND ${guard}`,
        )
        .bind(payment.id, eventId, now, payment.billId),
    ];
  }
  return [
    // A late card payment for an order whose reservation lapsed takes its stock again;
    // if that stock is gone the CHECK constraint fails the batch and a person takes over.
    db
      .prepare(
        `UPDATE products SET stock = stock - (SELECT oi.quantity FROM order_items oi WHERE oi.order_id = ?3 AND oi.product_id = products.id)
         WHERE id IN (SELECT product_id FROM order_items WHERE order_id = ?3)
           AND EXISTS (SELECT 1 FROM orders WHERE id = ?3 AND status IN ('expired', 'cancelled')) AND ${guard}`,
      )
      .bind(payment.id, eventId, payment.orderId),
    db
      .prepare(
        `UPDATE orders SET status = 'paid', paid_at = ?4, payment_id = ?1, updated_at = ?4
         WHERE id = ?3 AND status IN ('awaiting_payment', 'expired', 'cancelled') AND ${guard}`,
      )
      .bind(payment.id, eventId, payment.orderId, now),
  ];
}

/**
 * The statements that confirm a payment: status, event, ledger journal, and the bill or
 * order marked paid, all or nothing in one batch.
 */
export async function confirmStatements(
  db: D1Database,
  payment: Payment,
  options: {
    event: Extract<PaymentEvent, 'confirm' | 'gateway_confirm' | 'staff_confirm'>;
    source: 'bank' | 'stripe' | 'staff';
    sourceRef: string;
    now: string;
    set?: Record<string, SqlValue>;
    condition?: { sql: string; params: SqlValue[] };
    data?: Record<string, unknown>;
    /**
     * Money actually received, when a person accepted a shortfall: the journal books what
     * arrived, shared over the payees, so the ledger never shows money the bank did not get.
     */
    receivedAmount?: number;
  },
) {
  const collection = collectionAccount(payment.method, payment.payeeBankBin, payment.payeeAccountNo);
  const payees = await payeesOf(db, payment);
  const booked = Math.min(options.receivedAmount ?? payment.amount, payment.amount);
  // A bill is paid once, and never after it was cancelled: the confirmation needs it open.
  const billOpen = payment.billId
    ? { sql: `EXISTS (SELECT 1 FROM bills WHERE id = ?1 AND status = 'open')`, params: [payment.billId] as SqlValue[] }
    : null;
  const condition =
    billOpen && options.condition
      ? {
          sql: `(${options.condition.sql}) AND ${billOpen.sql.replace('?1', `?${options.condition.params.length + 1}`)}`,
          params: [...options.condition.params, ...billOpen.params],
        }
      : (billOpen ?? options.condition);
  const prepared = prepareTransition(db, {
    payment,
    event: options.event,
    source: options.source,
    sourceRef: options.sourceRef,
    now: options.now,
    set: { paid_at: options.now, ...options.set },
    condition,
    data: options.data,
    ledger: receiptJournal(payment.id, collection, booked, booked === payment.amount ? payees : allocate(booked, payees)),
  });
  return {
    ...prepared,
    statements: [...prepared.statements, ...markTargetPaid(db, payment, prepared.eventId, prepared.appliedGuard, options.now)],
  };
}

export type StripeOutcome = 'duplicate' | 'ignored' | 'applied' | 'no_change' | 'exception';

interface StripeObjectLike {
  id: string;
  metadata?: Record<string, string> | null;
  client_reference_id?: string | null;
  payment_intent?: string | { id: string } | null;
  payment_status?: string;
  amount_total?: number | null;
  currency?: string | null;
  amount_refunded?: number;
}

const HANDLED_STRIPE_EVENTS = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
]);

const intentId = (value: StripeObjectLike['payment_intent']) => (typeof value === 'string' ? value : (value?.id ?? null));

async function paymentForStripeObject(db: D1Database, type: string, object: StripeObjectLike): Promise<Payment | null> {
  const byMetadata = object.metadata?.paymentId ?? object.client_reference_id ?? null;
  if (byMetadata) {
    const payment = await findPayment(db, byMetadata);
    if (payment) return payment;
  }
  if (type.startsWith('checkout.session.')) return findPaymentByStripeSession(db, object.id);
  const intent = intentId(object.payment_intent);
  return intent ? findPaymentByStripeIntent(db, intent) : null;
}

/**
 * Applies one verified Stripe event. Events are recorded once by id and once per
 * (object, type) – Stripe can send two different events for one change – and the state
 * machine makes late or out-of-order events harmless: an `expired` after `completed`
 * finds a paid payment and changes nothing.
 */
export async function applyStripeEvent(db: D1Database, event: Stripe.Event, now: string): Promise<StripeOutcome> {
  if (!HANDLED_STRIPE_EVENTS.has(event.type)) return 'ignored';
  const object = event.data.object as unknown as StripeObjectLike;
  // Stripe sends one charge.refunded per refund, all about the same charge: the running
  // refunded total tells them apart, where the charge id alone would drop the second.
  const dedupeId = event.type === 'charge.refunded' ? `${object.id}:${object.amount_refunded ?? 0}` : object.id;
  const seen = await db
    .prepare('SELECT 1 FROM stripe_events WHERE event_id = ?1 OR (object_id = ?2 AND type = ?3)')
    .bind(event.id, dedupeId, event.type)
    .first();
  if (seen) return 'duplicate';

  const payment = await paymentForStripeObject(db, event.type, object);
  const processingId = newId('spr');
  const record = db
    .prepare(
      `INSERT INTO stripe_events (event_id, type, object_id, payment_id, processing_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT DO NOTHING`,
    )
    .bind(event.id, event.type, dedupeId, payment?.id ?? null, processingId, now);
  const ours = { sql: 'EXISTS (SELECT 1 FROM stripe_events WHERE event_id = ?1 AND processing_id = ?2)', params: [event.id, processingId] };

  const recordOnly = async (): Promise<StripeOutcome> => {
    const [result] = await db.batch([record]);
    return result!.meta.changes === 0 ? 'duplicate' : 'no_change';
  };
  const fileException = async (type: ExceptionType, amount: number, details: Record<string, unknown>): Promise<StripeOutcome> => {
    const results = await db.batch([
      record,
      db
        .prepare(
          `INSERT INTO payment_exceptions (id, type, organization_id, stripe_event_id, payment_id, amount, expected_amount, details, created_at)
           SELECT ?3, ?4, ?5, ?1, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM stripe_events WHERE event_id = ?1 AND processing_id = ?2)`,
        )
        .bind(
          event.id,
          processingId,
          newId('exc'),
          type,
          payment?.payeeOrgId ?? null,
          payment?.id ?? null,
          amount,
          payment?.amount ?? null,
          JSON.stringify(details),
          now,
        ),
    ]);
    return results[0]!.meta.changes === 0 ? 'duplicate' : 'exception';
  };

  if (!payment) return recordOnly();

  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      // An unpaid "completed" (a bank debit still on its way) waits for async_payment_succeeded.
      if (object.payment_status !== 'paid') return recordOnly();
      if (object.amount_total !== payment.amount || object.currency?.toLowerCase() !== 'vnd') {
        return fileException('amount_mismatch', object.amount_total ?? 0, { stripeEvent: event.id, currency: object.currency });
      }
      if (SETTLED_STATUSES.includes(payment.status)) return recordOnly();
      if (payment.status !== 'pending' && payment.status !== 'expired')
        return fileException('paid_after_expiry', payment.amount, { stripeEvent: event.id, status: payment.status });
      if (payment.billId) {
        const bill = await db.prepare('SELECT status FROM bills WHERE id = ?1').bind(payment.billId).first<{ status: string }>();
        // The bill was cancelled (or paid another way) while the Checkout page was open:
        // the card money is real and a person must send it back.
        if (bill?.status !== 'open')
          return fileException(bill?.status === 'paid' ? 'duplicate_payment' : 'paid_after_expiry', payment.amount, {
            stripeEvent: event.id,
            bill: bill?.status,
          });
      }
      const confirm = await confirmStatements(db, payment, {
        event: payment.status === 'pending' ? 'confirm' : 'gateway_confirm',
        source: 'stripe',
        sourceRef: event.id,
        now,
        set: { stripe_payment_intent: intentId(object.payment_intent), stripe_session_id: object.id },
        condition: ours,
        data: { stripeEvent: event.type },
      });
      try {
        const results = await db.batch([record, ...confirm.statements]);
        if (results[0]!.meta.changes === 0) return 'duplicate';
        return transitionApplied(results, 1) ? 'applied' : 'no_change';
      } catch (error) {
        // The bill or order was paid some other way meanwhile, or its stock is gone: the
        // card money is real and must go back, which a person decides.
        if (!String(error).includes('constraint failed')) throw error;
        return fileException('duplicate_payment', payment.amount, { stripeEvent: event.id, reason: String(error) });
      }
    }
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      if (payment.status !== 'pending') return recordOnly();
      const prepared = prepareTransition(db, {
        payment,
        event: event.type === 'checkout.session.expired' ? 'expire' : 'fail',
        source: 'stripe',
        sourceRef: event.id,
        now,
        condition: ours,
      });
      const results = await db.batch([record, ...prepared.statements]);
      if (results[0]!.meta.changes === 0) return 'duplicate';
      return transitionApplied(results, 1) ? 'applied' : 'no_change';
    }
    case 'charge.refunded':
      return applyStripeRefund(db, payment, object, event.id, record, ours, now);
    default:
      return 'ignored';
  }
}

/**
 * A refund reported by Stripe. Refunds we made are already settled and change nothing;
 * a refund made in the Stripe dashboard is recorded here so the ledger stays true.
 */
async function applyStripeRefund(
  db: D1Database,
  payment: Payment,
  charge: StripeObjectLike,
  eventId: string,
  record: D1PreparedStatement,
  ours: { sql: string; params: SqlValue[] },
  now: string,
): Promise<StripeOutcome> {
  const settled = await db
    // Our own refunds count from the moment we ask Stripe (processing): Stripe's webhook for
    // one may arrive before we have settled it, and must not book it a second time.
    .prepare(
      "SELECT coalesce(sum(amount), 0) AS total FROM refunds WHERE payment_id = ?1 AND status IN ('processing', 'succeeded', 'sent')",
    )
    .bind(payment.id)
    .first<{ total: number }>();
  const missing = (charge.amount_refunded ?? 0) - settled!.total;
  if (missing <= 0 || !SETTLED_STATUSES.includes(payment.status) || payment.status === 'refunded') {
    const [result] = await db.batch([record]);
    return result!.meta.changes === 0 ? 'duplicate' : 'no_change';
  }
  const refundId = newId('ref');
  const full = settled!.total + missing >= payment.amount;
  const collection = collectionAccount(payment.method, payment.payeeBankBin, payment.payeeAccountNo);
  const prepared = prepareTransition(db, {
    payment,
    event: full ? 'refund_full' : 'refund_partial',
    source: 'stripe',
    sourceRef: eventId,
    now,
    condition: ours,
    set: { amount_refunded: Math.min(payment.amount, Math.max(payment.amountRefunded, settled!.total + missing)) },
    data: { refundId, amount: missing, origin: 'stripe_dashboard' },
    ledger: refundJournal(payment.id, collection, missing, allocate(missing, await payeesOf(db, payment))),
  });
  const results = await db.batch([
    record,
    ...prepared.statements,
    db
      .prepare(
        `INSERT INTO refunds (id, payment_id, amount, reason, method, status, created_at, updated_at)
         SELECT ?3, ?1, ?4, 'Refunded in the Stripe dashboard', 'stripe', 'succeeded', ?5, ?5 WHERE ${prepared.appliedGuard}`,
      )
      .bind(payment.id, prepared.eventId, refundId, missing, now),
  ]);
  if (results[0]!.meta.changes === 0) return 'duplicate';
  return transitionApplied(results, 1) ? 'applied' : 'no_change';
}
