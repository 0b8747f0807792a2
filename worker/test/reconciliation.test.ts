import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { vietnamDate } from '../src/domain/vietnam-time';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, DEMO_BILLS, getPayment, noticeFor, postBankNotice } from './payment-helpers';

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
  resolution: { action: string; note: string; resolvedBy: string } | null;
}

const credit = (id: string, amount: number, description: string) => ({
  transactionId: id,
  accountNumber: account,
  amount,
  description,
  bookedAt: new Date().toISOString(),
});

async function exceptions(token: string, query = 'status=open') {
  return (await (await api(`/api/v1/reconciliation/exceptions?${query}`, bearer(token))).json<{ items: ExceptionJson[] }>()).items;
}

const resolve = (id: string, body: unknown, token = market) =>
  api(`/api/v1/reconciliation/exceptions/${id}/resolve`, jsonRequest('POST', body, token));
const close = (date: string, accountNumber: string, token = market) =>
  api(`/api/v1/reconciliation/days/${date}/close`, jsonRequest('POST', { accountNumber }, token));

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
  await api('/api/v1/markets/mkt_cho_chu/fee-runs', jsonRequest('POST', { period: '2026-12' }, market));
  // Two stall bills paid through their static QR, then the faults a real day brings.
  await postBankNotice(credit('FT-A01', 300000, 'NGUYEN THI HANH CSKTA2XA27 phi cho thang 12'));
  await postBankNotice(credit('FT-B01', 250000, 'IBFT CSKTB2XB24 HOANG THI LAN'));
  await postBankNotice(credit('FT-UNKNOWN', 180000, 'chuyen tien'));
  await postBankNotice(credit('FT-UNDER', 200000, 'CSKTA4XA4Z phi cho'));
  await postBankNotice(credit('FT-DUP', 300000, 'CSKTA2XA27 nop lai'));
  await postBankNotice(credit('FT-DUP', 300000, 'CSKTA2XA27 nop lai')); // the same notice twice
});

describe('the exceptions queue', () => {
  it("shows the board the day's exceptions, and nobody else's", async () => {
    const items = await exceptions(market);
    expect(items.map((e) => e.type).sort()).toEqual(['amount_mismatch', 'duplicate_payment', 'unmatched_credit']);
    expect(items.every((e) => e.organizationId === 'org_market_board')).toBe(true);
    expect(await exceptions(school)).toEqual([]);
    expect((await exceptions(admin)).length).toBeGreaterThanOrEqual(3);
    await expectError(await api('/api/v1/reconciliation/exceptions', bearer(shopper)), 403);
    await expectError(await api('/api/v1/reconciliation/exceptions'), 401);
    const filtered = await exceptions(market, 'status=open&type=amount_mismatch');
    expect(filtered.map((e) => e.type)).toEqual(['amount_mismatch']);
  });

  it("does not let another organization resolve the board's exception", async () => {
    const [first] = await exceptions(market);
    await expectError(await resolve(first!.id, { action: 'dismiss', note: 'không phải của tôi' }, school), 404, 'exception_not_found');
  });

  it.each([
    [{ action: 'dismiss' }, 'note'],
    [{ action: 'dismiss', note: '' }, 'note'],
    [{ action: 'match' }, 'paymentId'],
    [{ action: 'match', paymentId: 'p', billCode: 'b' }, 'paymentId'],
    [{ action: 'teleport' }, 'action'],
  ])('rejects the resolution %j with 400', async (body, path) => {
    const [first] = await exceptions(market);
    const error = await expectError(await resolve(first!.id, body), 400);
    expect(error.error.details.map((d) => d.path)).toContain(path);
  });

  it('matches an underpayment only with acceptDifference and a note, confirming the bill through the ledger', async () => {
    const under = (await exceptions(market)).find((e) => e.type === 'amount_mismatch')!;
    const bill = await env.DB.prepare("SELECT code FROM bills WHERE stall_id = 'stl_chu_a03' AND status = 'open'").first<{
      code: string;
    }>();
    const error = await expectError(await resolve(under.id, { action: 'match', billCode: bill!.code }), 400, 'amount_differs');
    expect(error.error.message).toContain('150.000 ₫');
    const res = await resolve(under.id, {
      action: 'match',
      billCode: bill!.code,
      acceptDifference: true,
      note: 'Tiểu thương nộp thiếu, đã thu tiền mặt phần còn lại',
    });
    expect(res.status).toBe(200);
    const resolved = await res.json<ExceptionJson & { resolution: { paymentId: string } }>();
    expect(resolved).toMatchObject({ status: 'resolved', resolution: { action: 'match', resolvedBy: 'usr_market' } });
    expect((await getPayment(resolved.resolution.paymentId)).status).toBe('paid');
    const after = await env.DB.prepare("SELECT status FROM bills WHERE stall_id = 'stl_chu_a03' AND fee_run_id IS NOT NULL").first<{
      status: string;
    }>();
    expect(after!.status).toBe('paid');
    await expectError(await resolve(under.id, { action: 'dismiss', note: 'lần nữa' }), 409, 'already_resolved');
  });

  it('turns a duplicate payment into a refund awaiting approval', async () => {
    const duplicate = (await exceptions(market)).find((e) => e.type === 'duplicate_payment')!;
    const res = await resolve(duplicate.id, { action: 'refund', note: 'Tiểu thương chuyển hai lần' });
    expect(res.status).toBe(200);
    const refund = await env.DB.prepare('SELECT amount, status, requested_by FROM refunds WHERE exception_id = ?1')
      .bind(duplicate.id)
      .first();
    expect(refund).toEqual({ amount: 300000, status: 'awaiting_approval', requested_by: 'usr_market' });
  });

  it('keeps an append-only log of every resolution', async () => {
    await expect(env.DB.prepare("UPDATE exception_resolutions SET note = 'edited'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('DELETE FROM exception_resolutions').run()).rejects.toThrow(/append-only/);
  });
});

describe('closing the day', () => {
  it('refuses while an exception of the day is open, then closes, once', async () => {
    const error = await expectError(await close(today, account), 409, 'open_exceptions');
    expect(error.error.message).toMatch(/^Còn 1 ngoại lệ/);
    const unknown = (await exceptions(market)).find((e) => e.type === 'unmatched_credit')!;
    expect((await resolve(unknown.id, { action: 'dismiss', note: 'Tiền thuê kho, không phải phí chợ' })).status).toBe(200);
    const res = await close(today, account);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      date: today,
      accountNumber: account,
      totals: { credits: 5, amount: 1_230_000, matched: 3, exceptions: 2 },
    });
    await expectError(await close(today, account), 409, 'day_closed');
  });

  it('keeps a closed day frozen: a later correction is an adjustment dated today', async () => {
    await expect(env.DB.prepare("UPDATE closed_days SET totals = '{}'").run()).rejects.toThrow(/frozen/);
    await postBankNotice(credit('FT-LATE', 250000, 'CSKTB3XB3Z phi cho'));
    const late = (await exceptions(market)).find((e) => e.status === 'open');
    // The stall's bill was open, so that late credit matched; a wrong amount for the closed day:
    await postBankNotice(credit('FT-LATE2', 1000, 'CSKTC2XC2Z'));
    const wrong = (await exceptions(market)).find((e) => e.type === 'amount_mismatch')!;
    expect(late === undefined || late.id === wrong.id).toBe(true);
    const bill = await env.DB.prepare("SELECT code FROM bills WHERE stall_id = 'stl_chu_c01' AND status = 'open'").first<{
      code: string;
    }>();
    await resolve(wrong.id, { action: 'match', billCode: bill!.code, acceptDifference: true, note: 'Đã thu đủ tại quầy' });
    const adjustment = await env.DB.prepare('SELECT date, affects_date, amount FROM adjustments WHERE exception_id = ?1')
      .bind(wrong.id)
      .first();
    expect(adjustment).toEqual({ date: today, affects_date: today, amount: 1000 });
  });

  it("only closes accounts of the caller's organization", async () => {
    await expectError(await close(today, account, school), 404, 'account_not_found');
    await expectError(await close('2026-02-30', account), 400);
  });
});

describe('reports', () => {
  it("gives the day's totals by rail and by kind, refunds, open exceptions and the close", async () => {
    const report = await (await api(`/api/v1/reports/daily?date=${today}`, bearer(market))).json<{
      // biome-ignore lint/suspicious/noExplicitAny: the report is read field by field below
      organizations: Array<Record<string, any>>;
    }>();
    expect(report.organizations).toHaveLength(1);
    const board = report.organizations[0]!;
    expect(board).toMatchObject({ organizationId: 'org_market_board', closed: true });
    expect(board.byRail.vietqr.amount).toBe(board.total.amount);
    expect(board.byType.market_fee.amount).toBe(board.total.amount);
    expect(board.total.count).toBeGreaterThanOrEqual(4);
  });

  it('downloads as CSV for Excel: UTF-8 with BOM, Vietnamese headers', async () => {
    const res = await api(`/api/v1/reports/daily?date=${today}&format=csv`, bearer(market));
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toContain(`bao-cao-${today}.csv`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const [header, row] = text.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toContain('Đơn vị,Ngày,Tổng số giao dịch');
    expect(row).toContain('Ban quản lý chợ Chũ');
    expect(row!.endsWith(',Có')).toBe(true);
  });

  it("shows each organization only its own money; admins everyone's", async () => {
    const payment = await createPayment({ billCode: DEMO_BILLS.tuitionAn.code });
    await postBankNotice(noticeFor(payment));
    const schoolView = await (await api(`/api/v1/reports/daily?date=${today}`, bearer(school))).json<{
      organizations: Array<{ organizationId: string; total: { amount: number } }>;
    }>();
    expect(schoolView.organizations.map((o) => [o.organizationId, o.total.amount])).toEqual([['org_school_dinh_bang', 350000]]);
    const adminView = await (await api(`/api/v1/reports/daily?date=${today}`, bearer(admin))).json<{
      organizations: Array<{ organizationId: string }>;
    }>();
    expect(adminView.organizations.map((o) => o.organizationId)).toEqual(
      expect.arrayContaining(['org_school_dinh_bang', 'org_market_board']),
    );
    await expectError(await api('/api/v1/reports/daily', bearer(shopper)), 403);
  });

  it('gives daily collections for a chart and the fee run collection rate', async () => {
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const res = await (await api(`/api/v1/reports/collections?from=${from}&to=${today}`, bearer(market))).json<{
      days: Array<{ date: string; amount: number }>;
      feeRuns: Array<{ period: string; billsCreated: number; paidBills: number; collectionRate: number }>;
    }>();
    expect(res.days).toHaveLength(30);
    expect(res.days.at(-1)!.date).toBe(today);
    expect(res.days.at(-1)!.amount).toBeGreaterThan(0);
    const run = res.feeRuns.find((r) => r.period === '2026-12')!;
    expect(run.billsCreated).toBe(9);
    expect(run.collectionRate).toBeCloseTo(run.paidBills / 9);
    await expectError(await api(`/api/v1/reports/collections?from=${today}&to=${from}`, bearer(market)), 400);
  });
});

describe('transfers back of unmatched money', () => {
  it('need a second person to approve, then are marked sent', async () => {
    const { items } = await (await api('/api/v1/reconciliation/refunds', bearer(market))).json<{
      items: Array<{ id: string; status: string; amount: number }>;
    }>();
    const refund = items.find((r) => r.status === 'awaiting_approval')!;
    expect(refund.amount).toBe(300000);
    await expectError(
      await api(`/api/v1/reconciliation/refunds/${refund.id}/approve`, jsonRequest('POST', {}, market)),
      403,
      'second_person_required',
    );
    await expectError(
      await api(`/api/v1/reconciliation/refunds/${refund.id}/sent`, jsonRequest('POST', {}, market)),
      409,
      'refund_wrong_state',
    );
    await expectError(await api(`/api/v1/reconciliation/refunds/${refund.id}/approve`, jsonRequest('POST', {}, school)), 404);
    const approved = await (await api(`/api/v1/reconciliation/refunds/${refund.id}/approve`, jsonRequest('POST', {}, admin))).json<{
      status: string;
      approvedBy: string;
    }>();
    expect(approved).toMatchObject({ status: 'approved', approvedBy: 'usr_admin' });
    const sent = await (await api(`/api/v1/reconciliation/refunds/${refund.id}/sent`, jsonRequest('POST', {}, market))).json<{
      status: string;
    }>();
    expect(sent.status).toBe('sent');
  });
});
