import { orderPayees } from '../db/orders';
import {
  billIsOpen,
  markTargetPaidStatements,
  type Payment,
  type PaymentColumnChanges,
  type PreparedTransition,
  prepareTransition,
} from '../db/payments';
import { all, type Sql } from '../db/sql';
import { allocate, collectionAccount, type PayeeShare, receiptJournal } from '../domain/ledger';
import type { PaymentEvent } from '../domain/payment-state';

/** Who is owed a payment's money: the biller, or each seller of the order. */
export async function payeesOf(db: D1Database, payment: Payment): Promise<PayeeShare[]> {
  if (payment.orderId) return orderPayees(db, payment.orderId);
  return [{ organizationId: payment.payeeOrgId!, amount: payment.amount }];
}

/**
 * The statements that confirm a payment: status, event, ledger journal, and the bill or
 * order marked paid, all or nothing in one batch. A bill's payment confirms only while the
 * bill is open: a bill is paid once, and never after it was cancelled.
 */
export async function confirmStatements(
  db: D1Database,
  payment: Payment,
  options: {
    event: Extract<PaymentEvent, 'confirm' | 'gateway_confirm' | 'staff_confirm'>;
    source: 'bank' | 'stripe' | 'staff';
    sourceRef: string;
    now: string;
    /** When the bank (or Stripe) booked the money, which can be days before `now`. */
    receivedAt: string;
    set?: PaymentColumnChanges;
    condition?: Sql;
    data?: Record<string, unknown>;
    /**
     * Money actually received, when a person accepted a shortfall: the journal books what
     * arrived, shared over the payees, so the ledger never shows money the bank did not get.
     */
    receivedAmount?: number;
  },
): Promise<PreparedTransition> {
  const collection = collectionAccount(payment.method, payment.payeeBankBin, payment.payeeAccountNo);
  const payees = await payeesOf(db, payment);
  const booked = Math.min(options.receivedAmount ?? payment.amount, payment.amount);
  const conditions = [options.condition, payment.billId ? billIsOpen(payment.billId) : undefined].filter((c) => c !== undefined);
  const prepared = prepareTransition(db, {
    payment,
    event: options.event,
    source: options.source,
    sourceRef: options.sourceRef,
    now: options.now,
    set: { paid_at: options.now, received_at: options.receivedAt, ...options.set },
    condition: conditions.length > 0 ? all(conditions) : undefined,
    data: options.data,
    ledger: receiptJournal(payment.id, collection, booked, booked === payment.amount ? payees : allocate(booked, payees)),
  });
  return { ...prepared, statements: [...prepared.statements, ...markTargetPaidStatements(db, payment, prepared.applied, options.now)] };
}
