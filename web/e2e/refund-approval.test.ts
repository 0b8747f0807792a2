import { expect, it } from 'vitest';
import {
  apiToken,
  baseUrl,
  describeInBrowser,
  newContext,
  notifyBankCredit,
  PHONE,
  screenshot,
  signIn,
  useBrowser,
  visit,
} from './browser';

// A refund by bank transfer needs two people, at 360 px: the school's clerk (biller@) asks
// for it, the accountant (ketoan@) approves it and marks the transfer sent; the clerk's own
// page says they cannot approve it. The bill, its payment and the refund are made here.
const CLERK = 'biller@choso.test';
const ACCOUNTANT = 'ketoan@choso.test';
const AMOUNT = 415_000;
const REFUND = 123_000;
const REASON = `Phụ huynh nộp thừa tiền học thêm (kiểm thử ${Date.now().toString(36)})`;

async function call(token: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl()}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describeInBrowser('two people for a refund by bank transfer', () => {
  const browser = useBrowser();
  let billId = '';
  let refundId = '';

  it('the clerk asks for a refund of a paid bill and cannot approve it', async () => {
    const clerk = await apiToken(CLERK);
    const bill = await call(clerk, '/api/v1/bills', {
      type: 'tuition',
      payerName: 'Lê Minh Khang',
      payerRef: 'E2E-HOAN-01',
      description: 'Học thêm tháng 12/2026',
      amount: AMOUNT,
      dueDate: '2026-12-20',
    });
    expect(bill.status).toBe(201);
    billId = String(bill.body.id);
    const payment = await call(
      clerk,
      '/api/v1/payments',
      { billCode: bill.body.code, method: 'vietqr' },
      { 'Idempotency-Key': crypto.randomUUID() },
    );
    expect(payment.status).toBe(201);
    const { id: paymentId, reference, payee } = payment.body as { id: string; reference: string; payee: { accountNumber: string } };
    const credit = await notifyBankCredit({
      transactionId: `E2E-HOAN-${Date.now()}`,
      accountNumber: payee.accountNumber,
      amount: AMOUNT,
      description: `MBVCB.1234.${reference} hoc them`,
    });
    expect(credit.status).toBe(200);
    const refund = await call(clerk, `/api/v1/payments/${paymentId}/refunds`, { amount: REFUND, reason: REASON });
    expect(refund.status).toBe(201);
    expect(refund.body.status).toBe('awaiting_approval');
    refundId = String(refund.body.id);
    // The API refuses the clerk too, whatever the page shows.
    expect((await call(clerk, `/api/v1/refund-approvals/${refundId}/approve`, {})).status).toBe(403);

    const context = await newContext(browser(), PHONE);
    const page = await context.newPage();
    await signIn(page, CLERK);
    await visit(page, '/quan-ly/duyet-hoan-tien');
    const item = page.locator('li.approval', { hasText: REASON });
    await expect(item.textContent()).resolves.toContain('(bạn)');
    await expect(item.textContent()).resolves.toContain('Bạn đã tạo lệnh này nên không thể tự duyệt hay từ chối');
    expect(await item.getByRole('button', { name: /Duyệt hoàn/ }).count()).toBe(0);
    await screenshot(page, 'refund-approval-own-360');
    await context.close();
  });

  it('the accountant sees it with its reason, approves it and marks the transfer sent', async () => {
    const context = await newContext(browser(), PHONE);
    const page = await context.newPage();
    await signIn(page, ACCOUNTANT);
    await visit(page, '/quan-ly/duyet-hoan-tien');
    const waiting = page.locator('li.approval', { hasText: REASON });
    const text = (await waiting.textContent()) ?? '';
    expect(text).toContain('123.000 ₫');
    expect(text).toContain('Lê Thị Hồng Nhung');
    // It names what the money paid for, not only a payment reference.
    expect(text).toContain('Hoàn tiền Học thêm tháng 12/2026 của Lê Minh Khang (hoá đơn');
    await screenshot(page, 'refund-approval-waiting-360');
    await Promise.all([page.waitForLoadState('load'), waiting.getByRole('button', { name: 'Duyệt hoàn 123.000 ₫' }).click()]);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Đã duyệt lệnh hoàn tiền');
    await visit(page, '/quan-ly/duyet-hoan-tien');
    const toSend = page.locator('section[aria-labelledby="send-heading"] li.approval', { hasText: REASON });
    await expect(toSend.textContent()).resolves.toContain('Phạm Thu Trang');
    await Promise.all([page.waitForLoadState('load'), toSend.getByRole('button', { name: 'Đã chuyển khoản trả 123.000 ₫' }).click()]);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Đã ghi nhận: tiền đã được chuyển trả.');
    expect(await page.locator('li.approval', { hasText: REASON }).count()).toBe(0);

    // The bill's page now shows the refund as sent, beside the payment it came from.
    await visit(page, `/quan-ly/hoa-don/${billId}`);
    const refunds = (await page.locator('section[aria-labelledby="refunds-heading"]').textContent()) ?? '';
    expect(refunds).toContain(REASON);
    expect(refunds).toContain('Đã chuyển');
    expect(await page.locator('section[aria-labelledby="payments-heading"]').textContent()).toContain('Đã hoàn 123.000 ₫');
    await screenshot(page, 'refund-approval-bill-360');
    await context.close();
  });
});
