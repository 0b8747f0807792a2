import type { PayableBill } from '../db/bills';
import type { Payment } from '../db/payments';
import { newPaymentReference } from '../domain/codes';
import { newId } from '../domain/tokens';

const later = (a: string, b: string) => (a > b ? a : b);

/**
 * A payment made on the spot for a bill that money arrived for without one (a stall's
 * static QR, a statement line matched by amount and date, a person's match of an
 * exception). It exists only once its batch writes it, through the payment table's
 * creation edge.
 */
export function draftBillPayment(bill: PayableBill, bookedAt: string, requestHash: string, now: string): Payment {
  return {
    id: newId('pay'),
    reference: newPaymentReference(),
    billId: bill.id,
    orderId: null,
    payeeOrgId: bill.billerId,
    amount: bill.amount,
    currency: 'VND',
    method: 'vietqr',
    status: 'pending',
    payeeBankBin: bill.bankBin,
    payeeAccountNo: bill.accountNo,
    payeeAccountName: bill.accountName,
    vietqrPayload: null,
    stripeSessionId: null,
    stripeCheckoutUrl: null,
    stripePaymentIntent: null,
    amountRefunded: 0,
    // The money is already here: nothing to expire before it.
    expiresAt: later(bookedAt, now),
    paidAt: null,
    requestHash,
    createdAt: now,
    updatedAt: now,
  };
}
