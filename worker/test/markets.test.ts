import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeVietQr } from '../src/domain/vietqr';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { exceptionsFor, expectLedgerBalanced, postBankNotice } from './payment-helpers';

let market: string;
let admin: string;
let school: string;
let shopper: string;

interface StallJson {
  id: string;
  code: string;
  reference: string;
  status: string;
  monthlyFee: number;
  openBills: number;
  qrSvgUrl: string;
}
interface RunJson {
  id: string;
  period: string;
  billsCreated: number;
  totalAmount: number;
  paidBills: number;
  collectionRate: number;
}

const BOARD_ACCOUNT = async () =>
  (await env.DB.prepare("SELECT bank_bin, bank_account_no FROM organizations WHERE id = 'org_market_board'").first<{
    bank_bin: string;
    bank_account_no: string;
  }>())!;

function uploadCsv(path: string, csv: string, token: string) {
  const form = new FormData();
  form.append('file', new File([csv], 'stalls.csv', { type: 'text/csv' }));
  return api(path, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
}

beforeAll(async () => {
  await seedDemo();
  [market, admin, school, shopper] = await Promise.all([
    login('market@choso.test'),
    login('admin@choso.test'),
    login('biller@choso.test'),
    login('shopper@choso.test'),
  ]);
});

describe('markets and stalls', () => {
  it("lists the board's demo market with its stalls", async () => {
    const { items } = await (await api('/api/v1/markets', bearer(market))).json<{
      items: Array<{ id: string; name: string; stallCount: number }>;
    }>();
    expect(items).toEqual([expect.objectContaining({ id: 'mkt_cho_chu', name: 'Chợ Chũ', stallCount: 10 })]);
    const stalls = await (await api('/api/v1/markets/mkt_cho_chu/stalls', bearer(market))).json<{ items: StallJson[] }>();
    expect(stalls.items.map((s) => s.code)).toEqual(['A01', 'A02', 'A03', 'A04', 'B01', 'B02', 'B03', 'B04', 'C01', 'C02']);
  });

  it('adds a market and a stall; a duplicate stall code answers 409', async () => {
    const created = await (await api('/api/v1/markets', jsonRequest('POST', { name: 'Chợ Thứa', address: 'Lương Tài' }, market))).json<{
      id: string;
    }>();
    const res = await api(
      `/api/v1/markets/${created.id}/stalls`,
      jsonRequest('POST', { code: 'A12', traderName: 'Lê Văn Hùng', traderPhone: '0912000111', monthlyFee: 300000 }, market),
    );
    expect(res.status).toBe(201);
    const stall = await res.json<StallJson>();
    expect(stall).toMatchObject({ code: 'A12', status: 'active', monthlyFee: 300000, openBills: 0 });
    expect(stall.reference).toMatch(/^CS[2-9A-HJKMNP-Z]{8}$/);
    await expectError(
      await api(`/api/v1/markets/${created.id}/stalls`, jsonRequest('POST', { code: 'A12', monthlyFee: 1 }, market)),
      409,
      'stall_code_taken',
    );
    await expectError(
      await api(`/api/v1/markets/${created.id}/stalls`, jsonRequest('POST', { code: 'A 12!', monthlyFee: 0 }, market)),
      400,
    );
  });

  it('imports stalls from CSV, all or nothing, with Vietnamese headers', async () => {
    const created = await (await api('/api/v1/markets', jsonRequest('POST', { name: 'Chợ Đồng Xép' }, market))).json<{ id: string }>();
    const good =
      '\uFEFFMã ki-ốt,Tiểu thương,Số điện thoại,Phí tháng,Trạng thái\nD01,Trần Thị Vân,0912111222,"300.000",đang thuê\nD02,,,"250,000",trống\n';
    const res = await uploadCsv(`/api/v1/markets/${created.id}/stalls/import`, good, market);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ imported: 2 });
    const bad = 'code,traderName,traderPhone,monthlyFee,status\nE01,A,0912,100000,active\nE02,B,0913,abc,active\n';
    const error = await expectError(await uploadCsv(`/api/v1/markets/${created.id}/stalls/import`, bad, market), 400, 'invalid_csv');
    expect(error.error.details[0]!.path).toMatch(/^line 3/);
    const stalls = await (await api(`/api/v1/markets/${created.id}/stalls`, bearer(market))).json<{ items: StallJson[] }>();
    expect(stalls.items.map((s) => [s.code, s.status, s.monthlyFee])).toEqual([
      ['D01', 'active', 300000],
      ['D02', 'vacant', 250000],
    ]);
  });

  it('keeps each board to its own markets; admins see all', async () => {
    await expectError(await api('/api/v1/markets', bearer(school)), 403);
    await expectError(await api('/api/v1/markets', bearer(shopper)), 403);
    await expectError(await api('/api/v1/markets'), 401);
    const adminView = await (await api('/api/v1/markets', bearer(admin))).json<{ items: unknown[] }>();
    expect(adminView.items.length).toBeGreaterThanOrEqual(1);
    // A second board cannot see the first board's market.
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO organizations (id, kind, name, commune, province) VALUES ('org_board2', 'market_board', 'BQL chợ Lim', 'Tiên Du', 'Bắc Ninh')",
      ),
      env.DB.prepare(
        "INSERT INTO users (id, email, name, role, organization_id, password_hash) SELECT 'usr_board2', 'board2@choso.test', 'BQL 2', 'market_manager', 'org_board2', password_hash FROM users WHERE id = 'usr_market'",
      ),
    ]);
    const other = await login('board2@choso.test');
    expect((await (await api('/api/v1/markets', bearer(other))).json<{ items: unknown[] }>()).items).toEqual([]);
    await expectError(await api('/api/v1/markets/mkt_cho_chu/stalls', bearer(other)), 404, 'market_not_found');
    await expectError(await api('/api/v1/markets/mkt_cho_chu/fee-runs', jsonRequest('POST', { period: '2026-12' }, other)), 404);
    await expectError(await api('/api/v1/stalls/stl_chu_a01/qr.svg', bearer(other)), 404);
  });
});

describe('fee runs', () => {
  it('issues one market_fee bill per active stall, once per month', async () => {
    const res = await api('/api/v1/markets/mkt_cho_chu/fee-runs', jsonRequest('POST', { period: '2026-12' }, market));
    expect(res.status).toBe(201);
    const run = await res.json<RunJson>();
    expect(run).toMatchObject({ period: '2026-12', billsCreated: 9, totalAmount: 2_450_000, paidBills: 0, collectionRate: 0 });
    const again = await (
      await api('/api/v1/markets/mkt_cho_chu/fee-runs', jsonRequest('POST', { period: '2026-12' }, market))
    ).json<RunJson>();
    expect(again).toEqual(run);
    const bills = await env.DB.prepare(
      "SELECT count(*) AS n FROM bills WHERE fee_run_id = ?1 AND type = 'market_fee' AND due_date = '2026-12-10'",
    )
      .bind(run.id)
      .first<{ n: number }>();
    expect(bills!.n).toBe(9);
    const vacant = await env.DB.prepare("SELECT count(*) AS n FROM bills WHERE stall_id = 'stl_chu_b04'").first<{ n: number }>();
    expect(vacant!.n).toBe(0);
  });

  it.each(['2026-13', '2026-1', 'december', ''])('rejects the period %j', async (period) => {
    await expectError(await api('/api/v1/markets/mkt_cho_chu/fee-runs', jsonRequest('POST', { period }, market)), 400, 'validation_failed');
  });

  it('handles a market of 2,000 stalls in one request', async () => {
    const created = await (await api('/api/v1/markets', jsonRequest('POST', { name: 'Chợ đầu mối' }, market))).json<{ id: string }>();
    const rows = Array.from({ length: 2000 }, (_, i) => `K${i},Tiểu thương ${i},,${100000 + (i % 5) * 10000},active`);
    expect(
      (
        await uploadCsv(
          `/api/v1/markets/${created.id}/stalls/import`,
          `code,traderName,traderPhone,monthlyFee,status\n${rows.join('\n')}\n`,
          market,
        )
      ).status,
    ).toBe(201);
    const run = await (
      await api(`/api/v1/markets/${created.id}/fee-runs`, jsonRequest('POST', { period: '2027-01' }, market))
    ).json<RunJson>();
    expect(run.billsCreated).toBe(2000);
  });
});

describe('static stall QR', () => {
  it("is a static VietQR (no amount) to the board's account carrying the stall's reference", async () => {
    const res = await api('/api/v1/stalls/stl_chu_a01/qr.svg', bearer(market));
    expect(res.headers.get('Content-Type')).toMatch(/image\/svg\+xml/);
    const { stallQrPayload } = await import('../src/routes/markets');
    const payload = await stallQrPayload(env.DB, { boardId: 'org_market_board', reference: 'CSKTA2XA27', code: 'A01' });
    const account = await BOARD_ACCOUNT();
    expect(decodeVietQr(payload)).toMatchObject({
      pointOfInitiation: 'static',
      bankBin: account.bank_bin,
      accountNumber: account.bank_account_no,
      billNumber: 'CSKTA2XA27',
    });
    expect(decodeVietQr(payload).amount).toBeUndefined();
  });

  it('prints a sheet of every active stall with its QR, code and trader', async () => {
    const res = await api('/api/v1/markets/mkt_cho_chu/stalls/sheet', bearer(market));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('@page { size: A4');
    expect(html.match(/<svg/g)?.length).toBe(9);
    expect(html).toContain('Nguyễn Thị Hạnh');
    expect(html).toContain('CSKTA2XA27');
  });

  it("applies a transfer to the stall's oldest open bill first, and files over- and under-payments", async () => {
    const account = await BOARD_ACCOUNT();
    // An older arrears bill for A02, before the December run.
    await env.DB.prepare(
      `INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date, stall_id)
       VALUES ('bil_a02_nov', 'QQQQQQQQQ' || ?1, 'org_market_board', 'market_fee', 'Trần Văn Phúc', 'A02', 'Phí chợ tháng 11/2026', 300000, '2026-11-10', 'stl_chu_a02')`,
    )
      .bind((await import('../src/domain/codes')).checkCharacter('QQQQQQQQQ'))
      .run();
    const notice = (amount: number, id: string) => ({
      transactionId: id,
      accountNumber: account.bank_account_no,
      amount,
      description: `PHI CHO CSKTA3XA34 TRAN VAN PHUC`,
      bookedAt: new Date().toISOString(),
    });
    const first = await (await postBankNotice(notice(300000, 'FTSTALL1'))).json<{ outcome: string; paymentId: string }>();
    expect(first.outcome).toBe('matched');
    const nov = await env.DB.prepare("SELECT status, payment_id FROM bills WHERE id = 'bil_a02_nov'").first<{
      status: string;
      payment_id: string;
    }>();
    expect(nov).toEqual({ status: 'paid', payment_id: first.paymentId });
    await expectLedgerBalanced(first.paymentId);
    // Next, December's bill.
    const second = await (await postBankNotice(notice(300000, 'FTSTALL2'))).json<{ outcome: string; paymentId: string }>();
    expect(second.outcome).toBe('matched');
    const dec = await env.DB.prepare("SELECT status FROM bills WHERE stall_id = 'stl_chu_a02' AND fee_run_id IS NOT NULL").first<{
      status: string;
    }>();
    expect(dec!.status).toBe('paid');
    // Nothing is owed any more: more money is an exception, never dropped.
    const third = await (await postBankNotice(notice(300000, 'FTSTALL3'))).json<{ exceptionType: string }>();
    expect(third.exceptionType).toBe('duplicate_payment');
    const under = await (await postBankNotice({ ...notice(100000, 'FTSTALL4'), description: 'CSKTA4XA4Z phi cho' })).json<{
      exceptionType: string;
    }>();
    expect(under.exceptionType).toBe('amount_mismatch');
    expect((await exceptionsFor({ bankTransactionId: 'FTSTALL4' }))[0]).toMatchObject({
      organization_id: 'org_market_board',
      expected_amount: 350000,
    });
    const repeat = await (await postBankNotice(notice(300000, 'FTSTALL1'))).json<{ outcome: string }>();
    expect(repeat.outcome).toBe('duplicate');
  });

  it('shows the collection rate of a run', async () => {
    const { items } = await (await api('/api/v1/markets/mkt_cho_chu/fee-runs', bearer(market))).json<{ items: RunJson[] }>();
    const december = items.find((r) => r.period === '2026-12')!;
    expect(december.paidBills).toBe(1);
    expect(december.collectionRate).toBeCloseTo(1 / 9);
  });
});
