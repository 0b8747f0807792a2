import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { isValidCheck } from '../src/domain/codes';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { DEMO_BILLS } from './payment-helpers';

let school: string;
let market: string;
let shopper: string;

beforeAll(async () => {
  await seedDemo();
  [school, market, shopper] = await Promise.all([login('biller@choso.test'), login('market@choso.test'), login('shopper@choso.test')]);
});

const newBill = {
  type: 'tuition',
  payerName: 'Nguyễn Văn Bình',
  payerRef: 'HS-2026-0999',
  description: 'Học phí tháng 1/2027',
  amount: 350000,
  dueDate: '2027-01-15',
};

interface BillJson {
  id: string;
  code: string;
  displayCode: string;
  status: string;
  amount: number;
  biller: { id: string };
}

describe('POST /api/v1/bills', () => {
  it("issues a bill with a short, checkable code for the staff member's own organization", async () => {
    const res = await api('/api/v1/bills', jsonRequest('POST', newBill, school));
    expect(res.status).toBe(201);
    const bill = await res.json<BillJson>();
    expect(bill).toMatchObject({ status: 'open', amount: 350000, biller: { id: 'org_school_dinh_bang' } });
    expect(bill.code).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(isValidCheck(bill.code)).toBe(true);
    expect(bill.displayCode).toBe(`${bill.code.slice(0, 5)}-${bill.code.slice(5)}`);
  });

  it.each([
    [{ ...newBill, type: 'parking' }, 'type'],
    [{ ...newBill, amount: 0 }, 'amount'],
    [{ ...newBill, amount: 1000.5 }, 'amount'],
    [{ ...newBill, amount: '350000' }, 'amount'],
    [{ ...newBill, dueDate: '2027-02-30' }, 'dueDate'],
    [{ ...newBill, payerName: '' }, 'payerName'],
    [{ ...newBill, billerId: 'org_hospital' }, ''],
    [{ ...newBill, status: 'paid' }, ''],
  ])('rejects %j with 400', async (body, path) => {
    const error = await expectError(await api('/api/v1/bills', jsonRequest('POST', body, school)), 400, 'validation_failed');
    expect(error.error.details.map((d) => d.path)).toContain(path);
  });

  it('is for billers only: 401 without a session, 403 for a shopper or a seller', async () => {
    await expectError(await api('/api/v1/bills', jsonRequest('POST', newBill)), 401);
    await expectError(await api('/api/v1/bills', jsonRequest('POST', newBill, shopper)), 403);
    await expectError(await api('/api/v1/bills', jsonRequest('POST', newBill, await login('seller@choso.test'))), 403);
  });
});

describe('GET /api/v1/bills', () => {
  it("lists only the caller's organization's bills, filtered", async () => {
    const page = await (await api('/api/v1/bills?limit=100', bearer(school))).json<{ items: BillJson[] }>();
    expect(page.items.length).toBeGreaterThanOrEqual(2);
    expect(page.items.every((b) => b.biller.id === 'org_school_dinh_bang')).toBe(true);
    const marketPage = await (await api('/api/v1/bills?type=market_fee', bearer(market))).json<{ items: BillJson[] }>();
    expect(marketPage.items.map((b) => b.code)).toEqual(expect.arrayContaining([DEMO_BILLS.stallA12.code, DEMO_BILLS.stallB07.code]));
    expect(marketPage.items.every((b) => b.biller.id === 'org_market_board')).toBe(true);
  });

  it('finds a bill by payer name, payer reference or code (with its dash)', async () => {
    for (const q of ['Bích Ngọc', 'HS-2026-0217', 'BT8C2-6DBNM']) {
      const page = await (await api(`/api/v1/bills?q=${encodeURIComponent(q)}`, bearer(school))).json<{ items: BillJson[] }>();
      expect(page.items.map((b) => b.code)).toEqual([DEMO_BILLS.tuitionNgoc.code]);
    }
  });

  it('pages with a cursor, without duplicates', async () => {
    for (let i = 0; i < 5; i++) await api('/api/v1/bills', jsonRequest('POST', { ...newBill, payerRef: `PAGE-${i}` }, school));
    const first = await (await api('/api/v1/bills?limit=3', bearer(school))).json<{ items: BillJson[]; nextCursor: string }>();
    const second = await (await api(`/api/v1/bills?limit=3&cursor=${first.nextCursor}`, bearer(school))).json<{ items: BillJson[] }>();
    const ids = [...first.items, ...second.items].map((b) => b.id);
    expect(new Set(ids).size).toBe(6);
  });

  it("answers 404 for another organization's bill", async () => {
    await expectError(await api('/api/v1/bills/bil_demo_stall_a12', bearer(school)), 404, 'bill_not_found');
    expect((await api('/api/v1/bills/bil_demo_stall_a12', bearer(market))).status).toBe(200);
  });
});

describe('POST /api/v1/bills/:id/cancel', () => {
  it('cancels an open bill once', async () => {
    const bill = await (await api('/api/v1/bills', jsonRequest('POST', newBill, school))).json<BillJson>();
    const res = await api(`/api/v1/bills/${bill.id}/cancel`, jsonRequest('POST', {}, school));
    expect(res.status).toBe(200);
    expect((await res.json<BillJson>()).status).toBe('cancelled');
    await expectError(await api(`/api/v1/bills/${bill.id}/cancel`, jsonRequest('POST', {}, school)), 409, 'bill_cancelled');
  });

  it("cannot cancel another organization's bill", async () => {
    await expectError(await api('/api/v1/bills/bil_demo_stall_b07/cancel', jsonRequest('POST', {}, school)), 404);
    const row = await env.DB.prepare("SELECT status FROM bills WHERE id = 'bil_demo_stall_b07'").first<{ status: string }>();
    expect(row!.status).toBe('open');
  });
});

describe('GET /api/v1/bills/lookup/:code', () => {
  it("shows a payer only what they need, with the name masked, whatever the code's case or dashes", async () => {
    const res = await api(`/api/v1/bills/lookup/hp8a2-6dba5`, { headers: { 'CF-Connecting-IP': '203.0.113.1' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      code: DEMO_BILLS.tuitionAn.code,
      type: 'tuition',
      biller: { name: 'Trường THCS Đình Bảng' },
      description: 'Học phí tháng 12/2026, lớp 8A',
      amount: 350000,
      dueDate: '2026-12-15',
      status: 'open',
      payerName: 'Nguyễn V** A**',
      receiptUrl: null,
    });
  });

  it('answers 404 for a mistyped code, never another bill: every single-character slip fails the check', async () => {
    const code = DEMO_BILLS.tuitionAn.code;
    const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
    let tried = 0;
    for (let position = 0; position < code.length; position += 3) {
      for (const char of alphabet.slice(0, 4)) {
        if (char === code[position]) continue;
        const typo = code.slice(0, position) + char + code.slice(position + 1);
        await expectError(
          await api(`/api/v1/bills/lookup/${typo}`, { headers: { 'CF-Connecting-IP': `198.51.100.${position}` } }),
          404,
          'bill_not_found',
        );
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(10);
  });

  it.each(['x', 'HP8A26DBA', 'HP8A26DBA5X', '0O1IL00000', '%20'])('answers 404 for the malformed code %j', async (code) => {
    await expectError(await api(`/api/v1/bills/lookup/${code}`, { headers: { 'CF-Connecting-IP': '192.0.2.77' } }), 404);
  });

  it('rate-limits lookups per client with 429 and Retry-After, so codes cannot be enumerated', async () => {
    const headers = { 'CF-Connecting-IP': '192.0.2.200' };
    let last: Response | undefined;
    for (let i = 0; i < 31; i++) last = await api(`/api/v1/bills/lookup/ABCDEFGHJK`, { headers });
    await expectError(last!, 429, 'rate_limited');
    expect(Number(last!.headers.get('Retry-After'))).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await api(`/api/v1/bills/lookup/${DEMO_BILLS.stallA12.code}`, { headers: { 'CF-Connecting-IP': '192.0.2.201' } })).status).toBe(
      200,
    );
  });
});
