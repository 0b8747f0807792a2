/**
 * Starting a payment for a bill or an order (POST /payments): what is paid, for how much
 * and to whom comes from our own records, never from the client. One Idempotency-Key makes
 * one payment however often it is retried, and one bill or order has at most one pending
 * payment, which a second request gets back.
 */
import { findBillByCode } from '../db/bills';
import type { Order } from '../db/orders';
import { findPayeeAccount } from '../db/organizations';
import {
  attachStripeSession,
  expiredBy,
  findIdempotencyKey,
  findPayment,
  findPendingPayment,
  insertPaymentOnce,
  type Payment,
  prepareReleaseIdempotencyKey,
  prepareTransition,
  rememberIdempotencyKey,
} from '../db/payments';
import { formatBillCode, newPaymentReference, normalizeBillCode } from '../domain/codes';
import { amountProblem, formatVnd, MAX_AMOUNT } from '../domain/money';
import { sha256Hex } from '../domain/tokens';
import { ApiError } from '../errors';
import { providerFor } from './providers';
import { billPaymentTtlSeconds, orderPaymentTtlSeconds, platformAccount } from './settings';

export type PaymentMethod = 'vietqr' | 'stripe';

export type StartPaymentRequest =
  | { billCode: string; method: PaymentMethod; order?: undefined }
  | { order: Order; method: PaymentMethod; billCode?: undefined };

export interface StartPaymentInput {
  idempotencyKey: string;
  /** The request body as sent: its hash tells a retry from another request with the same key. */
  body: Record<string, unknown>;
  request: StartPaymentRequest;
  /** Where the Stripe Checkout page sends the payer back to. */
  returnUrl: (paymentId: string) => string;
}

/** Plain words for the bank transfer's purpose (no diacritics: banks strip them anyway). */
const BILL_TYPE_LABELS = {
  market_fee: 'Phi cho',
  tuition: 'Hoc phi',
  hospital: 'Vien phi',
  admin_fee: 'Le phi',
  electricity: 'Tien dien',
  water: 'Tien nuoc',
} as const;

interface Target {
  billId: string | null;
  orderId: string | null;
  payeeOrgId: string | null;
  amount: number;
  label: string;
  purposeWords: string;
  payee: { bankBin: string; accountNo: string; accountName: string };
  ttlSeconds: number;
}

/** Stripe accepts a Checkout Session expiry between 30 minutes and 24 hours ahead. */
function stripeTtlSeconds(ttl: number): number {
  return Math.min(24 * 60 * 60 - 60, Math.max(30 * 60 + 60, ttl));
}

async function billTarget(env: Env, billCode: string): Promise<Target> {
  const code = normalizeBillCode(billCode);
  const bill = code ? await findBillByCode(env.DB, code) : null;
  if (!bill)
    throw new ApiError(404, 'bill_not_found', 'Không tìm thấy hoá đơn với mã này; kiểm tra lại mã in trên giấy báo', [
      { path: 'billCode', message: 'Không có hoá đơn nào mang mã này' },
    ]);
  if (bill.status !== 'open')
    throw new ApiError(409, `bill_${bill.status}`, bill.status === 'paid' ? 'Hoá đơn này đã được thanh toán' : 'Hoá đơn này đã bị huỷ');
  const account = await findPayeeAccount(env.DB, bill.billerId);
  if (!account) throw new ApiError(409, 'payee_account_missing', `${bill.billerName} chưa có tài khoản ngân hàng để nhận tiền`);
  return {
    billId: bill.id,
    orderId: null,
    payeeOrgId: bill.billerId,
    amount: bill.amount,
    label: `${BILL_TYPE_LABELS[bill.type]} ${formatBillCode(bill.code)}`,
    purposeWords: BILL_TYPE_LABELS[bill.type],
    payee: account,
    ttlSeconds: billPaymentTtlSeconds(env),
  };
}

const ORDER_STATUS_WORDS: Record<Order['status'], string> = {
  awaiting_payment: 'đang chờ thanh toán',
  paid: 'đã được thanh toán',
  cancelled: 'đã bị huỷ',
  expired: 'đã hết hạn giữ hàng',
};

function orderTarget(env: Env, order: Order): Target {
  if (order.status !== 'awaiting_payment')
    throw new ApiError(409, `order_${order.status}`, `Đơn hàng ${ORDER_STATUS_WORDS[order.status]}, không thanh toán được nữa`);
  return {
    billId: null,
    orderId: order.id,
    payeeOrgId: null,
    amount: order.total,
    label: `Don hang Cho So ${order.id.slice(4, 12).toUpperCase()}`,
    purposeWords: 'Don hang Cho So',
    payee: platformAccount(env),
    ttlSeconds: orderPaymentTtlSeconds(env),
  };
}

/** An order can add up to more than one amount may be (many lines of dear products): refused, never truncated. */
function withinCeiling(target: Target): Target {
  if (target.amount > MAX_AMOUNT)
    throw new ApiError(
      400,
      'amount_too_large',
      `Số tiền cần thanh toán (${formatVnd(target.amount)}) vượt quá mức tối đa ${formatVnd(MAX_AMOUNT)} cho một lần thanh toán`,
      [{ path: target.orderId ? 'orderId' : 'billCode', message: amountProblem('Số tiền cần thanh toán') }],
    );
  return target;
}

/**
 * One payment is on one rail: a payer who asks for the other method gets a payment on that
 * method, and the open one stops first (its Stripe Checkout Session is expired at Stripe),
 * through the transition table. Too late when the card payment has just gone through.
 */
async function supersede(env: Env, open: Payment, method: PaymentMethod, now: string): Promise<void> {
  if ((await providerFor(env, open.method).cancel(open)) === 'already_paid') {
    throw new ApiError(409, 'payment_in_progress', 'Khoản thanh toán bằng thẻ vừa được thực hiện; hãy tải lại trang để xem kết quả');
  }
  await env.DB.batch(
    prepareTransition(env.DB, { payment: open, event: 'supersede', source: 'api', now, data: { reason: `the payer asked for ${method}` } })
      .statements,
  );
}

export async function startPayment(env: Env, input: StartPaymentInput): Promise<{ payment: Payment; created: boolean }> {
  const db = env.DB;
  const scopeKey = `payments:${input.idempotencyKey}`;
  const requestHash = await sha256Hex(JSON.stringify(input.body, Object.keys(input.body).sort()));
  const now = new Date();
  const nowIso = now.toISOString();

  const replay = async () => {
    const seen = await findIdempotencyKey(db, scopeKey);
    if (!seen) return null;
    if (seen.request_hash !== requestHash) {
      throw new ApiError(
        409,
        'idempotency_key_reused',
        'Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng một khoá mới cho mỗi lần thanh toán',
      );
    }
    return (await findPayment(db, seen.payment_id))!;
  };

  const earlier = await replay();
  if (earlier) return { payment: earlier, created: false };

  const target = withinCeiling(
    input.request.order ? orderTarget(env, input.request.order) : await billTarget(env, input.request.billCode!),
  );
  // The rail asked for must exist before anything open is superseded for it.
  const provider = providerFor(env, input.request.method);
  const lookup = target.billId ? { billId: target.billId } : { orderId: target.orderId! };
  const reuseOpen = async (): Promise<Payment | null> => {
    const open = await findPendingPayment(db, lookup);
    if (!open) return null;
    if (open.method !== input.request.method) {
      await supersede(env, open, input.request.method, nowIso);
      return null;
    }
    if (open.expiresAt > nowIso) {
      await rememberIdempotencyKey(db, scopeKey, requestHash, open.id, nowIso);
      return (await replay()) ?? open;
    }
    // Its time ran out but the sweep has not run yet: expire it now and start afresh.
    await db.batch(
      prepareTransition(db, { payment: open, event: 'expire', source: 'system', now: nowIso, condition: expiredBy(nowIso) }).statements,
    );
    return null;
  };
  const open = await reuseOpen();
  if (open) return { payment: open, created: false };

  const ttl = provider.method === 'stripe' ? stripeTtlSeconds(target.ttlSeconds) : target.ttlSeconds;
  const id = `pay_${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const draft: Payment = {
    id,
    reference: newPaymentReference(),
    billId: target.billId,
    orderId: target.orderId,
    payeeOrgId: target.payeeOrgId,
    amount: target.amount,
    currency: 'VND',
    method: provider.method,
    status: 'pending',
    payeeBankBin: target.payee.bankBin,
    payeeAccountNo: target.payee.accountNo,
    payeeAccountName: target.payee.accountName,
    vietqrPayload: null,
    stripeSessionId: null,
    stripeCheckoutUrl: null,
    stripePaymentIntent: null,
    amountRefunded: 0,
    expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
    paidAt: null,
    requestHash,
    createdAt: nowIso,
    updatedAt: nowIso,
  };
  const context = { label: target.label, purposeWords: target.purposeWords, successUrl: '', cancelUrl: '' };
  const creation = provider.method === 'vietqr' ? await provider.create(draft, context) : null;

  let winnerId: string;
  try {
    winnerId = await insertPaymentOnce(
      db,
      scopeKey,
      { ...draft, vietqrPayload: creation?.method === 'vietqr' ? creation.payload : null },
      nowIso,
    );
  } catch (error) {
    // Another request opened a payment for this bill or order a moment ago: that one it is.
    if (!String(error).includes('UNIQUE constraint failed')) throw error;
    const concurrent = await reuseOpen();
    if (concurrent) return { payment: concurrent, created: false };
    throw new ApiError(409, 'conflict', 'Hoá đơn hoặc đơn hàng vừa thay đổi; hãy thử lại');
  }
  if (winnerId !== id) return { payment: (await replay())!, created: false };

  if (provider.method === 'stripe') {
    try {
      const session = await provider.create(draft, { ...context, successUrl: input.returnUrl(id), cancelUrl: input.returnUrl(id) });
      if (session.method === 'stripe') await attachStripeSession(db, id, session.sessionId, session.checkoutUrl, new Date().toISOString());
    } catch (error) {
      // No Checkout page exists, so nobody can pay this one: it fails, and its key is let go, so
      // that the payer's retry with the same Idempotency-Key starts a new payment (the failed one
      // stays, with its event, for the record).
      const failed = (await findPayment(db, id))!;
      await db.batch([
        ...prepareTransition(db, {
          payment: failed,
          event: 'fail',
          source: 'api',
          now: new Date().toISOString(),
          data: { reason: 'checkout session not created' },
        }).statements,
        prepareReleaseIdempotencyKey(db, scopeKey, id),
      ]);
      throw error;
    }
  }
  return { payment: (await findPayment(db, id))!, created: true };
}
