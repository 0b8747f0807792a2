import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import app from '../src/app';
import { newBillCode } from '../src/domain/codes';
import { vietnamDate } from '../src/domain/vietnam-time';
import { faultyD1 } from './d1-faults';
import { api, bearer, expectError, jsonRequest, login, ORIGIN, seedDemo } from './helpers';
import { createPayment, DEMO_BILLS, getPayment, insertOpenBill, noticeFor, postBankNotice } from './payment-helpers';

// The class: a write that answers an error must not have written anything, and an answer
// must never be decided from D1's meta.changes, which counts what triggers wrote too.

let seller: string;
let seller2: string;
let school: string;

beforeAll(async () => {
  await seedDemo();
  [seller, seller2, school] = await Promise.all([login('seller@choso.test'), login('seller2@choso.test'), login('biller@choso.test')]);
});

const sellerProduct = async () =>
  (await env.DB.prepare(
    "SELECT p.id, p.name FROM products p JOIN users u ON u.organization_id = p.seller_id WHERE u.email = 'seller@choso.test' LIMIT 1",
  ).first<{ id: string; name: string }>())!;

describe('a write answers what it did', () => {
  it('renames a product (whose search index a trigger rewrites) and says so', async () => {
    const product = await sellerProduct();
    const res = await api(`/api/v1/products/${product.id}`, jsonRequest('PATCH', { name: 'Bình gốm men rạn Phù Lãng' }, seller));
    expect(res.status).toBe(200);
    expect((await res.json<{ name: string }>()).name).toBe('Bình gốm men rạn Phù Lãng');
    const found = await (await api('/api/v1/products?q=binh%20gom%20men%20ran')).json<{ items: Array<{ id: string }> }>();
    expect(found.items.map((item) => item.id)).toContain(product.id);
  });

  it("answers 404 to another seller's rename, and the name stays as it was", async () => {
    const product = await sellerProduct();
    await expectError(await api(`/api/v1/products/${product.id}`, jsonRequest('PATCH', { name: 'Đổi tên trộm' }, seller2)), 404);
    expect((await sellerProduct()).name).toBe(product.name);
  });

  it('answers 409 when a bill is paid between the cancel request and its write, and expires nothing', async () => {
    const code = await insertOpenBill(newBillCode(), 'org_school_dinh_bang', 210000);
    const payment = await createPayment({ billCode: code });
    const eventsBefore = await countRows('payment_events');
    // Someone pays the bill another way a moment after the cancel request has read it.
    const fault = faultyD1(env.DB, undefined, async () => {
      await env.DB.prepare("UPDATE bills SET status = 'paid' WHERE code = ?1").bind(code).run();
    });
    const billId = (await env.DB.prepare('SELECT id FROM bills WHERE code = ?1').bind(code).first<{ id: string }>())!.id;
    const res = await app.request(
      `${ORIGIN}/api/v1/bills/${billId}/cancel`,
      { method: 'POST', ...bearer(school) },
      { ...env, DB: fault.db },
    );
    await expectError(res, 409, 'conflict');
    expect((await getPayment(payment.id)).status).toBe('pending');
    expect(await countRows('payment_events')).toBe(eventsBefore);
  });

  it('answers 409 to closing a day twice, and the first close stands unchanged', async () => {
    const market = await login('market@choso.test');
    const account = (await env.DB.prepare("SELECT bank_account_no FROM organizations WHERE id = 'org_market_board'").first<{
      bank_account_no: string;
    }>())!.bank_account_no;
    const yesterday = vietnamDate(new Date(Date.now() - 86_400_000));
    const close = () => api(`/api/v1/reconciliation/days/${yesterday}/close`, jsonRequest('POST', { accountNumber: account }, market));
    const first = await (await close()).json<{ closedAt: string }>();
    await expectError(await close(), 409, 'day_closed');
    const rows = await env.DB.prepare('SELECT closed_at FROM closed_days WHERE account_number = ?1 AND date = ?2')
      .bind(account, yesterday)
      .all();
    expect(rows.results).toEqual([{ closed_at: first.closedAt }]);
  });

  it('answers 409 to a refund above what is left, and writes no refund nor any refund event', async () => {
    const payment = await createPayment({ billCode: DEMO_BILLS.adminFee.code });
    await postBankNotice(noticeFor(payment));
    const commune = await staffOf('org_commune_office');
    const [refundsBefore, eventsBefore] = [await countRows('refunds'), await countRows('refund_events')];
    await expectError(
      await api(`/api/v1/payments/${payment.id}/refunds`, jsonRequest('POST', { amount: 50001, reason: 'Quá số tiền' }, commune)),
      409,
      'refund_exceeds_payment',
    );
    expect([await countRows('refunds'), await countRows('refund_events')]).toEqual([refundsBefore, eventsBefore]);
    expect((await getPayment(payment.id)).amountRefunded).toBe(0);
  });

  it('is never decided from meta.changes anywhere in the code', () => {
    const sources = import.meta.glob('../src/**/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    const readers = Object.entries(sources)
      .filter(([path, text]) => !path.endsWith('/db/sql.ts') && /\bmeta\.changes\b/.test(text))
      .map(([path]) => path);
    expect(readers).toEqual([]);
  });
});

async function countRows(table: 'payment_events' | 'refunds' | 'refund_events'): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

/** A staff account of an organization the seed has no staff for. */
async function staffOf(organizationId: string): Promise<string> {
  const email = `ketoan.${organizationId.replace(/_/g, '-')}@choso.test`;
  const { hashPassword } = await import('../src/domain/password');
  await env.DB.prepare(
    "INSERT INTO users (id, email, name, role, organization_id, password_hash) VALUES (?1, ?2, 'Kế toán', 'biller_staff', ?3, ?4) ON CONFLICT DO NOTHING",
  )
    .bind(`usr_${organizationId}`, email, organizationId, await hashPassword('demo1234'))
    .run();
  return login(email);
}
