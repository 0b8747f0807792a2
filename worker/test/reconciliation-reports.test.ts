import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { vietnamDate } from '../src/domain/vietnam-time';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, DEMO_BILLS, noticeFor, postBankNotice } from './payment-helpers';

// Reports add up a whole day of an organization, so they have a file (and a database) of
// their own: the day below is all the money there is, and the tests only read it.

let market: string;
let school: string;
let admin: string;
let shopper: string;
let account: string;
const today = vietnamDate(new Date());

const notice = (amount: number, description: string) => ({
  transactionId: `FT${crypto.randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`,
  accountNumber: account,
  amount,
  description,
  bookedAt: new Date().toISOString(),
});

async function notify(body: ReturnType<typeof notice>, expected: { outcome: string; exceptionType: string | null }) {
  const res = await postBankNotice(body);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject(expected);
}

async function stallReference(stallId: string): Promise<string> {
  return (await env.DB.prepare('SELECT reference FROM stalls WHERE id = ?1').bind(stallId).first<{ reference: string }>())!.reference;
}

/**
 * Today, for the market board: December's fees issued for Chợ Chũ (9 bills, 2.450.000 ₫),
 * stalls A01 (300.000 ₫) and B01 (250.000 ₫) paid through their static QR, A01 paid twice
 * and the second payment sent back (300.000 ₫), the day closed, then 180.000 ₫ naming
 * nothing, still open. For the school: one tuition bill paid (350.000 ₫).
 */
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
  expect((await api('/api/v1/markets/mkt_cho_chu/fee-runs', jsonRequest('POST', { period: '2026-12' }, market))).status).toBe(201);
  const [a01, b01] = [await stallReference('stl_chu_a01'), await stallReference('stl_chu_b01')];
  await notify(notice(300000, `NGUYEN THI HANH ${a01} phi cho thang 12`), { outcome: 'matched', exceptionType: null });
  await notify(notice(250000, `IBFT ${b01} HOANG THI LAN`), { outcome: 'matched', exceptionType: null });
  const twice = notice(300000, `${a01} nop lai`);
  await notify(twice, { outcome: 'exception', exceptionType: 'duplicate_payment' });
  const { items } = await (await api('/api/v1/reconciliation/exceptions?status=open', bearer(market))).json<{
    items: Array<{ id: string; bankCredit: { transactionId: string } | null }>;
  }>();
  const duplicate = items.find((e) => e.bankCredit?.transactionId === twice.transactionId)!;
  const resolved = await api(
    `/api/v1/reconciliation/exceptions/${duplicate.id}/resolve`,
    jsonRequest('POST', { action: 'refund', note: 'Tiểu thương chuyển hai lần' }, market),
  );
  expect(resolved.status).toBe(200);
  const { resolution } = await resolved.json<{ resolution: { refundId: string } }>();
  for (const [action, token] of [
    ['approve', admin],
    ['sent', market],
  ] as const) {
    const res = await api(`/api/v1/reconciliation/refunds/${resolution.refundId}/${action}`, jsonRequest('POST', {}, token));
    expect(res.status).toBe(200);
  }
  expect((await api(`/api/v1/reconciliation/days/${today}/close`, jsonRequest('POST', { accountNumber: account }, market))).status).toBe(
    200,
  );
  await notify(notice(180000, 'chuyen tien'), { outcome: 'exception', exceptionType: 'unmatched_credit' });
  const tuition = await createPayment({ billCode: DEMO_BILLS.tuitionAn.code });
  expect((await postBankNotice(noticeFor(tuition))).status).toBe(200);
});

const tally = (count: number, amount: number) => ({ count, amount });

describe('reports', () => {
  it("gives the day's totals by rail and by kind, refunds, open exceptions and the close", async () => {
    const res = await api(`/api/v1/reports/daily?date=${today}`, bearer(market));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      date: today,
      organizations: [
        {
          organizationId: 'org_market_board',
          name: 'Ban quản lý chợ Chũ',
          accountNumber: account,
          total: tally(2, 550000),
          byRail: { vietqr: tally(2, 550000), stripe: tally(0, 0) },
          byType: {
            market_fee: tally(2, 550000),
            tuition: tally(0, 0),
            hospital: tally(0, 0),
            admin_fee: tally(0, 0),
            electricity: tally(0, 0),
            water: tally(0, 0),
            order: tally(0, 0),
          },
          refunds: tally(1, 300000),
          openExceptions: tally(1, 180000),
          // The 180.000 ₫ came after the close: an adjustment of today, the day it was processed.
          adjustments: tally(1, 180000),
          overCeiling: 0,
          closed: true,
          // What the day held when it was closed, frozen: the three credits before the close.
          closing: {
            closedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
            closedBy: 'usr_market',
            totals: { amount: 850000, credits: 3, matched: 2, exceptions: 1, adjustments: tally(0, 0), overCeiling: 0 },
          },
        },
      ],
    });
  });

  it('downloads as CSV for Excel: UTF-8 with BOM, Vietnamese headers', async () => {
    const res = await api(`/api/v1/reports/daily?date=${today}&format=csv`, bearer(market));
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="bao-cao-${today}.csv"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    const [header, row] = lines;
    expect(header).toContain('Đơn vị,Ngày,Tổng số giao dịch');
    expect(header).toBe(
      'Đơn vị,Ngày,Tổng số giao dịch,Tổng số tiền (đồng),VietQR - số giao dịch,VietQR - số tiền,Thẻ (Stripe) - số giao dịch,' +
        'Thẻ (Stripe) - số tiền,Phí chợ,Học phí,Viện phí,Lệ phí hành chính,Tiền điện,Tiền nước,Đơn hàng,Hoàn tiền - số giao dịch,Hoàn tiền - số tiền,' +
        'Ngoại lệ chưa xử lý,Điều chỉnh - số khoản,Điều chỉnh - số tiền,Đã chốt sổ',
    );
    const date = today.split('-').reverse().join('/'); // 30/11/2026
    expect(row).toBe(`Ban quản lý chợ Chũ,${date},2,550000,2,550000,0,0,550000,0,0,0,0,0,0,1,300000,1,1,180000,Có`);
    expect(row!.endsWith(',Có')).toBe(true);
    expect(lines).toHaveLength(3); // the header, one organization, and the final line end
    expect(lines[2]).toBe('');
  });

  it("shows each organization only its own money; admins everyone's", async () => {
    const schoolView = await (await api(`/api/v1/reports/daily?date=${today}`, bearer(school))).json<{
      organizations: Array<{ organizationId: string; total: { amount: number } }>;
    }>();
    expect(schoolView.organizations.map((o) => [o.organizationId, o.total.amount])).toEqual([['org_school_dinh_bang', 350000]]);
    const adminView = await (await api(`/api/v1/reports/daily?date=${today}`, bearer(admin))).json<{
      organizations: Array<{ organizationId: string; total: { amount: number }; refunds: { amount: number } }>;
    }>();
    expect(
      adminView.organizations
        .map((o) => [o.organizationId, o.total.amount, o.refunds.amount])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['org_market_board', 550000, 300000],
      ['org_school_dinh_bang', 350000, 0],
    ]);
    await expectError(await api('/api/v1/reports/daily', bearer(shopper)), 403);
    await expectError(await api('/api/v1/reports/daily'), 401);
  });

  it('gives daily collections for a chart and the fee run collection rate', async () => {
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    const res = await (await api(`/api/v1/reports/collections?from=${from}&to=${today}`, bearer(market))).json<{
      days: Array<{ date: string; count: number; amount: number }>;
      feeRuns: Array<{ marketId: string; period: string; billsCreated: number; paidBills: number; collectionRate: number }>;
    }>();
    expect(res.days).toHaveLength(30);
    expect(res.days[0]!.date).toBe(from);
    expect(res.days.at(-1)).toEqual({ date: today, count: 2, amount: 550000 });
    expect(res.days.slice(0, -1).filter((d) => d.count !== 0 || d.amount !== 0)).toEqual([]);
    expect(res.feeRuns).toHaveLength(1);
    const run = res.feeRuns[0]!;
    expect(run).toMatchObject({ marketId: 'mkt_cho_chu', period: '2026-12', billsCreated: 9, paidBills: 2 });
    expect(run.collectionRate).toBeCloseTo(2 / 9);
    await expectError(await api(`/api/v1/reports/collections?from=${today}&to=${from}`, bearer(market)), 400, 'validation_failed');
  });
});
