import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { vietnamDate } from '../src/domain/vietnam-time';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { exceptionsFor, expectLedgerBalanced, getPayment, postBankNotice } from './payment-helpers';

// Every test works in a market of its own (its own stalls and bills) and on a day of its own
// (credits booked on that day, in the past), so that it passes alone and in any order: the
// board's queue and account are shared by the whole file, so each test reads only its day.

let market: string;
let school: string;
let admin: string;
let shopper: string;
let account: string;
const today = vietnamDate(new Date());

interface ExceptionJson {
  id: string;
  type: string;
  status: string;
  amount: number;
  expectedAmount: number | null;
  organizationId: string | null;
  bookedDate: string | null;
  bankCredit: { transactionId: string } | null;
  resolution: { action: string; note: string; paymentId: string | null; refundId: string | null; resolvedBy: string } | null;
}

interface Stall {
  id: string;
  code: string;
  reference: string;
  monthlyFee: number;
  /** The code of its December bill. */
  billCode: string;
}

/** A market of the board with one stall per fee, and December's fees issued. */
async function newMarket(fees: number[]): Promise<Stall[]> {
  const created = await api('/api/v1/markets', jsonRequest('POST', { name: `Chợ thử ${crypto.randomUUID().slice(0, 8)}` }, market));
  expect(created.status).toBe(201);
  const { id } = await created.json<{ id: string }>();
  const stalls: Stall[] = [];
  for (const [index, monthlyFee] of fees.entries()) {
    const res = await api(
      `/api/v1/markets/${id}/stalls`,
      jsonRequest('POST', { code: `K${index + 1}`, traderName: `Tiểu thương ${index + 1}`, monthlyFee }, market),
    );
    expect(res.status).toBe(201);
    stalls.push({ ...(await res.json<Omit<Stall, 'billCode'>>()), billCode: '' });
  }
  expect((await api(`/api/v1/markets/${id}/fee-runs`, jsonRequest('POST', { period: '2026-12' }, market))).status).toBe(201);
  for (const stall of stalls) {
    stall.billCode = (await env.DB.prepare("SELECT code FROM bills WHERE stall_id = ?1 AND status = 'open'")
      .bind(stall.id)
      .first<{ code: string }>())!.code;
  }
  return stalls;
}

/** A bank credit on the board's account, booked at 10:00 (Vietnam) on `date`. */
const credit = (date: string, amount: number, description: string, transactionId = newTransactionId()) => ({
  transactionId,
  accountNumber: account,
  amount,
  description,
  bookedAt: `${date}T03:00:00.000Z`,
});
const newTransactionId = () => `FT${crypto.randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

async function notify(notice: ReturnType<typeof credit>) {
  const res = await postBankNotice(notice);
  expect(res.status).toBe(200);
  return res.json<{ outcome: string; paymentId: string | null; exceptionType: string | null }>();
}

async function exceptions(token: string, query = 'status=open') {
  const res = await api(`/api/v1/reconciliation/exceptions?${query}&limit=200`, bearer(token));
  expect(res.status).toBe(200);
  return (await res.json<{ items: ExceptionJson[] }>()).items;
}

/** The exceptions of one day in a queue: what this test booked on its day. */
const ofDay = (items: ExceptionJson[], date: string) => items.filter((e) => e.bookedDate === date);

async function exceptionOf(transactionId: string, token = market): Promise<ExceptionJson> {
  const found = (await exceptions(token, '')).filter((e) => e.bankCredit?.transactionId === transactionId);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** A credit of money that names nothing (no reference, an amount no bill has): unmatched_credit. */
async function unmatchedCredit(date: string, amount = 180000): Promise<ExceptionJson> {
  const notice = credit(date, amount, 'chuyen tien');
  expect(await notify(notice)).toEqual({ outcome: 'exception', paymentId: null, exceptionType: 'unmatched_credit' });
  return exceptionOf(notice.transactionId);
}

const resolutionsOf = async (exceptionId: string) =>
  (await env.DB.prepare('SELECT action, note, resolved_by FROM exception_resolutions WHERE exception_id = ?1').bind(exceptionId).all())
    .results;

/**
 * A market day as it comes: two stalls pay exactly through their static QR, then the faults
 * a real day brings: money naming nothing, an underpayment, a second payment, and a notice
 * sent twice by the bank. Stalls: 300.000 ₫, 250.000 ₫ and 350.000 ₫ a month.
 */
async function typicalDay(date: string) {
  const [a, b, c] = await newMarket([300000, 250000, 350000]);
  const duplicate = credit(date, 300000, `${a!.reference} nop lai`);
  const outcomes = [
    await notify(credit(date, 300000, `NGUYEN THI HANH ${a!.reference} phi cho thang 12`)),
    await notify(credit(date, 250000, `IBFT ${b!.reference} HOANG THI LAN`)),
    await notify(credit(date, 180000, 'chuyen tien')),
    await notify(credit(date, 200000, `${c!.reference} phi cho`)),
    await notify(duplicate),
    await notify(duplicate), // the same notice twice
  ];
  expect(outcomes.map((o) => [o.outcome, o.exceptionType])).toEqual([
    ['matched', null],
    ['matched', null],
    ['exception', 'unmatched_credit'],
    ['exception', 'amount_mismatch'],
    ['exception', 'duplicate_payment'],
    ['duplicate', null],
  ]);
  const items = ofDay(await exceptions(market), date);
  const byType = (type: string) => items.find((e) => e.type === type)!;
  return {
    stalls: { a: a!, b: b!, c: c! },
    unmatched: byType('unmatched_credit'),
    underpaid: byType('amount_mismatch'),
    duplicate: byType('duplicate_payment'),
  };
}

const resolve = (id: string, body: unknown, token = market) =>
  api(`/api/v1/reconciliation/exceptions/${id}/resolve`, jsonRequest('POST', body, token));
const close = (date: string, accountNumber: string, token = market) =>
  api(`/api/v1/reconciliation/days/${date}/close`, jsonRequest('POST', { accountNumber }, token));
const closedDay = (date: string) =>
  env.DB.prepare('SELECT organization_id, totals, closed_by FROM closed_days WHERE account_number = ?1 AND date = ?2')
    .bind(account, date)
    .first<{ organization_id: string; totals: string; closed_by: string }>();

beforeAll(async () => {
  await seedDemo();
  [market, school, admin, shopper] = await Promise.all([
    login('market@choso.test'),
    login('biller@choso.test'),
    login('admin@choso.test'),
    login('shopper@choso.test'),
  ]);
  account = (await env.DB.prepare("SELECT bank_account_no FROM organizations WHERE id = 'org_market_board'").first<{
    bank_account_no: string;
  }>())!.bank_account_no;
});

describe('the exceptions queue', () => {
  it("shows the board the day's exceptions, and nobody else's", async () => {
    const day = '2026-11-02';
    const { unmatched, underpaid, duplicate } = await typicalDay(day);
    const board = await exceptions(market);
    const summary = (e: ExceptionJson) => [e.type, e.status, e.amount, e.expectedAmount, e.organizationId];
    expect(ofDay(board, day).map(summary).sort()).toEqual([
      ['amount_mismatch', 'open', 200000, 350000, 'org_market_board'],
      ['duplicate_payment', 'open', 300000, null, 'org_market_board'],
      ['unmatched_credit', 'open', 180000, null, 'org_market_board'],
    ]);
    expect(board.every((e) => e.organizationId === 'org_market_board')).toBe(true);
    expect(await exceptions(school)).toEqual([]);
    // Admins see every queue, this day's exceptions among them.
    const ids = [unmatched.id, underpaid.id, duplicate.id].sort();
    expect(
      ofDay(await exceptions(admin), day)
        .map((e) => e.id)
        .sort(),
    ).toEqual(ids);
    await expectError(await api('/api/v1/reconciliation/exceptions', bearer(shopper)), 403);
    await expectError(await api('/api/v1/reconciliation/exceptions'), 401);
    const filtered = await exceptions(market, 'status=open&type=amount_mismatch');
    expect(ofDay(filtered, day).map((e) => e.id)).toEqual([underpaid.id]);
    expect(filtered.every((e) => e.type === 'amount_mismatch')).toBe(true);
  });

  it("does not let another organization resolve the board's exception", async () => {
    const exception = await unmatchedCredit('2026-11-03');
    await expectError(await resolve(exception.id, { action: 'dismiss', note: 'không phải của tôi' }, school), 404, 'exception_not_found');
    expect(await exceptionOf(exception.bankCredit!.transactionId)).toMatchObject({ status: 'open', resolution: null });
    expect(await resolutionsOf(exception.id)).toEqual([]);
  });

  it.each([
    [{ action: 'dismiss' }, 'note'],
    [{ action: 'dismiss', note: '' }, 'note'],
    [{ action: 'match' }, 'paymentId'],
    [{ action: 'match', paymentId: 'p', billCode: 'b' }, 'paymentId'],
    [{ action: 'teleport' }, 'action'],
  ])('rejects the resolution %j with 400', async (body, path) => {
    const exception = await unmatchedCredit('2026-11-04');
    const error = await expectError(await resolve(exception.id, body), 400, 'validation_failed');
    expect(error.error.details.map((d) => d.path)).toContain(path);
    // An answer that says "error" wrote nothing.
    expect(await exceptionOf(exception.bankCredit!.transactionId)).toMatchObject({ status: 'open', resolution: null });
    expect(await resolutionsOf(exception.id)).toEqual([]);
  });

  it('matches an underpayment only with acceptDifference and a note, confirming the bill through the ledger', async () => {
    const [stall] = await newMarket([350000]);
    const notice = credit('2026-11-05', 200000, `${stall!.reference} phi cho`);
    expect(await notify(notice)).toMatchObject({ outcome: 'exception', exceptionType: 'amount_mismatch' });
    const under = await exceptionOf(notice.transactionId);
    expect(under).toMatchObject({ type: 'amount_mismatch', amount: 200000, expectedAmount: 350000 });
    const error = await expectError(await resolve(under.id, { action: 'match', billCode: stall!.billCode }), 400, 'amount_differs');
    expect(error.error.message).toContain('150.000 ₫');
    expect(await resolutionsOf(under.id)).toEqual([]);
    const note = 'Tiểu thương nộp thiếu, đã thu tiền mặt phần còn lại';
    const res = await resolve(under.id, { action: 'match', billCode: stall!.billCode, acceptDifference: true, note });
    expect(res.status).toBe(200);
    const resolved = await res.json<ExceptionJson & { resolution: { paymentId: string } }>();
    expect(resolved).toMatchObject({ status: 'resolved', resolution: { action: 'match', note, resolvedBy: 'usr_market' } });
    const payment = await getPayment(resolved.resolution.paymentId);
    expect(payment).toMatchObject({ status: 'paid', amount: 350000, billCode: stall!.billCode });
    const bill = await env.DB.prepare('SELECT status, payment_id FROM bills WHERE code = ?1').bind(stall!.billCode).first();
    expect(bill).toEqual({ status: 'paid', payment_id: payment.id });
    // The ledger records what reached the bank (200.000 ₫) as the board's, once.
    const ledger = await expectLedgerBalanced(payment.id);
    expect(ledger.balances).toEqual({
      [`payer:${payment.id}`]: -200000,
      [`collection:vietqr:${payment.payee.bankBin}:${payment.payee.accountNumber}`]: 0,
      'payable:org_market_board': 200000,
    });
    await expectError(await resolve(under.id, { action: 'dismiss', note: 'lần nữa' }), 409, 'already_resolved');
    expect(await resolutionsOf(under.id)).toEqual([{ action: 'match', note, resolved_by: 'usr_market' }]);
  });

  it('turns a duplicate payment into a refund awaiting approval', async () => {
    const [stall] = await newMarket([300000]);
    expect(await notify(credit('2026-11-06', 300000, `${stall!.reference} phi cho`))).toMatchObject({ outcome: 'matched' });
    const again = credit('2026-11-06', 300000, `${stall!.reference} chuyen lai`);
    expect(await notify(again)).toMatchObject({ outcome: 'exception', exceptionType: 'duplicate_payment' });
    const duplicate = await exceptionOf(again.transactionId);
    const res = await resolve(duplicate.id, { action: 'refund', note: 'Tiểu thương chuyển hai lần' });
    expect(res.status).toBe(200);
    const resolved = await res.json<ExceptionJson>();
    expect(resolved).toMatchObject({ status: 'resolved', resolution: { action: 'refund', resolvedBy: 'usr_market' } });
    const refund = await env.DB.prepare('SELECT id, amount, status, requested_by FROM refunds WHERE exception_id = ?1')
      .bind(duplicate.id)
      .first<{ id: string }>();
    expect(refund).toEqual({ id: resolved.resolution!.refundId, amount: 300000, status: 'awaiting_approval', requested_by: 'usr_market' });
  });

  it('keeps an append-only log of every resolution', async () => {
    const exception = await unmatchedCredit('2026-11-07');
    const note = 'Tiền thuê kho, không phải phí chợ';
    expect((await resolve(exception.id, { action: 'dismiss', note })).status).toBe(200);
    expect(await resolutionsOf(exception.id)).toEqual([{ action: 'dismiss', note, resolved_by: 'usr_market' }]);
    await expect(env.DB.prepare("UPDATE exception_resolutions SET note = 'edited'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('DELETE FROM exception_resolutions').run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('DELETE FROM exception_resolutions WHERE exception_id = ?1').bind(exception.id).run()).rejects.toThrow(
      /append-only/,
    );
    expect(await resolutionsOf(exception.id)).toEqual([{ action: 'dismiss', note, resolved_by: 'usr_market' }]);
  });
});

describe('closing the day', () => {
  it('refuses while an exception of the day is open, then closes, once', async () => {
    const day = '2026-11-10';
    const { stalls, unmatched, underpaid, duplicate } = await typicalDay(day);
    const accept = { action: 'match', billCode: stalls.c.billCode, acceptDifference: true, note: 'Đã thu tiền mặt phần còn lại' };
    expect((await resolve(underpaid.id, accept)).status).toBe(200);
    expect((await resolve(duplicate.id, { action: 'refund', note: 'Tiểu thương chuyển hai lần' })).status).toBe(200);
    const error = await expectError(await close(day, account), 409, 'open_exceptions');
    expect(error.error.message).toMatch(/^Còn 1 ngoại lệ/);
    expect(await closedDay(day)).toBeNull();
    expect((await resolve(unmatched.id, { action: 'dismiss', note: 'Tiền thuê kho, không phải phí chợ' })).status).toBe(200);
    const res = await close(day, account);
    expect(res.status).toBe(200);
    const totals = { credits: 5, amount: 1_230_000, matched: 3, exceptions: 2, adjustments: { count: 0, amount: 0 }, overCeiling: 0 };
    expect(await res.json()).toMatchObject({ date: day, accountNumber: account, totals });
    expect(await closedDay(day)).toEqual({ organization_id: 'org_market_board', totals: JSON.stringify(totals), closed_by: 'usr_market' });
    await expectError(await close(day, account), 409, 'day_closed');
  });

  it('keeps a closed day frozen: a later correction is an adjustment dated today', async () => {
    const day = '2026-11-11';
    const [paidOnTheDay, late, wrong] = await newMarket([300000, 250000, 200000]);
    expect(await notify(credit(day, 300000, `${paidOnTheDay!.reference} phi cho`))).toMatchObject({ outcome: 'matched' });
    const closing = await close(day, account);
    expect(closing.status).toBe(200);
    const totals = { credits: 1, amount: 300000, matched: 1, exceptions: 0, adjustments: { count: 0, amount: 0 }, overCeiling: 0 };
    expect(await closing.json()).toMatchObject({ totals });
    await expect(env.DB.prepare("UPDATE closed_days SET totals = '{}'").run()).rejects.toThrow(/frozen/);
    // A credit of that day reported late still pays its stall's bill, and is no exception:
    const lateNotice = credit(day, 250000, `${late!.reference} phi cho`);
    expect(await notify(lateNotice)).toMatchObject({ outcome: 'matched' });
    expect(await exceptionsFor({ bankTransactionId: lateNotice.transactionId })).toEqual([]);
    // A wrong amount booked on the closed day is an adjustment of today, the day it is
    // processed, and its exception waits in today's queue (issue 7, item 5):
    const wrongNotice = credit(day, 1000, wrong!.reference);
    expect(await notify(wrongNotice)).toMatchObject({ outcome: 'exception', exceptionType: 'amount_mismatch' });
    const exception = await exceptionOf(wrongNotice.transactionId);
    expect(exception).toMatchObject({ type: 'amount_mismatch', amount: 1000, expectedAmount: 200000, bookedDate: today });
    const res = await resolve(exception.id, {
      action: 'match',
      billCode: wrong!.billCode,
      acceptDifference: true,
      note: 'Đã thu đủ tại quầy',
    });
    expect(res.status).toBe(200);
    const adjustment = await env.DB.prepare('SELECT date, affects_date, amount FROM adjustments WHERE exception_id = ?1')
      .bind(exception.id)
      .first();
    expect(adjustment).toEqual({ date: today, affects_date: day, amount: 1000 });
    // The closed day itself never changed.
    expect((await closedDay(day))!.totals).toBe(JSON.stringify(totals));
  });

  it("only closes accounts of the caller's organization", async () => {
    const day = '2026-11-12';
    await expectError(await close(day, account, school), 404, 'account_not_found');
    await expectError(await close('2026-02-30', account), 400, 'validation_failed');
    expect(await closedDay(day)).toBeNull();
  });

  it('refuses a day that has not begun', async () => {
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await expectError(await close(tomorrow, account), 409, 'day_not_over');
    expect(await closedDay(tomorrow)).toBeNull();
  });
});

describe('transfers back of unmatched money', () => {
  /** A stall paid twice; the second payment resolved as a transfer back. */
  async function refundOfDuplicate(date: string) {
    const [stall] = await newMarket([300000]);
    await notify(credit(date, 300000, `${stall!.reference} phi cho`));
    const again = credit(date, 300000, `${stall!.reference} chuyen lai`);
    expect(await notify(again)).toMatchObject({ exceptionType: 'duplicate_payment' });
    const duplicate = await exceptionOf(again.transactionId);
    expect((await resolve(duplicate.id, { action: 'refund', note: 'Tiểu thương chuyển hai lần' })).status).toBe(200);
    const { items } = await (await api('/api/v1/reconciliation/refunds', bearer(market))).json<{
      items: Array<{ id: string; exceptionId: string; status: string; amount: number; requestedBy: string }>;
    }>();
    return { duplicate, refund: items.find((r) => r.exceptionId === duplicate.id)! };
  }
  const act = (id: string, action: string, token: string) =>
    api(`/api/v1/reconciliation/refunds/${id}/${action}`, jsonRequest('POST', {}, token));

  it('need a second person to approve, then are marked sent', async () => {
    const { refund } = await refundOfDuplicate('2026-11-16');
    expect(refund).toMatchObject({ status: 'awaiting_approval', amount: 300000, requestedBy: 'usr_market' });
    await expectError(await act(refund.id, 'approve', market), 403, 'second_person_required');
    await expectError(await act(refund.id, 'sent', market), 409, 'refund_wrong_state');
    await expectError(await act(refund.id, 'approve', school), 404);
    const approved = await (await act(refund.id, 'approve', admin)).json<{ status: string; approvedBy: string }>();
    expect(approved).toMatchObject({ status: 'approved', approvedBy: 'usr_admin' });
    const sent = await (await act(refund.id, 'sent', market)).json<{ status: string; sentBy: string }>();
    expect(sent).toMatchObject({ status: 'sent', approvedBy: 'usr_admin', sentBy: 'usr_market' });
    await expectError(await act(refund.id, 'sent', market), 409, 'refund_wrong_state');
  });

  it('put the money back in the queue when the second person rejects them', async () => {
    const day = '2026-11-17';
    const { duplicate, refund } = await refundOfDuplicate(day);
    const rejected = await (await act(refund.id, 'reject', admin)).json<{ status: string; approvedBy: string }>();
    expect(rejected).toMatchObject({ status: 'rejected', approvedBy: 'usr_admin' });
    const reopened = ofDay(await exceptions(market), day);
    expect(reopened.map((e) => [e.type, e.status, e.amount, e.bankCredit?.transactionId])).toEqual([
      ['duplicate_payment', 'open', 300000, duplicate.bankCredit!.transactionId],
    ]);
    expect(reopened[0]!.id).not.toBe(duplicate.id);
  });
});
