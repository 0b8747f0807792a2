import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { newBillCode } from '../src/domain/codes';
import { api, bearer, expectError, login, seedDemo } from './helpers';
import { createPayment, insertOpenBill, noticeFor, postBankNotice } from './payment-helpers';

interface Report {
  ok: boolean;
  rules: Array<{ name: string; ok: boolean; breaks: Array<{ id: string; detail: string }> }>;
}

async function report(token: string): Promise<Report> {
  const res = await api('/api/v1/admin/integrity', bearer(token));
  expect(res.status).toBe(200);
  return res.json<Report>();
}

const broken = (r: Report) => Object.fromEntries(r.rules.filter((rule) => !rule.ok).map((rule) => [rule.name, rule.breaks]));

let admin: string;

beforeAll(async () => {
  await seedDemo();
  admin = await login('admin@choso.test');
});

describe('the integrity check (GET /api/v1/admin/integrity)', () => {
  it('finds the books sound after bills are paid, once, twice over and wrongly', async () => {
    for (const amount of [150000, 200000]) {
      const payment = await createPayment({ billCode: await insertOpenBill(newBillCode(), 'org_school_dinh_bang', amount) });
      const notice = noticeFor(payment);
      expect((await postBankNotice(notice)).status).toBe(200);
      // The same transfer again, and a second transfer for the paid bill: neither may count twice.
      expect((await postBankNotice(notice)).status).toBe(200);
      expect((await postBankNotice({ ...notice, transactionId: `${notice.transactionId}-again` })).status).toBe(200);
    }
    const sound = await report(admin);
    expect(broken(sound)).toEqual({});
    expect(sound.ok).toBe(true);
    expect(sound.rules.map((rule) => rule.name)).toEqual([
      'journal_balanced',
      'paid_bill_has_one_payment',
      'paid_order_has_one_payment',
      'paid_payment_has_money',
      'unpaid_payment_has_no_money',
      'matched_credit_paid_its_payment',
      'credit_applied_once',
      'exception_credit_is_in_a_queue',
    ]);
  });

  it('names what breaks: a journal that does not balance, a paid bill with no money behind it', async () => {
    const payment = await createPayment({ billCode: await insertOpenBill(newBillCode(), 'org_school_dinh_bang', 90000) });
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO ledger_lines (journal_id, payment_id, account, debit, credit, memo) VALUES ('jrn_broken', ?1, 'collection:stripe', 500, 0, 'test')",
      ).bind(payment.id),
      env.DB.prepare("UPDATE bills SET status = 'paid' WHERE id = (SELECT bill_id FROM payments WHERE id = ?1)").bind(payment.id),
    ]);
    const r = await report(admin);
    expect(r.ok).toBe(false);
    const breaks = broken(r);
    expect(breaks.journal_balanced).toEqual([{ id: 'jrn_broken', detail: 'Nợ 500 ≠ Có 0' }]);
    expect(breaks.paid_bill_has_one_payment).toHaveLength(1);
    expect(breaks.paid_bill_has_one_payment![0]!.detail).toBe('số khoản đã thu: 0');
    expect(breaks.unpaid_payment_has_no_money).toEqual([{ id: payment.id, detail: 'trạng thái pending có 1 dòng sổ cái' }]);
  });

  it('is for admins only', async () => {
    await expectError(await api('/api/v1/admin/integrity'), 401);
    await expectError(await api('/api/v1/admin/integrity', bearer(await login('market@choso.test'))), 403);
    await expectError(await api('/api/v1/admin/integrity', bearer(await login('seller@choso.test'))), 403);
  });
});
