import { billIsUnstarted, cancelBillStatement } from '../db/bills';
import { billIsOpen, findPendingPayment, prepareTransition } from '../db/payments';
import { rowsWritten } from '../db/sql';
import { ApiError } from '../errors';

/**
 * Cancels an open bill. Its open payment, if any, expires in the same batch, and each half
 * applies only with the other: if the bill was paid or its payment changed meanwhile, the
 * answer is a conflict and nothing at all was written. Money that still arrives for the
 * bill becomes an exception to resolve.
 */
export async function cancelBill(db: D1Database, billId: string, now: string): Promise<void> {
  const pending = await findPendingPayment(db, { billId });
  const expire = pending
    ? prepareTransition(db, {
        payment: pending,
        event: 'expire',
        source: 'staff',
        now,
        data: { reason: 'bill cancelled' },
        condition: billIsOpen(billId),
      })
    : null;
  const results = await db.batch([
    ...(expire?.statements ?? []),
    // With no payment open when we looked, none may have been opened since.
    cancelBillStatement(db, billId, now, expire ? expire.applied : billIsUnstarted(billId)),
  ]);
  if (rowsWritten(results.at(-1)) !== 1) {
    throw new ApiError(409, 'conflict', 'Hoá đơn vừa thay đổi (có thể vừa được thanh toán); hãy tải lại trang');
  }
}
