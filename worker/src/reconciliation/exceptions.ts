/**
 * Resolving exceptions: money that could not be applied on its own is matched to a payment
 * or a bill, transferred back (a second person approves), or dismissed, once each, with an
 * append-only log of who, when and why.
 */
import { findBillByCode, findBillById, findPayableBill } from '../db/bills';
import { insertAdjustmentStatement, isAdjusted, isDayClosed } from '../db/days';
import {
  abortResolutionUnless,
  findException,
  insertExceptionStatement,
  insertResolutionStatement,
  isAlreadyResolvedError,
  linkCreditToPaymentStatement,
  type PaymentException,
  resolveExceptionStatement,
} from '../db/exceptions';
import { createPaymentStatements, findPayment, findPendingPayment, type Payment, prepareTransition } from '../db/payments';
import type { SessionUser } from '../db/users';
import { normalizeBillCode } from '../domain/codes';
import { formatVnd } from '../domain/money';
import { SETTLED_STATUSES } from '../domain/payment-state';
import { vietnamDate } from '../domain/vietnam-time';
import { ApiError } from '../errors';
import { confirmStatements } from '../payments/confirm';
import { draftBillPayment } from '../payments/drafts';
import { exceptionRefundStatements } from '../payments/refunds';

export type { PaymentException } from '../db/exceptions';

/** Staff see their organization's queue; admins see every queue, including the platform's. */
export function canHandle(user: SessionUser, exception: PaymentException): boolean {
  return user.role === 'admin' || (exception.organizationId !== null && exception.organizationId === user.organization?.id);
}

export type Resolution =
  | { action: 'match'; paymentId?: string; billCode?: string; acceptDifference?: boolean; note?: string }
  | { action: 'refund'; note?: string }
  | { action: 'dismiss'; note: string };

interface ResolutionEffect {
  statements: D1PreparedStatement[];
  /** Written after the resolution row: statements that must come last in the batch. */
  after: D1PreparedStatement[];
  paymentId: string | null;
  refundId: string | null;
}

/**
 * Resolves an exception once: the resolution row (unique per exception) is written in the
 * same batch as its effect, so a second resolution fails as a whole. A match confirms the
 * payment through the same transition and ledger code as a bank notice; a correction to a
 * closed day is written as an adjustment dated today, never as an edit.
 */
export async function resolveException(
  db: D1Database,
  exception: PaymentException,
  resolution: Resolution,
  user: SessionUser,
  now: string,
): Promise<PaymentException> {
  if (exception.status !== 'open') throw new ApiError(409, 'already_resolved', 'Ngoại lệ này đã được xử lý rồi');
  const note = resolution.note?.trim() ?? '';
  const effect: ResolutionEffect =
    resolution.action === 'match'
      ? await matchEffect(db, exception, resolution, note, user, now)
      : resolution.action === 'refund'
        ? refundEffect(db, exception, note, user, now)
        : { statements: [], after: [], paymentId: null, refundId: null };

  // Money that arrived after its day was closed is an adjustment already, from when it arrived.
  if (resolution.action === 'match' && exception.accountNumber && exception.bookedDate && !(await isAdjusted(db, exception.id))) {
    if (await isDayClosed(db, exception.accountNumber, exception.bookedDate)) {
      effect.statements.push(
        insertAdjustmentStatement(db, {
          accountNumber: exception.accountNumber,
          date: vietnamDate(new Date(now)),
          affectsDate: exception.bookedDate,
          paymentId: effect.paymentId,
          exceptionId: exception.id,
          amount: exception.amount,
          reason: `Ghép sau khi ngày đã chốt sổ: ${note}`,
          createdBy: user.id,
          now,
        }),
      );
    }
  }

  try {
    await db.batch([
      resolveExceptionStatement(db, exception.id, user.id, now),
      ...effect.statements,
      insertResolutionStatement(db, {
        exceptionId: exception.id,
        action: resolution.action,
        paymentId: effect.paymentId,
        refundId: effect.refundId,
        note,
        resolvedBy: user.id,
        now,
      }),
      ...effect.after,
    ]);
  } catch (error) {
    if (isAlreadyResolvedError(error)) {
      throw new ApiError(
        409,
        'already_resolved',
        'Ngoại lệ này vừa được người khác xử lý, hoặc khoản thanh toán của nó đã thay đổi; hãy tải lại',
      );
    }
    // The bill or order was paid another way meanwhile, or the order's stock is gone.
    if (String(error).includes('constraint failed')) {
      throw new ApiError(
        409,
        'cannot_match',
        'Khoản thanh toán đó không còn nhận được số tiền này (đã được trả cách khác, hoặc hết hàng); hãy hoàn tiền thay vì ghép',
      );
    }
    throw error;
  }
  return (await findException(db, exception.id))!;
}

function refundEffect(db: D1Database, exception: PaymentException, note: string, user: SessionUser, now: string): ResolutionEffect {
  if (!exception.bankCredit)
    throw new ApiError(
      409,
      'nothing_to_refund',
      'Số tiền của ngoại lệ này chưa về tài khoản ngân hàng; hãy bỏ qua nó, hoặc hoàn tiền khoản thanh toán thẻ',
    );
  const { refundId, statements } = exceptionRefundStatements(db, exception, note, user, now);
  return { statements, after: [], paymentId: null, refundId };
}

async function matchEffect(
  db: D1Database,
  exception: PaymentException,
  resolution: Extract<Resolution, { action: 'match' }>,
  note: string,
  user: SessionUser,
  now: string,
): Promise<ResolutionEffect> {
  if (!exception.bankCredit)
    throw new ApiError(409, 'nothing_to_match', 'Chỉ ghép được tiền đã về tài khoản ngân hàng; hãy hoàn tiền hoặc bỏ qua ngoại lệ này');
  const { payment, isNew, supersedes } = await matchTarget(db, exception, resolution, now);
  const difference = exception.amount - payment.amount;
  if (difference !== 0 && !(resolution.acceptDifference && note)) {
    throw new ApiError(
      400,
      'amount_differs',
      `Số tiền nhận (${formatVnd(exception.amount)}) và số tiền phải thu (${formatVnd(payment.amount)}) chênh nhau ${formatVnd(Math.abs(difference))}: ` +
        'muốn ghép vẫn được, hãy chọn chấp nhận chênh lệch (acceptDifference) và ghi chú lý do',
      [{ path: 'acceptDifference', message: 'Bắt buộc, kèm ghi chú, khi số tiền chênh lệch' }],
    );
  }
  if (SETTLED_STATUSES.includes(payment.status))
    throw new ApiError(409, 'payment_already_paid', 'Khoản thanh toán đó đã được trả; hãy hoàn lại số tiền này');
  if (payment.billId) {
    const bill = await findBillById(db, payment.billId);
    if (bill?.status !== 'open')
      throw new ApiError(
        409,
        `bill_${bill?.status ?? 'missing'}`,
        `Hoá đơn của khoản thanh toán đó ${bill?.status === 'paid' ? 'đã được thanh toán' : 'đã bị huỷ'}; hãy hoàn lại số tiền này`,
      );
  }
  if (payment.status === 'failed')
    throw new ApiError(409, 'payment_failed', 'Khoản thanh toán đó không thành công; hãy ghép với hoá đơn thay vì khoản thanh toán');
  // Bank money is booked on the bank rail: a card checkout open for the bill stops first.
  const superseded = supersedes
    ? prepareTransition(db, { payment: supersedes, event: 'supersede', source: 'staff', now, data: { exceptionId: exception.id } })
        .statements
    : [];
  const creation = isNew
    ? createPaymentStatements(db, payment, { source: 'staff', sourceRef: exception.id, data: { exceptionId: exception.id }, now })
    : null;
  const confirm = await confirmStatements(db, payment, {
    event: 'staff_confirm',
    source: 'staff',
    sourceRef: exception.id,
    now,
    receivedAt: exception.bankCredit.bookedAt,
    data: { exceptionId: exception.id, resolvedBy: user.id, received: exception.amount, note },
    receivedAmount: exception.amount,
  });
  const after = [
    // Written after the resolution row: if the payment moved on meanwhile, this second row
    // breaks the unique constraint and the whole batch, resolution included, is rolled back.
    abortResolutionUnless(db, exception.id, user.id, confirm.applied, now),
  ];
  if (exception.amount > payment.amount) {
    // The surplus stays visible as an exception of its own, to be refunded or matched.
    after.push(
      insertExceptionStatement(db, {
        type: 'duplicate_payment',
        organizationId: exception.organizationId,
        bankCreditId: exception.bankCredit.id,
        amount: exception.amount - payment.amount,
        details: { surplusOf: exception.id, paymentId: payment.id },
        accountNumber: exception.accountNumber,
        bookedDate: exception.bookedDate,
        now,
      }),
    );
  }
  return {
    statements: [
      ...superseded,
      ...(creation?.statements ?? []),
      ...confirm.statements,
      linkCreditToPaymentStatement(db, exception.bankCredit.id, payment.id),
    ],
    after,
    paymentId: payment.id,
    refundId: null,
  };
}

/** The payment a match applies the money to: a named payment, or the bill's (made if need be). */
async function matchTarget(
  db: D1Database,
  exception: PaymentException,
  resolution: Extract<Resolution, { action: 'match' }>,
  now: string,
): Promise<{ payment: Payment; isNew: boolean; supersedes?: Payment }> {
  if (resolution.paymentId) {
    const payment = await findPayment(db, resolution.paymentId);
    if (!payment || payment.payeeAccountNo !== exception.accountNumber)
      throw new ApiError(404, 'payment_not_found', `Không tìm thấy khoản thanh toán ${resolution.paymentId} trên tài khoản này`);
    if (payment.method !== 'vietqr')
      throw new ApiError(
        409,
        'payment_on_other_rail',
        'Khoản thanh toán đó là thanh toán bằng thẻ; tiền chuyển khoản hãy ghép với mã hoá đơn của nó',
        [{ path: 'paymentId', message: 'Không phải khoản thanh toán chuyển khoản' }],
      );
    return { payment, isNew: false };
  }
  const code = resolution.billCode ? normalizeBillCode(resolution.billCode) : null;
  const bill = code ? await findBillByCode(db, code) : null;
  if (!bill || (exception.organizationId !== null && bill.billerId !== exception.organizationId))
    throw new ApiError(404, 'bill_not_found', `Không tìm thấy hoá đơn mã ${resolution.billCode ?? ''} của đơn vị bạn`, [
      { path: 'billCode', message: 'Không có hoá đơn nào mang mã này' },
    ]);
  if (bill.status !== 'open')
    throw new ApiError(
      409,
      `bill_${bill.status}`,
      `Hoá đơn ${resolution.billCode} ${bill.status === 'paid' ? 'đã được thanh toán' : 'đã bị huỷ'}`,
    );
  const pending = await findPendingPayment(db, { billId: bill.id });
  if (pending?.method === 'vietqr') return { payment: pending, isNew: false };
  const payable = await findPayableBill(db, bill.id);
  if (!payable) throw new ApiError(409, 'bill_paid', `Hoá đơn ${resolution.billCode} không còn mở`);
  const payment = draftBillPayment(payable, now, `exception:${exception.id}`, now);
  if (payment.payeeAccountNo !== exception.accountNumber)
    throw new ApiError(409, 'wrong_account', `Tiền đã về một tài khoản khác với tài khoản nhận tiền của hoá đơn ${resolution.billCode}`);
  return { payment, isNew: true, ...(pending ? { supersedes: pending } : {}) };
}
