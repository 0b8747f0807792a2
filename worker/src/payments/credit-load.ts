/**
 * Step 1 of applying credits: read everything the matcher needs to decide them, in a few
 * queries whatever the number of credits. Each description is searched for references once,
 * here; the matcher gets the result.
 */

import { findAppliedTransactionIds } from '../db/bank-credits';
import { findBillsByCodes, findUnstartedOpenBills, type PayableBill } from '../db/bills';
import { findClosedDates } from '../db/days';
import { findStallsByReferences } from '../db/markets';
import { findAccountOwner } from '../db/organizations';
import { findPaymentsByReferences, findPendingPaymentsOnAccount, type Payment, type PaymentWithBill } from '../db/payments';
import { asStatementLines, type BankCredit, type StatementLine } from '../domain/bank-credit';
import { findBillCodes, findPaymentReferences } from '../domain/reference-search';
import type { KnownBill, KnownPayment, KnownStall, MatcherState, OpenTarget } from '../domain/statement-matcher';
import { vietnamDate } from '../domain/vietnam-time';

export interface CreditContext {
  accountNumber: string;
  /** The organization that owns the account, whose queue gets what matches nothing. */
  ownerId: string | null;
  lines: StatementLine[];
  /** The references found in each line's description, in line order. */
  references: string[][];
  /** The bill codes found in each line's description, in line order. */
  billCodes: string[][];
  state: MatcherState;
  /** Full rows of every payment a decision can name, by id. */
  payments: ReadonlyMap<string, Payment>;
  /** Open bills a payment can be made for on the spot (targets, stall bills and bills named by code), by id. */
  bills: ReadonlyMap<string, PayableBill>;
  /** The market board of each stall named, by stall id. */
  stallBoards: ReadonlyMap<string, string>;
  /** Which of the days the credits were booked on are closed already for the account. */
  closedDates: ReadonlySet<string>;
}

const known = (payment: PaymentWithBill): KnownPayment => ({
  id: payment.id,
  reference: payment.reference,
  amount: payment.amount,
  status: payment.status,
  expiresAt: payment.expiresAt,
  payeeAccountNo: payment.payeeAccountNo,
  billId: payment.billId,
  orderId: payment.orderId,
  method: payment.method,
  ...(payment.billStatus !== null ? { billStatus: payment.billStatus } : {}),
});

export async function loadCredits(db: D1Database, accountNumber: string, credits: readonly BankCredit[]): Promise<CreditContext> {
  const lines = asStatementLines(credits);
  const references = lines.map((line) => findPaymentReferences(line.description));
  const billCodes = lines.map((line) => findBillCodes(line.description));
  const named = [...new Set(references.flat())];
  const namedCodes = [...new Set(billCodes.flat())];
  const bookedDates = [...new Set(lines.map((line) => vietnamDate(new Date(line.bookedAt))))];
  const [applied, namedPayments, stalls, namedBills, owner, pending, closedDates] = await Promise.all([
    findAppliedTransactionIds(
      db,
      accountNumber,
      lines.map((line) => line.transactionId),
    ),
    findPaymentsByReferences(db, named),
    findStallsByReferences(db, named),
    findBillsByCodes(db, namedCodes),
    findAccountOwner(db, accountNumber),
    findPendingPaymentsOnAccount(db, accountNumber),
    findClosedDates(db, accountNumber, bookedDates),
  ]);
  // Bank money pays only what is paid by bank transfer: a card payment's checkout is not its target.
  const pendingTransfers = pending.filter((payment) => payment.method === 'vietqr');
  const unstartedBills = owner ? await findUnstartedOpenBills(db, owner.id) : [];

  const payments = new Map<string, Payment>([...namedPayments, ...pendingTransfers].map((payment) => [payment.id, payment]));
  const onOtherRail = new Set(pending.filter((payment) => payment.method !== 'vietqr').map((payment) => payment.billId));
  const bills = new Map<string, PayableBill>(unstartedBills.map((bill) => [bill.id, bill]));
  const stallBoards = new Map<string, string>();
  const stallsByReference = new Map<string, KnownStall>();
  for (const stall of stalls) {
    stallBoards.set(stall.id, stall.boardId);
    stallsByReference.set(stall.reference, {
      id: stall.id,
      code: stall.code,
      reference: stall.reference,
      accountNumber: stall.board.accountNo ?? '',
      // A bill someone is paying by card is not paid by the stall's QR meanwhile.
      openBills: stall.openBills
        .filter((bill) => !onOtherRail.has(bill.id))
        .map((bill) => ({ id: bill.id, amount: bill.amount, pendingPaymentId: bill.pendingPaymentId })),
    });
    const { bankBin, accountNo, accountName } = stall.board;
    if (!bankBin || !accountNo || !accountName) continue;
    for (const bill of stall.openBills) {
      if (bill.pendingPaymentId === null)
        bills.set(bill.id, {
          id: bill.id,
          amount: bill.amount,
          billerId: stall.boardId,
          dueDate: bill.dueDate,
          bankBin,
          accountNo,
          accountName,
        });
    }
  }

  const billsByCode = new Map<string, KnownBill>();
  for (const bill of namedBills) {
    billsByCode.set(bill.code, {
      id: bill.id,
      code: bill.code,
      amount: bill.amount,
      status: bill.status,
      accountNumber: bill.accountNo ?? '',
      pendingPaymentId: bill.pendingPaymentId,
      onOtherRail: bill.onOtherRail,
    });
    const { bankBin, accountNo, accountName } = bill;
    if (bill.status === 'open' && bill.pendingPaymentId === null && !bill.onOtherRail && bankBin && accountNo && accountName)
      bills.set(bill.id, {
        id: bill.id,
        amount: bill.amount,
        billerId: bill.billerId,
        dueDate: bill.dueDate,
        bankBin,
        accountNo,
        accountName,
      });
  }

  const openTargets: OpenTarget[] = [
    ...pendingTransfers.map((payment) => ({
      kind: 'payment' as const,
      id: payment.id,
      amount: payment.amount,
      date: vietnamDate(new Date(payment.createdAt)),
    })),
    ...unstartedBills.map((bill) => ({ kind: 'bill' as const, id: bill.id, amount: bill.amount, date: bill.dueDate })),
  ];
  return {
    accountNumber,
    ownerId: owner?.id ?? null,
    lines,
    references,
    billCodes,
    state: {
      accountNumber,
      confirmedTransactionIds: new Set(applied),
      paymentsByReference: new Map(namedPayments.map((payment) => [payment.reference, known(payment)])),
      stallsByReference,
      billsByCode,
      openTargets,
    },
    payments,
    bills,
    stallBoards,
    closedDates: new Set(closedDates),
  };
}
