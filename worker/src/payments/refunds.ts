/**
 * Refunds, one workflow for both kinds: part or all of a payment (by Stripe, or by a bank
 * transfer back), and money that matched nothing (an exception resolved by refunding it).
 * Every status change goes through the refund transition table (domain/refund-state.ts)
 * with its event in the same batch; a transfer back needs a second person's approval,
 * checked here once for both kinds; money that leaves a payment is booked in the ledger
 * in the same batch as the refund's change.
 */
import { findPayment, type Payment, prepareTransition, transitionApplied } from '../db/payments';
import {
  createRefundStatements,
  findRefund,
  type PreparedRefundChange,
  paymentHasRoomFor,
  prepareRefundTransition,
  type Refund,
  refundChangeApplied,
  refundStillSettleable,
  reopenExceptionStatement,
  shiftRefundedAmount,
  sumPaymentRefunds,
} from '../db/refunds';
import { all, rowsWritten, type Sql } from '../db/sql';
import type { SessionUser } from '../db/users';
import { allocate, collectionAccount, type PayeeShare, refundJournal } from '../domain/ledger';
import { publicStatus } from '../domain/payment-state';
import { REFUND_SETTLED_STATUSES, REFUND_STATUS_NAMES, type RefundEvent, type RefundStatus } from '../domain/refund-state';
import { ApiError } from '../errors';
import { payeesOf } from './confirm';
import type { PaymentProvider } from './providers';

export type RefundAction = 'approve' | 'reject' | 'sent';

const ACTION_EVENTS: Record<RefundAction, RefundEvent> = { approve: 'approve', reject: 'reject', sent: 'mark_sent' };

const wrongState = (refund: Refund) =>
  new ApiError(
    409,
    'refund_wrong_state',
    `Lệnh hoàn tiền đang ở trạng thái "${REFUND_STATUS_NAMES[refund.status]}", không làm được thao tác này`,
  );

const changedMeanwhile = () => new ApiError(409, 'refund_wrong_state', 'Lệnh hoàn tiền vừa được người khác thay đổi; hãy tải lại trang');

/**
 * Refunds `amount` of a paid payment. The reservation is part of the refund's creation: the
 * refund row is written only while the payment has room for it, so two refunds at once can
 * never add up to more than was paid (or than arrived). On Stripe the money goes back at
 * once; on VietQR it waits for a second person's approval.
 */
export async function refundPayment(
  db: D1Database,
  provider: PaymentProvider,
  payment: Payment,
  request: { amount: number; reason: string; subOrderId?: string },
  user: SessionUser,
  now: string,
  /**
   * A change that must happen with the refund's creation or not at all (a seller's
   * cancellation of its sub-order): its statements go first in the same batch, and the refund
   * is created only once `applied` holds. Its own first statement must be conditional on
   * `paymentHasRoomFor` too, so that neither happens without the other.
   */
  along?: { statements: D1PreparedStatement[]; applied: Sql; conflict: () => ApiError },
): Promise<Refund> {
  if (payment.status !== 'paid' && payment.status !== 'partially_refunded') {
    throw new ApiError(
      409,
      'not_refundable',
      `Khoản thanh toán ${PUBLIC_STATUS_WORDS[publicStatus(payment.status)]} nên không hoàn tiền được`,
    );
  }
  const created = createRefundStatements(
    db,
    {
      paymentId: payment.id,
      exceptionId: null,
      subOrderId: request.subOrderId ?? null,
      amount: request.amount,
      reason: request.reason,
      method: payment.method,
      requestedBy: user.id,
    },
    payment.method === 'stripe' ? 'request_card' : 'request_transfer',
    {
      source: 'api',
      now,
      onlyIf: along ? all([paymentHasRoomFor(payment.id, request.amount), along.applied]) : paymentHasRoomFor(payment.id, request.amount),
    },
  );
  const first = along?.statements ?? [];
  const results = await db.batch([
    ...first,
    ...created.statements,
    shiftRefundedAmount(db, payment.id, request.amount, created.applied, now),
  ]);
  if (along && !rowsWritten(results[0])) throw along.conflict();
  if (!refundChangeApplied(results, first.length)) {
    throw new ApiError(409, 'refund_exceeds_payment', 'Số tiền hoàn vượt quá số tiền còn lại có thể hoàn của khoản thanh toán này', [
      { path: 'amount', message: 'Lớn hơn số tiền còn lại có thể hoàn' },
    ]);
  }
  const refund = (await findRefund(db, created.refundId))!;
  if (payment.method === 'stripe') {
    try {
      const result = await provider.refund(payment, refund);
      // Stripe has sent the money: settle it, re-reading the payment if a concurrent refund moved it on.
      // If it cannot be settled now (the payment keeps changing), it stays processing and is
      // settled when Stripe's charge.refunded arrives.
      if (result.status === 'succeeded')
        await settleWithRetries(db, payment.id, refund, 'succeed', user.id, 'api', result.providerRefundId);
    } catch (error) {
      const failed = prepareRefundTransition(db, refund, 'fail', {
        source: 'api',
        actorId: user.id,
        now: new Date().toISOString(),
        data: { reason: error instanceof Error ? error.message : String(error) },
      });
      await db.batch([...failed.statements, shiftRefundedAmount(db, payment.id, -refund.amount, failed.applied, now)]);
      throw error;
    }
  }
  return (await findRefund(db, refund.id))!;
}

const PUBLIC_STATUS_WORDS = {
  pending: 'chưa được thanh toán',
  paid: 'đã thanh toán',
  failed: 'không thành công',
  expired: 'đã hết hạn',
  refunded: 'đã được hoàn hết',
} as const;

/**
 * Approves or rejects (a second person) or marks sent a transfer back, of a payment or of
 * exception money alike. A rejection gives the payment's reservation back, or reopens the
 * exception's money; "sent" on a payment books the refund journal with it.
 */
export async function actOnRefund(db: D1Database, refund: Refund, action: RefundAction, user: SessionUser, now: string): Promise<Refund> {
  const event = ACTION_EVENTS[action];
  const from: RefundStatus = action === 'sent' ? 'approved' : 'awaiting_approval';
  if (refund.status !== from) throw wrongState(refund);
  if (action !== 'sent' && refund.requestedBy === user.id) {
    throw new ApiError(403, 'second_person_required', 'Người tạo lệnh hoàn tiền không được tự duyệt; cần một người khác duyệt');
  }
  if (action === 'sent' && refund.paymentId) {
    if (!(await settleWithRetries(db, refund.paymentId, refund, 'mark_sent', user.id, 'staff'))) {
      throw new ApiError(409, 'conflict', 'Khoản thanh toán vừa thay đổi; hãy tải lại trang và thử lại');
    }
    return (await findRefund(db, refund.id))!;
  }
  const change = prepareRefundTransition(db, refund, event, {
    source: 'staff',
    actorId: user.id,
    now,
    set: action === 'sent' ? { sent_by: user.id } : { approved_by: user.id },
  });
  const results = await db.batch([...change.statements, ...(action === 'reject' ? rejectionEffects(db, refund, change, now) : [])]);
  if (!refundChangeApplied(results)) throw changedMeanwhile();
  return (await findRefund(db, refund.id))!;
}

/** What a rejection gives back: the payment's reserved amount, or the exception's money, open again. */
function rejectionEffects(db: D1Database, refund: Refund, change: PreparedRefundChange, now: string): D1PreparedStatement[] {
  if (refund.paymentId) return [shiftRefundedAmount(db, refund.paymentId, -refund.amount, change.applied, now)];
  return [reopenExceptionStatement(db, refund.exceptionId!, refund.id, change.applied, now)];
}

/** The statements that record a transfer back of exception money, awaiting a second person's approval. */
export function exceptionRefundStatements(
  db: D1Database,
  exception: { id: string; amount: number; type: string },
  note: string,
  user: SessionUser,
  now: string,
): { refundId: string; statements: D1PreparedStatement[] } {
  const created = createRefundStatements(
    db,
    {
      paymentId: null,
      exceptionId: exception.id,
      amount: exception.amount,
      reason: note || `Trả lại khoản tiền không khớp (${exception.type})`,
      method: 'vietqr',
      requestedBy: user.id,
    },
    'request_transfer',
    { source: 'staff', now },
  );
  return { refundId: created.refundId, statements: created.statements };
}

/**
 * A refund made in the Stripe dashboard, reported by Stripe: the refund row (already
 * succeeded) with its event, guarded by the payment's own transition in the same batch.
 */
export function gatewayRefundStatements(
  db: D1Database,
  payment: Payment,
  amount: number,
  applied: PreparedRefundChange['applied'],
  now: string,
  refundId?: string,
) {
  return createRefundStatements(
    db,
    {
      id: refundId,
      paymentId: payment.id,
      exceptionId: null,
      amount,
      reason: 'Hoàn tiền trên trang quản trị Stripe',
      method: 'stripe',
      requestedBy: null,
    },
    'record_gateway',
    { source: 'stripe', now, onlyIf: applied },
  );
}

/**
 * Whose payable a refund comes out of: the one seller whose sub-order it pays back, or
 * every payee of the payment in proportion to its share.
 */
async function refundPayees(db: D1Database, payment: Payment, refund: Refund): Promise<PayeeShare[]> {
  if (refund.subOrderSellerId) return [{ organizationId: refund.subOrderSellerId, amount: refund.amount }];
  return allocate(refund.amount, await payeesOf(db, payment));
}

async function settleWithRetries(
  db: D1Database,
  paymentId: string,
  refund: Refund,
  event: 'mark_sent' | 'succeed',
  userId: string,
  source: 'staff' | 'api',
  stripeRefundId?: string,
): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const payment = (await findPayment(db, paymentId))!;
    if (await settleRefund(db, payment, refund, { event, by: userId, stripeRefundId, source }, new Date().toISOString())) return true;
    const current = await findRefund(db, refund.id);
    if (current?.status !== refund.status) throw wrongState(current ?? refund);
  }
  return false;
}

/**
 * The money has left: moves the payment to (partially) refunded and writes the refund
 * journal, in the same batch as the refund's own change. Applies once per refund, even if
 * "sent" is pressed twice at once; and not at all if another refund settled since we
 * counted (the partial/full decision would be stale): the caller reads again and retries.
 */
async function settleRefund(
  db: D1Database,
  payment: Payment,
  refund: Refund,
  settlement: { event: 'mark_sent' | 'succeed'; by: string | null; stripeRefundId?: string; source: 'staff' | 'api' },
  now: string,
): Promise<boolean> {
  const settledBefore = await sumPaymentRefunds(db, payment.id, REFUND_SETTLED_STATUSES);
  const full = settledBefore + refund.amount >= payment.amount;
  const collection = collectionAccount(payment.method, payment.payeeBankBin, payment.payeeAccountNo);
  const paymentChange = prepareTransition(db, {
    payment,
    event: full ? 'refund_full' : 'refund_partial',
    source: settlement.source,
    sourceRef: refund.id,
    now,
    data: { refundId: refund.id, amount: refund.amount },
    ledger: refundJournal(payment.id, collection, refund.amount, await refundPayees(db, payment, refund)),
    condition: refundStillSettleable(refund.id, refund.status, payment.id, settledBefore),
  });
  const refundChange = prepareRefundTransition(db, refund, settlement.event, {
    source: settlement.source,
    actorId: settlement.by,
    now,
    set: { sent_by: settlement.by, ...(settlement.stripeRefundId ? { stripe_refund_id: settlement.stripeRefundId } : {}) },
    condition: paymentChange.applied,
  });
  const results = await db.batch([...paymentChange.statements, ...refundChange.statements]);
  return transitionApplied(results);
}
