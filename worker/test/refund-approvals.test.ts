import { beforeAll, describe, expect, it } from 'vitest';
import { api, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, DEMO_BILLS, getPayment, noticeFor, type PaymentJson, postBankNotice } from './payment-helpers';

let clerk: string; // biller@choso.test asks for refunds
let accountant: string; // ketoan@choso.test (seed/approvers.ts) approves them
let market: string;

interface ApprovalJson {
  id: string;
  paymentReference: string | null;
  amount: number;
  reason: string;
  status: 'awaiting_approval' | 'approved';
  requestedByName: string | null;
  approvedByName: string | null;
  requestedByMe: boolean;
}

const queue = async (token: string) => {
  const res = await api('/api/v1/refund-approvals', { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json<{ items: ApprovalJson[] }>()).items;
};
const act = (id: string, action: string, token: string) => api(`/api/v1/refund-approvals/${id}/${action}`, jsonRequest('POST', {}, token));

async function refundRequested(billCode: string, amount: number, reason: string): Promise<{ payment: PaymentJson; refundId: string }> {
  const payment = await createPayment({ billCode });
  await postBankNotice(noticeFor(payment));
  expect((await getPayment(payment.id)).status).toBe('paid');
  const res = await api(`/api/v1/payments/${payment.id}/refunds`, jsonRequest('POST', { amount, reason }, clerk));
  expect(res.status).toBe(201);
  return { payment, refundId: (await res.json<{ id: string }>()).id };
}

beforeAll(async () => {
  await seedDemo();
  [clerk, accountant, market] = await Promise.all([login('biller@choso.test'), login('ketoan@choso.test'), login('market@choso.test')]);
});

describe('GET /api/v1/refund-approvals and the second person', () => {
  let refundId: string;
  let reference: string;
  beforeAll(async () => {
    const made = await refundRequested(DEMO_BILLS.tuitionNgoc.code, 80000, 'Học sinh chuyển trường giữa kỳ');
    refundId = made.refundId;
    reference = made.payment.reference;
  });

  it('shows the accountant the refund with its reason and who asked', async () => {
    const item = (await queue(accountant)).find((refund) => refund.id === refundId);
    expect(item).toMatchObject({
      paymentReference: reference,
      // What the money was for, so the second person can weigh the reason against it.
      paidFor: {
        billCode: DEMO_BILLS.tuitionNgoc.code,
        description: 'Tiền ăn bán trú tháng 12/2026, lớp 8C',
        payerName: 'Trần Thị Bích Ngọc',
      },
      amount: 80000,
      reason: 'Học sinh chuyển trường giữa kỳ',
      status: 'awaiting_approval',
      requestedByName: 'Lê Thị Hồng Nhung',
      requestedByMe: false,
    });
  });

  it('tells the requester it is theirs, and the server refuses their approval', async () => {
    expect((await queue(clerk)).find((refund) => refund.id === refundId)?.requestedByMe).toBe(true);
    await expectError(await act(refundId, 'approve', clerk), 403, 'second_person_required');
  });

  it("hides it from another organization's staff", async () => {
    expect((await queue(market)).some((refund) => refund.id === refundId)).toBe(false);
    await expectError(await act(refundId, 'approve', market), 404, 'refund_not_found');
  });

  it('approves, then the transfer is marked sent and the refund leaves the queue', async () => {
    const approved = await act(refundId, 'approve', accountant);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ id: refundId, status: 'approved' });
    expect((await queue(clerk)).find((refund) => refund.id === refundId)).toMatchObject({
      status: 'approved',
      approvedByName: 'Phạm Thu Trang',
    });
    expect(await (await act(refundId, 'sent', clerk)).json()).toEqual({ id: refundId, status: 'sent' });
    expect((await queue(accountant)).some((refund) => refund.id === refundId)).toBe(false);
    await expectError(await act(refundId, 'sent', clerk), 409, 'refund_wrong_state');
  });

  it('rejects, giving the reserved amount back to the payment', async () => {
    const made = await refundRequested(DEMO_BILLS.tuitionAn.code, 30000, 'Nhập nhầm số tiền');
    expect(await (await act(made.refundId, 'reject', accountant)).json()).toEqual({ id: made.refundId, status: 'rejected' });
    expect((await getPayment(made.payment.id)).amountRefunded).toBe(0);
  });

  it('needs a signed-in collector', async () => {
    await expectError(await api('/api/v1/refund-approvals'), 401);
  });
});
