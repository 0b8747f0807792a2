import { expect, it } from 'vitest';
import { baseUrl, describeInBrowser, newContext, notifyBankCredit, PHONE, screenshot, TABLET, useBrowser, visit } from './browser';

// A shopper buys from two sellers in one cart and pays once: with JavaScript on a phone (the
// product page's island adds without leaving the page), and with JavaScript off (a proxy
// browser's view), where every step is a plain form post.
const BANH = '/san-pham/prd_banh_phu_the_dinh_bang'; // 55.000 ₫ a box, Đình Bảng
const MI = '/san-pham/prd_mi_chu_nam_duong'; // 45.000 ₫, HTX Mì Chũ Thủ Dương

describeInBrowser('buying from two sellers in one cart', () => {
  const browser = useBrowser();

  it('with JavaScript, on a phone: add two products, check out, pay by VietQR', async () => {
    const context = await newContext(browser(), PHONE);
    const page = await context.newPage();
    await visit(page, BANH);
    await page.getByLabel('Số lượng (hộp 10 chiếc)').fill('2');
    await page.getByRole('button', { name: 'Thêm vào giỏ' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Đã thêm' }).textContent()).resolves.toContain(
      'Đã thêm Bánh phu thê Đình Bảng vào giỏ.',
    );
    expect(new URL(page.url()).pathname).toBe('/san-pham/prd_banh_phu_the_dinh_bang');
    await visit(page, MI);
    await page.getByRole('button', { name: 'Thêm vào giỏ' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã thêm' }).waitFor();

    await visit(page, '/gio-hang');
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('3 sản phẩm từ 2 người bán');
    for (const seller of ['Công ty TNHH Thực phẩm truyền thống Đình Bảng', 'HTX Mì Chũ Thủ Dương']) {
      await expect(page.getByRole('heading', { name: seller }).count()).resolves.toBe(1);
    }
    expect(main).toContain('Tạm tính: 155.000 ₫');
    await screenshot(page, 'cart-two-sellers-360');

    await page.getByLabel('Họ và tên').fill('Trần Thị Mai');
    await page.getByLabel('Số điện thoại').fill('0912345678');
    await page.getByLabel('Địa chỉ nhận hàng').fill('Số 5 đường Lý Thái Tổ, phường Suối Hoa, Bắc Ninh');
    await Promise.all([
      page.waitForURL(/\/thanh-toan\/pay_/),
      page.getByRole('button', { name: 'Đặt hàng và thanh toán 155.000 ₫' }).click(),
    ]);
    expect(await page.textContent('main')).toContain('155.000 ₫');
    await screenshot(page, 'cart-pay-by-vietqr-360');

    // The bank tells us the transfer arrived: one payment for both sellers' parts.
    const paymentId = new URL(page.url()).pathname.split('/').at(-1)!;
    const payment = (await (await fetch(`${baseUrl()}/api/v1/payments/${paymentId}`)).json()) as {
      reference: string;
      amount: number;
      payee: { accountNumber: string };
    };
    expect(payment.amount).toBe(155000);
    const credit = await notifyBankCredit({
      transactionId: `FT-CART-${Date.now()}`,
      accountNumber: payment.payee.accountNumber,
      amount: payment.amount,
      description: `MBVCB.8812.${payment.reference} thanh toan gio hang`,
    });
    expect(credit.status).toBe(200);
    await visit(page, `/thanh-toan/${paymentId}`);
    expect(await page.locator('.sub-order .status-badge').allTextContents()).toEqual([
      'Đã thanh toán, chờ người bán xác nhận',
      'Đã thanh toán, chờ người bán xác nhận',
    ]);
    await screenshot(page, 'cart-paid-360');

    // The cart is empty once the order is placed.
    await visit(page, '/gio-hang');
    expect(await page.textContent('main')).toContain('Giỏ hàng trống');
    await context.close();
  });

  it('without JavaScript, on a tablet: add, change the quantity, remove, check out', async () => {
    const context = await browser().newContext({ viewport: TABLET, locale: 'vi-VN', baseURL: baseUrl(), javaScriptEnabled: false });
    const page = await context.newPage();
    await visit(page, BANH);
    await Promise.all([page.waitForURL(/\/gio-hang\?da-them=/), page.getByRole('button', { name: 'Thêm vào giỏ' }).click()]);
    expect(await page.textContent('main')).toContain('Đã thêm Bánh phu thê Đình Bảng vào giỏ.');
    await visit(page, MI);
    await Promise.all([page.waitForURL(/\/gio-hang\?da-them=/), page.getByRole('button', { name: 'Thêm vào giỏ' }).click()]);
    expect(await page.textContent('main')).toContain('Tạm tính: 100.000 ₫');

    await page.getByLabel('Số lượng Mì Chũ Nam Dương', { exact: true }).fill('3');
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Cập nhật số lượng Mì Chũ Nam Dương' }).click()]);
    expect(await page.textContent('main')).toContain('Tạm tính: 190.000 ₫');
    expect(await page.textContent('main')).not.toContain('Đã thêm');
    await page.getByRole('button', { name: 'Bỏ Bánh phu thê Đình Bảng khỏi giỏ' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('main')).toContain('Tạm tính: 135.000 ₫');
    await screenshot(page, 'cart-no-js-1024');

    await page.getByLabel('Họ và tên').fill('Nguyễn Văn Bình');
    await page.getByLabel('Số điện thoại').fill('0987654321');
    await page.getByLabel('Địa chỉ nhận hàng').fill('Thôn Đông, xã Phù Lãng, Bắc Ninh');
    await Promise.all([
      page.waitForURL(/\/thanh-toan\/pay_/),
      page.getByRole('button', { name: 'Đặt hàng và thanh toán 135.000 ₫' }).click(),
    ]);
    expect(await page.textContent('main')).toContain('135.000 ₫');
    await context.close();
  });

  it('a phone number the order refuses is said on the cart page, and the cart stays', async () => {
    const context = await browser().newContext({ viewport: PHONE, locale: 'vi-VN', baseURL: baseUrl(), javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(BANH);
    await Promise.all([page.waitForURL(/\/gio-hang/), page.getByRole('button', { name: 'Thêm vào giỏ' }).click()]);
    // The browser's own check would stop this; a proxy browser may not have it, so post it as sent.
    const response = await page.request.post('/gio-hang', {
      form: { action: 'checkout', name: 'An', phone: '12', address: 'Bắc Ninh, Việt Nam', method: 'vietqr' },
      headers: { Origin: baseUrl() },
    });
    expect(response.status()).toBe(400);
    const html = await response.text();
    expect(html).toContain('Số điện thoại Việt Nam, ví dụ 0912345678');
    expect(html).toContain('Đặt hàng và thanh toán 55.000 ₫');
    await context.close();
  });
});
