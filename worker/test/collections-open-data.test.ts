import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_BILLS_PER_CELL, withhold } from '../src/domain/disclosure';
import { DATASETS } from '../src/open-data/datasets';
import { api, seedDemo } from './helpers';

// Fixed data in months nobody else uses (2024): a school with 6 bills in March 2024 (5 paid,
// 4 of them by VietQR and 1 with no payment of ours), and 3 bills in April 2024 (too few).
async function insertBill(n: number, month: string, status: 'open' | 'paid', method: 'vietqr' | null): Promise<void> {
  const id = `bil_stat_${month}_${n}`;
  const paymentId = method ? `pay_stat_${month}_${n}` : null;
  await env.DB.prepare(
    `INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date, status, paid_at, payment_id, created_at)
     VALUES (?1, ?2, 'org_school_dinh_bang', 'tuition', 'Học sinh', ?3, 'Học phí', 100000, ?4, ?5, ?6, ?7, ?8)`,
  )
    .bind(
      id,
      `STAT${month.replace('-', '')}${n}`,
      `HS-${n}`,
      `${month}-28`,
      status,
      status === 'paid' ? `${month}-20T03:00:00.000Z` : null,
      paymentId,
      `${month}-05T03:00:00.000Z`,
    )
    .run();
  if (paymentId) {
    await env.DB.prepare(
      `INSERT INTO payments (id, reference, bill_id, amount, method, status, payee_bank_bin, payee_account_no, payee_account_name, expires_at, request_hash, paid_at)
       VALUES (?1, ?2, ?3, 100000, ?4, 'paid', '970418', '123', 'TRUONG', '2030-01-01T00:00:00.000Z', 'h', ?5)`,
    )
      .bind(paymentId, `REF${month.replace('-', '')}${n}`, id, method, `${month}-20T03:00:00.000Z`)
      .run();
  }
}

beforeAll(async () => {
  await seedDemo();
  for (let n = 1; n <= 6; n++) await insertBill(n, '2024-03', n <= 5 ? 'paid' : 'open', n <= 4 ? 'vietqr' : null);
  for (let n = 1; n <= 3; n++) await insertBill(n, '2024-04', 'paid', 'vietqr');
});

describe('withhold', () => {
  it.each([
    [0, null],
    [4, null],
    [5, 7],
    [120, 7],
  ])('with %i bills gives %s', (count, expected) => {
    expect(MIN_BILLS_PER_CELL).toBe(5);
    expect(withhold(count, 7)).toBe(expected);
  });
});

describe('GET /api/v1/open-data/collections.json', () => {
  it('publishes the figures of a cell of 6 bills, with the licence and data dictionary', async () => {
    const res = await api('/api/v1/open-data/collections.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('Link')).toBe('<https://creativecommons.org/licenses/by/4.0/>; rel="license"');
    const body = await res.json<{
      dataset: { id: string; licence: { spdx: string }; fields: unknown[] };
      rows: Array<Record<string, unknown>>;
    }>();
    expect(body.dataset).toMatchObject({ id: 'collections', licence: { spdx: 'CC-BY-4.0' } });
    expect(body.dataset.fields).toHaveLength(8);
    expect(body.rows.find((row) => row.month === '2024-03')).toEqual({
      month: '2024-03',
      billerKind: 'school',
      commune: 'Từ Sơn',
      billsIssued: 6,
      amountIssued: 600000,
      billsPaid: 5,
      amountPaid: 500000,
      cashlessShare: 0.8,
    });
  });

  it('withholds every figure of a cell built from 3 bills', async () => {
    const body = await (await api('/api/v1/open-data/collections.json')).json<{ rows: Array<Record<string, unknown>> }>();
    expect(body.rows.find((row) => row.month === '2024-04')).toEqual({
      month: '2024-04',
      billerKind: 'school',
      commune: 'Từ Sơn',
      billsIssued: null,
      amountIssued: null,
      billsPaid: null,
      amountPaid: null,
      cashlessShare: null,
    });
  });

  it('is listed among the open datasets', () => {
    expect(DATASETS.map((dataset) => dataset.id)).toContain('collections');
  });
});

describe('GET /api/v1/open-data/collections.csv', () => {
  it('gives the same rows as CSV, empty where withheld', async () => {
    const res = await api('/api/v1/open-data/collections.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('month,billerKind,commune,billsIssued,amountIssued,billsPaid,amountPaid,cashlessShare');
    expect(lines).toContain('2024-03,school,Từ Sơn,6,600000,5,500000,0.8');
    expect(lines).toContain('2024-04,school,Từ Sơn,,,,,');
  });
});
