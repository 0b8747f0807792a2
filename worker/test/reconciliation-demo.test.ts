// The README's reconciliation walkthrough, step by step, with the sample statement shipped
// in samples/: fee run, two stall fees paid by signed bank notification, a statement with
// an unknown credit, a duplicate and an underpayment, the exceptions, their resolution,
// the day's close and the report.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import sample from '../../samples/sao-ke-vietcombank-cho-chu-2026-11-30.csv?raw';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { expectLedgerBalanced, postBankNotice } from './payment-helpers';

const ACCOUNT = '113000178542';
const DAY = '2026-11-30';
let market: string;

interface Summary {
  statementId: string;
  lines: number;
  credits: number;
  matched: number;
  alreadyConfirmed: number;
  exceptions: Record<string, number>;
}
interface ExceptionJson {
  id: string;
  type: string;
  amount: number;
  expectedAmount: number | null;
  details: Record<string, unknown>;
}

function upload(csv: string, accountNumber = ACCOUNT, token = market) {
  const form = new FormData();
  form.append('file', new File([csv], 'sao-ke.csv', { type: 'text/csv' }));
  form.append('accountNumber', accountNumber);
  return api('/api/v1/reconciliation/statements', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
}

beforeAll(async () => {
  await seedDemo();
  market = await login('market@choso.test');
  const account = await env.DB.prepare("SELECT bank_account_no FROM organizations WHERE id = 'org_market_board'").first<{
    bank_account_no: string;
  }>();
  expect(account!.bank_account_no).toBe(ACCOUNT);
});

describe('a market day, reconciled', () => {
  let summary: Summary;

  it('1. creates the fee run for the demo market', async () => {
    const run = await (await api('/api/v1/markets/mkt_cho_chu/fee-runs', jsonRequest('POST', { period: '2026-12' }, market))).json<{
      billsCreated: number;
    }>();
    expect(run.billsCreated).toBe(9);
  });

  it('2. two stall fees arrive by signed bank notification', async () => {
    for (const [id, amount, description] of [
      ['FT26334A01', 300000, 'NGUYEN THI HANH CSKTA2XA27 phi cho thang 12'],
      ['FT26334B01', 250000, 'IBFT CSKTB2XB24 HOANG THI LAN'],
    ] as const) {
      const res = await postBankNotice({
        transactionId: id,
        accountNumber: ACCOUNT,
        amount,
        description,
        bookedAt: `${DAY}T02:00:00.000Z`,
      });
      expect((await res.json<{ outcome: string }>()).outcome).toBe('matched');
    }
  });

  it('3. imports the sample statement: two lines already confirmed, one new match, three exceptions', async () => {
    const res = await upload(sample);
    expect(res.status).toBe(201);
    summary = await res.json<Summary>();
    expect(summary).toMatchObject({ lines: 7, credits: 6, matched: 1, alreadyConfirmed: 2 });
    expect(summary.exceptions).toMatchObject({ unmatched_credit: 1, duplicate_payment: 1, amount_mismatch: 1, missing_at_bank: 0 });
    const counted =
      summary.matched +
      summary.alreadyConfirmed +
      Object.entries(summary.exceptions)
        .filter(([k]) => k !== 'missing_at_bank')
        .reduce((n, [, v]) => n + v, 0);
    expect(counted).toBe(summary.credits);
  });

  it('importing the same statement again counts nothing twice', async () => {
    const again = await (await upload(sample)).json<Summary>();
    expect(again).toMatchObject({ credits: 6, matched: 0, alreadyConfirmed: 6 });
    expect(Object.values(again.exceptions).every((n) => n === 0)).toBe(true);
  });

  it('4. shows the right exceptions', async () => {
    const { items } = await (await api('/api/v1/reconciliation/exceptions?status=open', bearer(market))).json<{ items: ExceptionJson[] }>();
    expect(items.map((e) => [e.type, e.amount, e.expectedAmount]).sort()).toEqual([
      ['amount_mismatch', 200000, 300000],
      ['duplicate_payment', 300000, null],
      ['unmatched_credit', 180000, null],
    ]);
  });

  it('5. resolves them: match the underpayment, refund the duplicate, dismiss the unknown credit', async () => {
    const { items } = await (await api('/api/v1/reconciliation/exceptions?status=open', bearer(market))).json<{ items: ExceptionJson[] }>();
    const byType = Object.fromEntries(items.map((e) => [e.type, e]));
    const bill = await (await api('/api/v1/bills?q=A02&status=open', bearer(market))).json<{ items: Array<{ code: string }> }>();
    const matched = await api(
      `/api/v1/reconciliation/exceptions/${byType.amount_mismatch!.id}/resolve`,
      jsonRequest(
        'POST',
        { action: 'match', billCode: bill.items[0]!.code, acceptDifference: true, note: 'Thu nốt 100.000 ₫ tiền mặt tại ban quản lý' },
        market,
      ),
    );
    expect(matched.status).toBe(200);
    const ledger = await expectLedgerBalanced((await matched.json<{ resolution: { paymentId: string } }>()).resolution.paymentId);
    // The books show the 200.000 ₫ the bank received, not the 300.000 ₫ billed.
    expect(ledger.balances['payable:org_market_board']).toBe(200000);
    expect(
      (
        await api(
          `/api/v1/reconciliation/exceptions/${byType.duplicate_payment!.id}/resolve`,
          jsonRequest('POST', { action: 'refund', note: 'Nộp trùng' }, market),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await api(
          `/api/v1/reconciliation/exceptions/${byType.unmatched_credit!.id}/resolve`,
          jsonRequest('POST', { action: 'dismiss', note: 'Tiền thuê kho, không phải phí chợ' }, market),
        )
      ).status,
    ).toBe(200);
  });

  it('6. closes the day', async () => {
    const res = await api(`/api/v1/reconciliation/days/${DAY}/close`, jsonRequest('POST', { accountNumber: ACCOUNT }, market));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ totals: { credits: 6, amount: 1_580_000 } });
  });

  it('7. downloads the report', async () => {
    const res = await api(`/api/v1/reports/daily?date=${DAY}&format=csv`, bearer(market));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('Ban quản lý chợ Chũ');
    expect(text.trim().endsWith(',Có')).toBe(true);
  });
});

describe('statement import: bad files and access', () => {
  it('rejects a malformed file whole, with the line and the reason', async () => {
    const bad = 'bookedAt,amount,description,transactionId\n2026-11-29,100000,CS ok,T1\n2026-11-29,12.5,bad amount,T2\n';
    const error = await expectError(await upload(bad), 400, 'invalid_statement');
    expect(error.error.details[0]!.path).toBe('line 3');
    const credits = await env.DB.prepare("SELECT count(*) AS n FROM bank_credits WHERE transaction_id = 'T1'").first<{ n: number }>();
    expect(credits!.n).toBe(0);
  });

  it("refuses another organization's account, and non-staff", async () => {
    await expectError(await upload(sample, ACCOUNT, await login('biller@choso.test')), 404, 'account_not_found');
    await expectError(await upload(sample, ACCOUNT, await login('shopper@choso.test')), 403);
  });

  it('flags a payment notified by the bank but missing from its statement', async () => {
    await postBankNotice({
      transactionId: 'FT-NOTIFIED-ONLY',
      accountNumber: ACCOUNT,
      amount: 250000,
      description: 'CSKTB3XB3Z',
      bookedAt: '2026-11-29T03:00:00.000Z',
    });
    const statement = 'bookedAt,amount,description,transactionId\n2026-11-29 10:00,50000,tien le,FT-OTHER-29\n';
    const summary = await (await upload(statement)).json<Summary>();
    expect(summary.exceptions.missing_at_bank).toBe(1);
  });
});

describe('money never disappears', () => {
  it('a refund cannot exceed what actually arrived after a shortfall was accepted', async () => {
    const { items } = await (await api('/api/v1/reconciliation/exceptions?status=resolved', bearer(market))).json<{
      items: Array<ExceptionJson & { resolution: { action: string; paymentId: string } }>;
    }>();
    const matched = items.find((e) => e.resolution.action === 'match')!;
    const payment = matched.resolution.paymentId;
    await expectError(
      await api(`/api/v1/payments/${payment}/refunds`, jsonRequest('POST', { amount: 300000, reason: 'Hoàn toàn bộ' }, market)),
      409,
      'refund_exceeds_payment',
    );
    expect(
      (await api(`/api/v1/payments/${payment}/refunds`, jsonRequest('POST', { amount: 200000, reason: 'Hoàn phần đã chuyển' }, market)))
        .status,
    ).toBe(201);
  });

  it('a rejected transfer back reopens the money as an exception', async () => {
    const { items } = await (await api('/api/v1/reconciliation/refunds', bearer(market))).json<{
      items: Array<{ id: string; status: string; exceptionId: string }>;
    }>();
    const refund = items.find((r) => r.status === 'awaiting_approval')!;
    const admin = await login('admin@choso.test');
    expect((await api(`/api/v1/reconciliation/refunds/${refund.id}/reject`, jsonRequest('POST', {}, admin))).status).toBe(200);
    const open = await (await api('/api/v1/reconciliation/exceptions?status=open', bearer(market))).json<{ items: ExceptionJson[] }>();
    expect(open.items.some((e) => e.details.reopenedFrom === refund.exceptionId)).toBe(true);
  });
});
