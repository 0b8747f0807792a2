import type Stripe from 'stripe';
import { insertExceptionStatement } from '../db/exceptions';
import { findPaymentByStripeIntent } from '../db/payments';
import { findPayoutCheck, recordedCheck, recordPayoutCheckStatement } from '../db/stripe-events';
import { SETTLED_STATUSES } from '../domain/payment-state';
import { newId } from '../domain/tokens';
import { vietnamDate } from '../domain/vietnam-time';

export interface PayoutCheck {
  payoutId: string;
  amount: number;
  gross: number;
  fees: number;
  refunds: number;
  net: number;
  balanced: boolean;
  charges: number;
  exceptions: number;
  alreadyChecked: boolean;
}

/**
 * Checks a Stripe payout against our books: gross − fees − refunds must equal what Stripe
 * paid out, and every charge in it must belong to a payment we count as paid (for the
 * same amount). Anything else becomes an exception for the platform's admins. A payout is
 * checked once; checking it again reports the stored result.
 */
export async function checkStripePayout(db: D1Database, stripe: Stripe, payoutId: string, now: string): Promise<PayoutCheck> {
  const stored = await findPayoutCheck(db, payoutId);
  if (stored) return { ...(JSON.parse(stored) as PayoutCheck), alreadyChecked: true };

  const payout = await stripe.payouts.retrieve(payoutId);
  const transactions = await stripe.balanceTransactions.list({ payout: payoutId, limit: 100 }).autoPagingToArray({ limit: 10_000 });
  let gross = 0;
  let fees = 0;
  let refunds = 0;
  let charges = 0;
  const problems: Array<{
    type: 'amount_mismatch' | 'unmatched_credit';
    amount: number;
    expected: number | null;
    paymentId: string | null;
    payeeOrgId: string | null;
    details: Record<string, unknown>;
  }> = [];
  for (const txn of transactions) {
    if (txn.type === 'payout') continue;
    fees += txn.fee;
    if (txn.type === 'refund') {
      refunds += -txn.amount;
      continue;
    }
    if (txn.type !== 'charge' && txn.type !== 'payment') continue;
    gross += txn.amount;
    charges += 1;
    const chargeId = typeof txn.source === 'string' ? txn.source : (txn.source?.id ?? '');
    const charge = await stripe.charges.retrieve(chargeId);
    const intent = typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null);
    const payment = intent ? await findPaymentByStripeIntent(db, intent) : null;
    const details = { payoutId, balanceTransaction: txn.id, charge: chargeId, paymentIntent: intent };
    if (!payment || !SETTLED_STATUSES.includes(payment.status)) {
      problems.push({
        type: 'unmatched_credit',
        amount: txn.amount,
        expected: payment?.amount ?? null,
        paymentId: payment?.id ?? null,
        payeeOrgId: payment?.payeeOrgId ?? null,
        details: { ...details, reason: 'no paid payment for this charge' },
      });
    } else if (payment.amount !== txn.amount) {
      problems.push({
        type: 'amount_mismatch',
        amount: txn.amount,
        expected: payment.amount,
        paymentId: payment.id,
        payeeOrgId: payment.payeeOrgId,
        details,
      });
    }
  }
  const net = gross - fees - refunds;
  const balanced = net === payout.amount;
  if (!balanced) {
    problems.push({
      type: 'amount_mismatch',
      amount: payout.amount,
      expected: net,
      paymentId: null,
      payeeOrgId: null,
      details: { payoutId, reason: 'gross - fees - refunds differs from the payout', gross, fees, refunds },
    });
  }
  const summary: PayoutCheck = {
    payoutId,
    amount: payout.amount,
    gross,
    fees,
    refunds,
    net,
    balanced,
    charges,
    exceptions: problems.length,
    alreadyChecked: false,
  };
  const processingId = newId('pck');
  const ours = recordedCheck(payoutId, processingId);
  await db.batch([
    recordPayoutCheckStatement(db, { payoutId, amount: payout.amount, summary, processingId, now }),
    ...problems.map((problem) =>
      insertExceptionStatement(
        db,
        {
          type: problem.type,
          organizationId: problem.payeeOrgId,
          paymentId: problem.paymentId,
          amount: problem.amount,
          expectedAmount: problem.expected,
          details: problem.details,
          accountNumber: 'stripe',
          bookedDate: vietnamDate(new Date(now)),
          now,
        },
        ours,
      ),
    ),
  ]);
  return summary;
}
