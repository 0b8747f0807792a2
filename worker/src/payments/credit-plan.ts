/**
 * Step 3 of applying credits: turn the matcher's decision for one credit into what must be
 * written, over the state the loader read. Nothing is decided here that the matcher did not
 * decide: a match becomes the confirmation of that payment (or of a payment made on the spot
 * for that bill), an exception becomes that exception, in that organization's queue.
 */
import type { Payment } from '../db/payments';
import type { BankCredit } from '../domain/bank-credit';
import type { CreditExceptionType } from '../domain/exception-types';
import type { LineDecision } from '../domain/statement-matcher';
import { vietnamDate } from '../domain/vietnam-time';
import type { CreditContext } from './credit-load';
import { draftBillPayment } from './drafts';

/**
 * A credit booked on a day its account has closed already: that day stays as it was frozen,
 * and the credit is recorded as an adjustment of the day it is processed (and any exception
 * it becomes waits in that day's queue).
 */
interface LateForClosedDay {
  /** The closed day the bank booked it on, or null when that day is still open. */
  closedDay: string | null;
}

export type CreditPlan =
  | { kind: 'duplicate' }
  | (LateForClosedDay & {
      kind: 'confirm';
      payment: Payment;
      /** The payment is made on the spot, in the same batch as the credit. */
      isNew: boolean;
      organizationId: string | null;
      details: Record<string, unknown>;
    })
  | (LateForClosedDay & {
      kind: 'exception';
      type: CreditExceptionType;
      /** The payment it concerns, when it is one of this account's. */
      payment: Payment | null;
      expected: number | null;
      organizationId: string | null;
      details: Record<string, unknown>;
    });

/** When a credit's effect could not be written as planned: the money is kept for a person. */
export function keepAsException(
  credit: BankCredit,
  organizationId: string | null,
  reason: string,
  closedDay: string | null = null,
): CreditPlan {
  return {
    kind: 'exception',
    closedDay,
    type: 'unmatched_credit',
    payment: null,
    expected: null,
    organizationId,
    details: { transactionId: credit.transactionId, description: credit.description, bookedAt: credit.bookedAt, reason },
  };
}

export function planCredit(decision: LineDecision, credit: BankCredit, index: number, context: CreditContext, now: string): CreditPlan {
  const plan = decide(decision, credit, index, context, now);
  if (plan.kind === 'duplicate') return plan;
  const bookedDate = vietnamDate(new Date(credit.bookedAt));
  return { ...plan, closedDay: context.closedDates.has(bookedDate) ? bookedDate : null };
}

type Undated<T> = T extends LateForClosedDay ? Omit<T, 'closedDay'> : T;

function decide(decision: LineDecision, credit: BankCredit, index: number, context: CreditContext, now: string): Undated<CreditPlan> {
  const details: Record<string, unknown> = {
    transactionId: credit.transactionId,
    description: credit.description,
    bookedAt: credit.bookedAt,
  };
  const missing = (what: string) => keepAsException(credit, context.ownerId, `${what} not found when planning`) as Undated<CreditPlan>;
  switch (decision.kind) {
    case 'already_confirmed':
      return { kind: 'duplicate' };
    case 'matched': {
      const payment = context.payments.get(decision.paymentId);
      if (!payment) return missing('payment');
      return {
        kind: 'confirm',
        payment,
        isNew: false,
        organizationId: payment.payeeOrgId,
        details: { ...details, references: context.references[index] },
      };
    }
    case 'matched_stall': {
      const stallDetails = {
        ...details,
        stallId: decision.stall.id,
        stallCode: decision.stall.code,
        stallReference: decision.stall.reference,
      };
      const organizationId = context.stallBoards.get(decision.stall.id) ?? context.ownerId;
      if (decision.paymentId !== null) {
        const payment = context.payments.get(decision.paymentId);
        if (!payment) return missing('payment');
        return { kind: 'confirm', payment, isNew: false, organizationId, details: stallDetails };
      }
      const bill = context.bills.get(decision.billId);
      if (!bill) return missing('bill');
      return {
        kind: 'confirm',
        payment: draftBillPayment(bill, credit.bookedAt, `stall:${decision.stall.id}`, now),
        isNew: true,
        organizationId,
        details: stallDetails,
      };
    }
    case 'matched_bill': {
      const billDetails = { ...details, billId: decision.bill.id, billCode: decision.bill.code, matchedBy: 'bill code' };
      if (decision.paymentId !== null) {
        const payment = context.payments.get(decision.paymentId);
        if (!payment) return missing('payment');
        return { kind: 'confirm', payment, isNew: false, organizationId: payment.payeeOrgId, details: billDetails };
      }
      const bill = context.bills.get(decision.bill.id);
      if (!bill) return missing('bill');
      const payment = draftBillPayment(bill, credit.bookedAt, `bill:${decision.bill.id}`, now);
      return { kind: 'confirm', payment, isNew: true, organizationId: payment.payeeOrgId, details: billDetails };
    }
    case 'matched_target': {
      const matched = { ...details, references: context.references[index], matchedBy: 'amount and date', target: decision.target };
      if (decision.target.kind === 'payment') {
        const payment = context.payments.get(decision.target.id);
        if (!payment) return missing('payment');
        return { kind: 'confirm', payment, isNew: false, organizationId: payment.payeeOrgId, details: matched };
      }
      const bill = context.bills.get(decision.target.id);
      if (!bill) return missing('bill');
      const payment = draftBillPayment(bill, credit.bookedAt, `statement:${credit.transactionId}`, now);
      return { kind: 'confirm', payment, isNew: true, organizationId: payment.payeeOrgId, details: matched };
    }
    case 'exception': {
      if (decision.stall) {
        return {
          kind: 'exception',
          type: decision.type,
          payment: null,
          expected: decision.expectedAmount ?? null,
          organizationId: context.stallBoards.get(decision.stall.id) ?? context.ownerId,
          details: {
            ...details,
            stallId: decision.stall.id,
            stallCode: decision.stall.code,
            stallReference: decision.stall.reference,
            ...(decision.billId ? { billId: decision.billId } : {}),
            ...(decision.reason ? { reason: decision.reason } : {}),
          },
        };
      }
      if (decision.bill) {
        // Money that named a bill by its code: in its biller's queue when the bill is on this account.
        const bill = context.state.billsByCode?.get(decision.bill.code);
        const onThisAccount = bill !== undefined && bill.accountNumber === credit.accountNumber;
        const payment = onThisAccount && decision.paymentId ? (context.payments.get(decision.paymentId) ?? null) : null;
        return {
          kind: 'exception',
          type: decision.type,
          payment,
          expected: decision.expectedAmount ?? payment?.amount ?? null,
          organizationId: payment?.payeeOrgId ?? context.ownerId,
          details: {
            ...details,
            billId: decision.bill.id,
            billCode: decision.bill.code,
            ...(decision.reason ? { reason: decision.reason } : {}),
          },
        };
      }
      const payment = decision.paymentId ? (context.payments.get(decision.paymentId) ?? null) : null;
      // A payment of another account is none of this account's business: not linked.
      const linked = payment && payment.payeeAccountNo === credit.accountNumber ? payment : null;
      return {
        kind: 'exception',
        type: decision.type,
        payment: linked,
        expected: linked?.amount ?? null,
        organizationId: linked?.payeeOrgId ?? context.ownerId,
        details: {
          ...details,
          references: context.references[index],
          ...(decision.candidates ? { candidates: decision.candidates } : {}),
        },
      };
    }
  }
}
