import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { baseUrl, describeInBrowser, newContext, notifyBankCredit, screenshot, signIn, TABLET, useBrowser, visit } from './browser';

// A shopper buys from two sellers and pays by bank transfer; each seller works its part of
// the order in its workspace at 360 px; the buyer follows both on the order's page.
describeInBrowser('fulfilment: two sellers, one order', () => {
  const browser = useBrowser();

  async function api<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${baseUrl()}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
    return (await res.json()) as T;
  }

  /** The card of one sub-order on the seller's orders page. */
  const card = (page: Page, subOrderId: string) =>
    page.locator('li.sub-order').filter({ has: page.getByRole('heading', { name: `Đơn ${subOrderId}`, exact: true }) });

  async function press(page: Page, subOrderId: string, button: string) {
    await Promise.all([
      page.waitForURL(/\/quan-ly\/don-hang/),
      card(page, subOrderId)
        .getByRole('button', { name: `${button} ${subOrderId}` })
        .click(),
    ]);
    await page.waitForLoadState('load');
  }

  it('each seller confirms, ships and delivers (or cancels with a refund); the buyer sees every status', async () => {
    // The shopper checks out a vase (HTX Gốm Phù Lãng) and two boxes of cake (Đình Bảng), then pays by transfer.
    const order = await api<{ id: string; accessToken: string; subOrders: Array<{ id: string; sellerId: string }> }>('/api/v1/orders', {
      items: [
        { productId: 'prd_binh_gom_men_da_luon_phu_lang', quantity: 1 },
        { productId: 'prd_banh_phu_the_dinh_bang', quantity: 2 },
      ],
      buyer: { name: 'Phạm Thị Lan', phone: '0912000111', address: 'Số 3 Lý Thái Tổ, phường Suối Hoa, Bắc Ninh' },
    });
    const pottery = order.subOrders.find((s) => s.sellerId === 'org_htx_phu_lang')!.id;
    const food = order.subOrders.find((s) => s.sellerId === 'org_dinh_bang_food')!.id;
    const payment = await api<{ id: string; reference: string; amount: number; payee: { accountNumber: string } }>(
      '/api/v1/payments',
      { orderId: order.id, orderToken: order.accessToken, method: 'vietqr' },
      { 'Idempotency-Key': crypto.randomUUID() },
    );
    expect(payment.amount).toBe(960000);
    const credit = await notifyBankCredit({
      transactionId: `FT${Date.now()}`,
      accountNumber: payment.payee.accountNumber,
      amount: payment.amount,
      description: `MBVCB.1234.${payment.reference} thanh toan don hang`,
    });
    expect(credit.status).toBe(200);

    const buyer = await (await newContext(browser())).newPage();
    await visit(buyer, `/thanh-toan/${payment.id}`);
    expect(await buyer.locator('.sub-order .status-badge').allTextContents()).toEqual([
      'Đã thanh toán, chờ người bán xác nhận',
      'Đã thanh toán, chờ người bán xác nhận',
    ]);

    // The potter confirms, ships with GHN and a tracking number, then marks it delivered.
    const potter = await (await newContext(browser())).newPage();
    await signIn(potter, 'seller@choso.test');
    await visit(potter, '/quan-ly/don-hang');
    await press(potter, pottery, 'Xác nhận đơn');
    await expect(potter.getByRole('status').textContent()).resolves.toContain('Người bán đã xác nhận');
    await card(potter, pottery).getByLabel('Đơn vị vận chuyển').selectOption('ghn');
    await card(potter, pottery).getByLabel('Mã vận đơn (không cần nếu tự giao)').fill('GHN5KD7700123');
    await press(potter, pottery, 'Đã gửi hàng đơn');
    await expect(card(potter, pottery).textContent()).resolves.toContain('Giao Hàng Nhanh (GHN), mã vận đơn GHN5KD7700123');
    await screenshot(potter, 'fulfil-seller-orders-360');
    await visit(potter, `/quan-ly/don-hang/${pottery}/phieu`);
    const slip = await potter.textContent('main');
    for (const text of [
      'Phạm Thị Lan',
      '0912000111',
      'Số 3 Lý Thái Tổ',
      'Bình gốm men da lươn Phù Lãng',
      '1 chiếc (cao 45cm)',
      'HTX Gốm Phù Lãng',
    ])
      expect(slip).toContain(text);
    await screenshot(potter, 'fulfil-packing-slip-360');
    await visit(potter, '/quan-ly/don-hang?trang-thai=shipped');
    await press(potter, pottery, 'Đã giao xong đơn');

    // The baker confirms, then finds the oven broken and cancels with a reason: the buyer's money goes back.
    const baker = await (await newContext(browser())).newPage();
    await signIn(baker, 'seller2@choso.test');
    await visit(baker, '/quan-ly/don-hang');
    await press(baker, food, 'Xác nhận đơn');
    await card(baker, food).locator('summary').click();
    await card(baker, food).getByLabel('Lý do huỷ (người mua sẽ đọc)').fill('Lò bánh hỏng, không kịp làm');
    await press(baker, food, 'Huỷ đơn');
    await expect(baker.getByRole('status').textContent()).resolves.toContain('Đã huỷ');

    await visit(buyer, `/thanh-toan/${payment.id}`);
    const seen = await buyer.locator('.sub-order').allTextContents();
    expect(seen[0]).toContain('Đã giao hàng');
    expect(seen[0]).toContain('Giao Hàng Nhanh (GHN)');
    expect(seen[0]).toContain('GHN5KD7700123');
    expect(seen[1]).toContain('Đã huỷ');
    expect(seen[1]).toContain('Lò bánh hỏng, không kịp làm');
    expect(seen[1]).toMatch(/Hoàn tiền\s*110\.000\s₫ \(chờ duyệt\)/);
    await screenshot(buyer, 'fulfil-buyer-order-360');

    // The same pages on a larger screen.
    const wide = await (await newContext(browser(), TABLET)).newPage();
    await signIn(wide, 'seller@choso.test');
    await visit(wide, '/quan-ly/don-hang');
    await screenshot(wide, 'fulfil-seller-orders-1024');
    await visit(wide, `/quan-ly/don-hang/${pottery}/phieu`);
    await screenshot(wide, 'fulfil-packing-slip-1024');
    for (const page of [buyer, potter, baker, wide]) await page.context().close();
    // Four browsers and a dozen pages with axe on each: on a shared 2-core machine this takes a minute or more.
  }, 240_000);
});
