/**
 * Applying verified Stripe events: a Checkout Session paid, failed or expired, and refunds
 * Stripe reports. Stripe is the adapter here (after Medusa's getWebhookActionAndData): the
 * event names a payment and an amount, and the payment transition table decides the rest.
 */
import type Stripe from 'stripe';
import { findBillById } from '../db/bills';
import { insertExceptionStatement } from '../db/exceptions';
import {
  findPayment,
  findPaymentByStripeIntent,
  findPaymentByStripeSession,
  type Payment,
  prepareTransition,
  transitionApplied,
} from '../db/payments';
import { sumPaymentRefunds } from '../db/refunds';
import { eventWasNew, recordedBy, recordStripeEventStatement, type StripeEventRecord, stripeEventSeen } from '../db/stripe-events';
import type { ExceptionType } from '../domain/exception-types';
import { allocate, collectionAccount, refundJournal } from '../domain/ledger';
import { SETTLED_STATUSES } from '../domain/payment-state';
import { newId } from '../domain/tokens';
import { confirmStatements, payeesOf } from './confirm';
import { gatewayRefundStatements } from './refunds';

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

/**
 * The Stripe payment of ours the event is about, or null. Stripe events confirm only Stripe
 * payments, and only through the Checkout Session we created for that payment (or, for a
 * charge, its payment intent): metadata naming a VietQR payment, or a session we did not
 * create, makes it none of ours.
 */
async function paymentForStripeObject(db: D1Database, type: string, object: StripeObjectLike): Promise<Payment | null> {
  const checkout = type.startsWith('checkout.session.');
  const intent = intentId(object.payment_intent);
  const ours = (payment: Payment | null): payment is Payment =>
    payment !== null &&
    payment.method === 'stripe' &&
    (checkout ? payment.stripeSessionId === object.id : intent !== null && payment.stripePaymentIntent === intent);
  const named = object.metadata?.paymentId ?? object.client_reference_id ?? null;
  const byName = named ? await findPayment(db, named) : null;
  if (ours(byName)) return byName;
  const byObject = checkout ? await findPaymentByStripeSession(db, object.id) : intent ? await findPaymentByStripeIntent(db, intent) : null;
  return ours(byObject) ? byObject : null;
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
  const objectKey = event.type === 'charge.refunded' ? `${object.id}:${object.amount_refunded ?? 0}` : object.id;
  if (await stripeEventSeen(db, event.id, objectKey, event.type)) return 'duplicate';

  const payment = await paymentForStripeObject(db, event.type, object);
  const record: StripeEventRecord = {
    eventId: event.id,
    type: event.type,
    objectKey,
    paymentId: payment?.id ?? null,
    processingId: newId('spr'),
    now,
  };
  const recordStatement = recordStripeEventStatement(db, record);
  const ours = recordedBy(record);

  const recordOnly = async (): Promise<StripeOutcome> => (eventWasNew(await db.batch([recordStatement])) ? 'no_change' : 'duplicate');
  const fileException = async (type: ExceptionType, amount: number, details: Record<string, unknown>): Promise<StripeOutcome> => {
    const results = await db.batch([
      recordStatement,
      insertExceptionStatement(
        db,
        {
          type,
          organizationId: payment?.payeeOrgId ?? null,
          stripeEventId: event.id,
          paymentId: payment?.id ?? null,
          amount,
          expectedAmount: payment?.amount ?? null,
          details,
          now,
        },
        ours,
      ),
    ]);
    return eventWasNew(results) ? 'exception' : 'duplicate';
  };

  if (!payment) {
    // Card money at Stripe that is no payment of ours: kept for the platform's admins, never dropped.
    const paid =
      event.type.startsWith('checkout.session.') && event.type !== 'checkout.session.expired' && object.payment_status === 'paid';
    return paid
      ? fileException('unmatched_credit', object.amount_total ?? 0, {
          stripeEvent: event.id,
          session: object.id,
          paymentId: object.metadata?.paymentId ?? null,
          reason: 'not the Checkout Session of a Stripe payment of ours',
        })
      : recordOnly();
  }

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
        const bill = await findBillById(db, payment.billId);
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
        // Stripe's time for the event is when the card payment went through.
        receivedAt: Number.isSafeInteger(event.created) ? new Date(event.created * 1000).toISOString() : now,
        set: { stripe_payment_intent: intentId(object.payment_intent), stripe_session_id: object.id },
        condition: ours,
        data: { stripeEvent: event.type },
      });
      try {
        const results = await db.batch([recordStatement, ...confirm.statements]);
        if (!eventWasNew(results)) return 'duplicate';
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
      const results = await db.batch([recordStatement, ...prepared.statements]);
      if (!eventWasNew(results)) return 'duplicate';
      return transitionApplied(results, 1) ? 'applied' : 'no_change';
    }
    case 'charge.refunded':
      return applyStripeRefund(db, payment, object, event.id, recordStatement, ours, now);
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
  recordStatement: D1PreparedStatement,
  ours: ReturnType<typeof recordedBy>,
  now: string,
): Promise<StripeOutcome> {
  // Our own refunds count from the moment we ask Stripe (processing): Stripe's webhook for
  // one may arrive before we have settled it, and must not book it a second time.
  const known = await sumPaymentRefunds(db, payment.id, ['processing', 'succeeded', 'sent']);
  const missing = (charge.amount_refunded ?? 0) - known;
  if (missing <= 0 || !SETTLED_STATUSES.includes(payment.status) || payment.status === 'refunded') {
    return eventWasNew(await db.batch([recordStatement])) ? 'no_change' : 'duplicate';
  }
  const full = known + missing >= payment.amount;
  const collection = collectionAccount(payment.method, payment.payeeBankBin, payment.payeeAccountNo);
  const refundId = newId('ref');
  const prepared = prepareTransition(db, {
    payment,
    event: full ? 'refund_full' : 'refund_partial',
    source: 'stripe',
    sourceRef: eventId,
    now,
    condition: ours,
    set: { amount_refunded: Math.min(payment.amount, Math.max(payment.amountRefunded, known + missing)) },
    data: { refundId, amount: missing, origin: 'stripe_dashboard' },
    ledger: refundJournal(payment.id, collection, missing, allocate(missing, await payeesOf(db, payment))),
  });
  const refund = gatewayRefundStatements(db, payment, missing, prepared.applied, now, refundId);
  const results = await db.batch([recordStatement, ...prepared.statements, ...refund.statements]);
  if (!eventWasNew(results)) return 'duplicate';
  return transitionApplied(results, 1) ? 'applied' : 'no_change';
}
