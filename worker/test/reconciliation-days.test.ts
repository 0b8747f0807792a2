// The day of a report and of a close is the day the bank booked the money (Vietnam time), and a
// closed day stays closed: money booked on it that arrives later is an adjustment of the day it
// is processed. Each test sets up its own day on the demo market board's account.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import sample from '../../samples/sao-ke-vietcombank-cho-chu-2026-11-30.csv?raw';
import { vietnamDate } from '../src/domain/vietnam-time';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { postBankNotice } from './payment-helpers';

const ACCOUNT = '113000178542';
const SAMPLE_DAY = '2026-11-30';
const today = vietnamDate(new Date());
let market: string;

interface Tally {
  count: number;
  amount: number;
}
interface BoardDay {
  organizationId: string;
  total: Tally;
  byType: Record<string, Tally>;
  openExceptions: Tally;
  adjustments: Tally;
  overCeiling: number;
  closed: boolean;
  closing: { closedAt: string; totals: Record<string, unknown> } | null;
}

async function boardDay(date: string): Promise<BoardDay> {
  const res = await api(`/api/v1/reports/daily?date=${date}`, bearer(market));
  expect(res.status).toBe(200);
  const { organizations } = await res.json<{ organizations: BoardDay[] }>();
  return organizations.find((o) => o.organizationId === 'org_market_board')!;
}

function upload(csv: string) {
  const form = new FormData();
  form.append('file', new File([csv], 'sao-ke.csv', { type: 'text/csv' }));
  form.append('accountNumber', ACCOUNT);
  return api('/api/v1/reconciliation/statements', { method: 'POST', headers: { Authorization: `Bearer ${market}` }, body: form });
}

const readDay = async (date: string) => {
  const res = await api(`/api/v1/reconciliation/days/${date}?accountNumber=${ACCOUNT}`, bearer(market));
  expect(res.status).toBe(200);
  return res.json<{
    closed: boolean;
    totals: Record<string, unknown> | null;
    adjustments: Array<{ date: string; affectsDate: string; amount: number; paymentId: string | null; exceptionId: string | null }>;
    laterAdjustments: Array<{ date: string; affectsDate: string; amount: number }>;
  }>();
};

beforeAll(async () => {
  await seedDemo();
  market = await login('market@choso.test');
  await api('/api/v1/markets/mkt_cho_chu/fee-runs', jsonRequest('POST', { period: '2026-12' }, market));
});

const closeDay = (date: string) =>
  api(`/api/v1/reconciliation/days/${date}/close`, jsonRequest('POST', { accountNumber: ACCOUNT }, market));
const stallReference = async (stallId: string) =>
  (await env.DB.prepare('SELECT reference FROM stalls WHERE id = ?1').bind(stallId).first<{ reference: string }>())!.reference;

describe("a day's report is the bank's day", () => {
  it('counts an imported statement on the day its lines were booked, not the day it was imported', async () => {
    const before = await boardDay(today);
    expect((await upload(sample)).status).toBe(201);
    // Stalls A01 (300.000 ₫), B01 (250.000 ₫) and A03 (350.000 ₫) paid on 30/11; the rest are exceptions.
    const day = await boardDay(SAMPLE_DAY);
    expect(day.total).toEqual({ count: 3, amount: 900_000 });
    expect(day.byType.market_fee).toEqual({ count: 3, amount: 900_000 });
    expect(day.openExceptions).toEqual({ count: 3, amount: 680_000 });
    expect((await boardDay(today)).total).toEqual(before.total);
    const chart = await (await api('/api/v1/reports/collections?from=2026-11-29&to=2026-12-01', bearer(market))).json<{
      days: Array<{ date: string; count: number; amount: number }>;
    }>();
    expect(chart.days).toEqual([
      { date: '2026-11-29', count: 0, amount: 0 },
      { date: '2026-11-30', count: 3, amount: 900_000 },
      { date: '2026-12-01', count: 0, amount: 0 },
    ]);
  });

  it("reads a closed day's frozen totals back, through the API and in the report", async () => {
    const day = '2026-10-01';
    const notice = {
      transactionId: 'FT-DAY-1001',
      accountNumber: ACCOUNT,
      amount: 120_000,
      description: 'tien thue kho',
      bookedAt: `${day}T03:00:00.000Z`,
    };
    await postBankNotice(notice);
    const exception = (await env.DB.prepare(
      "SELECT e.id FROM payment_exceptions e JOIN bank_credits b ON b.id = e.bank_credit_id WHERE b.transaction_id = 'FT-DAY-1001'",
    ).first<{ id: string }>())!;
    await api(
      `/api/v1/reconciliation/exceptions/${exception.id}/resolve`,
      jsonRequest('POST', { action: 'dismiss', note: 'Tiền thuê kho' }, market),
    );
    const closed = await (await closeDay(day)).json<{ closedAt: string; totals: Record<string, unknown> }>();
    expect(closed.totals).toEqual({
      credits: 1,
      amount: 120_000,
      matched: 0,
      exceptions: 1,
      adjustments: { count: 0, amount: 0 },
      overCeiling: 0,
    });
    expect(await readDay(day)).toMatchObject({ closed: true, totals: closed.totals, adjustments: [], laterAdjustments: [] });
    expect((await boardDay(day)).closing).toEqual({ closedAt: closed.closedAt, closedBy: 'usr_market', totals: closed.totals });
    expect(await readDay('2026-09-30')).toMatchObject({ closed: false, totals: null });
    await expectError(await api(`/api/v1/reconciliation/days/${day}?accountNumber=999`, bearer(market)), 404, 'account_not_found');
  });
});

describe('a closed day stays closed', () => {
  it('records money booked on the closed day, arriving later, as an adjustment of the day it is processed', async () => {
    const day = '2026-10-02';
    expect((await closeDay(day)).status).toBe(200);
    const adjustedBefore = (await boardDay(today)).adjustments;
    const late = {
      transactionId: 'FT-DAY-1002',
      accountNumber: ACCOUNT,
      amount: 175_000,
      description: 'chuyen tien muon',
      bookedAt: `${day}T08:00:00.000Z`,
    };
    expect(await (await postBankNotice(late)).json()).toMatchObject({ outcome: 'exception', exceptionType: 'unmatched_credit' });

    // The closed day shows no open exception, and its frozen totals are as they were.
    const closedDay = await boardDay(day);
    expect(closedDay.openExceptions).toEqual({ count: 0, amount: 0 });
    expect(closedDay.closing!.totals).toMatchObject({ credits: 0, amount: 0 });
    // Today's report has the adjustment, and the exception waits in today's queue.
    expect((await boardDay(today)).adjustments).toEqual({ count: adjustedBefore.count + 1, amount: adjustedBefore.amount + 175_000 });
    const exception = await env.DB.prepare(
      "SELECT e.id, e.booked_date, e.status FROM payment_exceptions e JOIN bank_credits b ON b.id = e.bank_credit_id WHERE b.transaction_id = 'FT-DAY-1002'",
    ).first<{ id: string; booked_date: string; status: string }>();
    expect(exception).toMatchObject({ booked_date: today, status: 'open' });
    expect((await readDay(today)).adjustments).toContainEqual(
      expect.objectContaining({ date: today, affectsDate: day, amount: 175_000, paymentId: null, exceptionId: exception!.id }),
    );
    expect((await readDay(day)).laterAdjustments).toEqual([expect.objectContaining({ date: today, affectsDate: day, amount: 175_000 })]);
    // Closing today needs it resolved.
    await expectError(await closeDay(today), 409, 'open_exceptions');
  });

  it("records a late stall payment for the closed day as an adjustment naming its payment, counted on the bank's day", async () => {
    const day = '2026-10-03';
    expect((await closeDay(day)).status).toBe(200);
    const late = {
      transactionId: 'FT-DAY-1003',
      accountNumber: ACCOUNT,
      amount: 350_000,
      description: `${await stallReference('stl_chu_a04')} phi cho`,
      bookedAt: `${day}T09:30:00.000Z`,
    };
    const outcome = await (await postBankNotice(late)).json<{ outcome: string; paymentId: string }>();
    expect(outcome.outcome).toBe('matched');
    const adjustment = await env.DB.prepare('SELECT date, affects_date, amount FROM adjustments WHERE payment_id = ?1')
      .bind(outcome.paymentId)
      .first();
    expect(adjustment).toEqual({ date: today, affects_date: day, amount: 350_000 });
    // Counted on the day the bank booked it; that day's frozen totals do not move.
    expect((await boardDay(day)).total).toEqual({ count: 1, amount: 350_000 });
    expect((await readDay(day)).totals).toMatchObject({ credits: 0, amount: 0 });
  });
});
