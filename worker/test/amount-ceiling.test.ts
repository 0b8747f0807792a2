// One ceiling on every amount that enters the system (domain/money.ts), refused with a 400
// that says so in Vietnamese; and reports that answer for any amount already stored.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { newBillCode } from '../src/domain/codes';
import { vietnamDate } from '../src/domain/vietnam-time';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, DEMO_BILLS, insertOpenBill, noticeFor, postBankNotice } from './payment-helpers';

const CEILING = 10_000_000_000;
const ABOVE = CEILING + 1;
const SAYS_SO = (field: string) => `${field} phải là số nguyên đồng từ 1 ₫ đến 10.000.000.000 ₫`;
let seller: string;
let school: string;
let market: string;

beforeAll(async () => {
  await seedDemo();
  [seller, school, market] = await Promise.all([login('seller@choso.test'), login('biller@choso.test'), login('market@choso.test')]);
});

const bill = (amount: number) =>
  jsonRequest(
    'POST',
    { type: 'tuition', payerName: 'Ngô Văn Nam', payerRef: 'HS-1', description: 'Học phí', amount, dueDate: '2026-12-31' },
    school,
  );
const product = (price: number) => jsonRequest('POST', { name: 'Bình gốm', category: 'handicrafts', price, unit: 'chiếc' }, seller);
const stall = (monthlyFee: number) => jsonRequest('POST', { code: `Z${String(monthlyFee).slice(-3)}`, monthlyFee }, market);

describe('one ceiling on every amount', () => {
  it.each([
    ['a bill', '/api/v1/bills', bill, 'amount', 'Số tiền của hoá đơn'],
    ['a product price', '/api/v1/products', product, 'price', 'Giá'],
    ['a stall fee', '/api/v1/markets/mkt_cho_chu/stalls', stall, 'monthlyFee', 'Phí tháng'],
  ] as const)(
    'refuses %s above 10.000.000.000 ₫ with a 400 that says so, and takes the ceiling itself',
    async (_what, path, body, field, label) => {
      const refused = await expectError(await api(path, body(ABOVE)), 400, 'validation_failed');
      expect(refused.error.details).toContainEqual({ path: field, message: SAYS_SO(label) });
      expect((await api(path, body(CEILING))).status).toBe(201);
    },
  );

  it('refuses a refund above the ceiling', async () => {
    const payment = await createPayment({ billCode: DEMO_BILLS.tuitionNgoc.code });
    await postBankNotice(noticeFor(payment));
    const refused = await expectError(
      await api(`/api/v1/payments/${payment.id}/refunds`, jsonRequest('POST', { amount: ABOVE, reason: 'Hoàn quá mức' }, school)),
      400,
      'validation_failed',
    );
    expect(refused.error.details).toContainEqual({ path: 'amount', message: SAYS_SO('Số tiền hoàn') });
  });

  it('refuses a bank notification of 9.007.199.254.740.991 ₫, and stores nothing', async () => {
    const notice = {
      transactionId: 'FT-HUGE',
      accountNumber: '113000178542',
      amount: Number.MAX_SAFE_INTEGER,
      description: 'chuyen tien',
      bookedAt: new Date().toISOString(),
    };
    const refused = await expectError(await postBankNotice(notice), 400, 'validation_failed');
    expect(refused.error.details).toContainEqual({ path: 'amount', message: SAYS_SO('Số tiền (amount)') });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM bank_credits WHERE transaction_id = 'FT-HUGE'").first()).toEqual({ n: 0 });
  });

  it('refuses a statement with a line above the ceiling, whole, naming the line', async () => {
    const form = new FormData();
    const csv = 'bookedAt,amount,description,transactionId\n01/12/2026 09:00,300000,ok,T-OK\n01/12/2026 09:05,10000000001,qua lon,T-HUGE\n';
    form.append('file', new File([csv], 'sao-ke.csv', { type: 'text/csv' }));
    form.append('accountNumber', '113000178542');
    const res = await api('/api/v1/reconciliation/statements', {
      method: 'POST',
      headers: { Authorization: `Bearer ${market}` },
      body: form,
    });
    const refused = await expectError(res, 400, 'invalid_statement');
    expect(refused.error.details).toEqual([
      { path: 'line 3', message: 'Dòng 3: số tiền vào "10000000001" vượt quá mức tối đa 10.000.000.000 ₫ cho một khoản' },
    ]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM bank_credits WHERE transaction_id IN ('T-OK', 'T-HUGE')").first()).toEqual({
      n: 0,
    });
  });

  it('refuses to start a payment for more than the ceiling', async () => {
    const code = await insertOpenBill(newBillCode(), 'org_school_dinh_bang', 1000);
    await env.DB.prepare('UPDATE bills SET amount = ?2 WHERE code = ?1').bind(code, ABOVE).run();
    const refused = await expectError(
      await api('/api/v1/payments', {
        ...jsonRequest('POST', { billCode: code }),
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      }),
      400,
      'amount_too_large',
    );
    expect(refused.error.message).toContain('vượt quá mức tối đa 10.000.000.000 ₫');
  });
});

describe('reports answer for any amount already stored', () => {
  it('leaves amounts above the ceiling out of the sums, counts them apart, and never overflows', async () => {
    const today = vietnamDate(new Date());
    // Stored before the ceiling existed: two open exceptions that sum() would overflow on.
    for (const [id, amount] of [
      ['exc_legacy_1', '9223372036854775807'],
      ['exc_legacy_2', '9223372036854775807'],
      ['exc_legacy_3', '9007199254740991'],
    ])
      await env.DB.prepare(
        `INSERT INTO payment_exceptions (id, type, organization_id, amount, account_number, booked_date) VALUES (?1, 'unmatched_credit', 'org_market_board', ${amount}, '113000178542', ?2)`,
      )
        .bind(id, today)
        .run();
    const legitimate = await postBankNotice({
      transactionId: 'FT-LEGIT',
      accountNumber: '113000178542',
      amount: 180_000,
      description: 'chuyen tien',
      bookedAt: new Date().toISOString(),
    });
    expect(legitimate.status).toBe(200);

    const res = await api(`/api/v1/reports/daily?date=${today}`, bearer(market));
    expect(res.status).toBe(200);
    const board = (
      await res.json<{
        organizations: Array<{ organizationId: string; openExceptions: { count: number; amount: number }; overCeiling: number }>;
      }>()
    ).organizations.find((o) => o.organizationId === 'org_market_board')!;
    expect(board.overCeiling).toBe(3);
    expect(board.openExceptions.count).toBeGreaterThanOrEqual(4);
    expect(Number.isSafeInteger(board.openExceptions.amount)).toBe(true);
    expect(board.openExceptions.amount).toBeLessThan(CEILING);
    expect((await api(`/api/v1/reports/daily?date=${today}&format=csv`, bearer(market))).status).toBe(200);
  });
});
