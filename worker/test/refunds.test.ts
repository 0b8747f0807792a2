import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/domain/password';
import { api, expectError, jsonRequest, login, seedDemo } from './helpers';
import {
  createPayment,
  DEMO_BILLS,
  expectLedgerBalanced,
  getPayment,
  noticeFor,
  type PaymentJson,
  postBankNotice,
} from './payment-helpers';

let clerk: string; // biller@choso.test, staff of the school
let accountant: string; // a second staff member of the school
let market: string;

interface RefundJson {
  id: string;
  status: string;
  amount: number;
  requestedBy: string;
  approvedBy: string | null;
  sentBy: string | null;
}

const refund = (payment: PaymentJson, body: unknown, token: string) =>
  api(`/api/v1/payments/${payment.id}/refunds`, jsonRequest('POST', body, token));
const act = (payment: PaymentJson, refundId: string, action: string, token: string) =>
  api(`/api/v1/payments/${payment.id}/refunds/${refundId}/${action}`, jsonRequest('POST', {}, token));

async function paidTuition(): Promise<PaymentJson> {
  const payment = await createPayment({ billCode: DEMO_BILLS.tuitionAn.code });
  await postBankNotice(noticeFor(payment));
  expect((await getPayment(payment.id)).status).toBe('paid');
  return payment;
}

beforeAll(async () => {
  await seedDemo();
  await env.DB.prepare(
    "INSERT INTO users (id, email, name, role, organization_id, password_hash) VALUES ('usr_ketoan', 'ketoan@thcs.test', 'Kế toán trường', 'biller_staff', 'org_school_dinh_bang', ?1)",
  )
    .bind(await hashPassword('demo1234'))
    .run();
  [clerk, accountant, market] = await Promise.all([login('biller@choso.test'), login('ketoan@thcs.test'), login('market@choso.test')]);
});

describe('VietQR refunds: a bank transfer approved by a second person', () => {
  let payment: PaymentJson;

  beforeAll(async () => {
    payment = await paidTuition();
  });

  it('records the refund as awaiting approval; no money has moved yet', async () => {
    const res = await refund(payment, { amount: 100000, reason: 'Học sinh nghỉ học nửa tháng' }, clerk);
    expect(res.status).toBe(201);
    const created = await res.json<RefundJson>();
    expect(created).toMatchObject({ status: 'awaiting_approval', amount: 100000, approvedBy: null });
    expect(await getPayment(payment.id)).toMatchObject({ status: 'paid', amountRefunded: 100000 });
    expect((await expectLedgerBalanced(payment.id)).balances['payable:org_school_dinh_bang']).toBe(350000);
  });

  it('cannot be approved by the person who asked for it', async () => {
    const created = await (await refund(payment, { amount: 50000, reason: 'Hoàn tiền bán trú' }, clerk)).json<RefundJson>();
    await expectError(await act(payment, created.id, 'approve', clerk), 403, 'second_person_required');
    await expectError(await act(payment, created.id, 'sent', accountant), 409, 'refund_wrong_state');
    // Rejected: the reserved amount is free again.
    const rejected = await (await act(payment, created.id, 'reject', accountant)).json<RefundJson>();
    expect(rejected.status).toBe('rejected');
    expect((await getPayment(payment.id)).amountRefunded).toBe(100000);
  });

  it('is approved by a second person, then marked sent: the ledger and status follow', async () => {
    const { results } = await env.DB.prepare("SELECT id FROM refunds WHERE payment_id = ?1 AND status = 'awaiting_approval'")
      .bind(payment.id)
      .all<{ id: string }>();
    const refundId = results[0]!.id;
    const approved = await (await act(payment, refundId, 'approve', accountant)).json<RefundJson>();
    expect(approved).toMatchObject({ status: 'approved', approvedBy: 'usr_ketoan' });
    const sent = await (await act(payment, refundId, 'sent', clerk)).json<RefundJson>();
    expect(sent).toMatchObject({ status: 'sent', sentBy: 'usr_biller' });
    await expectError(await act(payment, refundId, 'sent', clerk), 409);
    expect(await getPayment(payment.id)).toMatchObject({ status: 'paid', amountRefunded: 100000 });
    const ledger = await expectLedgerBalanced(payment.id);
    expect(ledger.balances['payable:org_school_dinh_bang']).toBe(250000);
    expect(ledger.balances[`payer:${payment.id}`]).toBe(-250000);
  });

  it('never refunds more than was paid, even asked for at once', async () => {
    const left = 350000 - (await getPayment(payment.id)).amountRefunded;
    const attempts = await Promise.all(
      Array.from({ length: 4 }, () => refund(payment, { amount: left, reason: 'Hoàn phần còn lại' }, clerk)),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect((await getPayment(payment.id)).amountRefunded).toBe(350000);
    await expectError(await refund(payment, { amount: 1, reason: 'Thêm một đồng' }, clerk), 409, 'refund_exceeds_payment');
  });

  it("is refused to another organization's staff, and to unpaid payments", async () => {
    await expectError(await refund(payment, { amount: 1000, reason: 'Không phải của tôi' }, market), 404);
    const pending = await createPayment({ billCode: DEMO_BILLS.tuitionNgoc.code });
    await expectError(await refund(pending, { amount: 1000, reason: 'Chưa trả tiền' }, clerk), 409, 'not_refundable');
  });

  it.each([
    [{ amount: 0, reason: 'Không hợp lệ' }, 'amount'],
    [{ amount: 1.5, reason: 'Không hợp lệ' }, 'amount'],
    [{ amount: 1000 }, 'reason'],
  ])('rejects %j with 400', async (body, path) => {
    const error = await expectError(await refund(payment, body, clerk), 400, 'validation_failed');
    expect(error.error.details.map((d) => d.path)).toContain(path);
  });
});
