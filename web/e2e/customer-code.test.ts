import { expect, it } from 'vitest';
import {
  apiToken,
  baseUrl,
  describeInBrowser,
  expectAccessible,
  expectNoSidewaysScroll,
  newContext,
  notifyBankCredit,
  screenshot,
  signIn,
  useBrowser,
  visit,
} from './browser';

// A resident pays a water bill on the one phone they have: they choose the water company,
// type the customer code from last month's paper, pay by bank transfer with the content
// copied from the page, and come back to the bill for the receipt.
describeInBrowser('paying a water bill by customer code', () => {
  const browser = useBrowser();

  it('finds the bill by customer code, copies the transfer content, pays it and gets the receipt', async () => {
    // The water company issues this household's bill (its own data: a code no other test uses).
    const customerCode = `KH${String(Date.now()).slice(-7)}`;
    const water = await apiToken('water@choso.test');
    const issued = await fetch(`${baseUrl()}/api/v1/bills`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${water}`, 'Content-Type': 'application/json', Origin: baseUrl() },
      body: JSON.stringify({
        type: 'water',
        payerName: 'Phạm Thị Thu',
        payerRef: customerCode,
        description: 'Tiền nước tháng 11/2026 (14 m³)',
        amount: 187000,
        dueDate: '2026-12-20',
      }),
    });
    expect(issued.status).toBe(201);
    const bill = (await issued.json()) as { code: string; displayCode: string };

    const context = await newContext(browser());
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl() });
    const page = await context.newPage();
    await visit(page, '/thanh-toan-hoa-don');
    await page.getByLabel('Đơn vị thu').selectOption({ label: 'Công ty CP Nước sạch Bắc Ninh (Kinh Bắc)' });
    await page.getByRole('textbox', { name: 'Mã người nộp' }).fill(customerCode);
    await Promise.all([page.waitForURL(/ma-kh=/), page.getByRole('button', { name: 'Xem hoá đơn cần nộp' }).click()]);
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    const found = (await page.textContent('main')) ?? '';
    expect(found).toContain(`Công ty CP Nước sạch Bắc Ninh: 1 hoá đơn chưa thanh toán với mã khách hàng ${customerCode}, tổng 187.000 ₫.`);
    expect(found).toContain('Tiền nước: Tiền nước tháng 11/2026 (14 m³)');
    // The payer's name is masked: anyone can type a customer code.
    expect(found).toContain('Phạm T** T**');
    expect(found).not.toContain('Phạm Thị Thu');
    await screenshot(page, 'customer-code-found-360');

    await Promise.all([
      page.waitForURL(/\?ma=/),
      page.getByRole('link', { name: /^Thanh toán 187\.000\s₫\s?: tiền nước, Tiền nước tháng 11\/2026/ }).click(),
    ]);
    await Promise.all([page.waitForURL(/\/thanh-toan\/pay_/), page.getByRole('button', { name: 'Thanh toán 187.000 ₫' }).click()]);
    const paymentPath = new URL(page.url()).pathname;
    await visit(page, paymentPath);
    const pending = (await page.textContent('main')) ?? '';
    expect(pending).toContain('187.000 ₫');
    expect(pending).toContain('Công ty CP Nước sạch Bắc Ninh');

    const copy = page.getByRole('button', { name: 'Sao chép nội dung chuyển khoản' });
    await copy.click();
    // The island writes the clipboard, then says so: wait for it rather than read at once.
    await expect.poll(() => copy.textContent()).toBe('Đã sao chép');
    const content = await page.evaluate(() => navigator.clipboard.readText());
    expect(content).toMatch(/^[A-Z0-9]{6,}$/);
    await screenshot(page, 'customer-code-pay-360');

    // The resident pastes the content into their banking app; the bank's signed notification
    // arrives, with the content as banks mangle it around the pasted text.
    const payment = (await (await fetch(`${baseUrl()}${paymentPath.replace('/thanh-toan/', '/api/v1/payments/')}`)).json()) as {
      payee: { accountNumber: string };
    };
    const credit = await notifyBankCredit({
      transactionId: `FT-WATER-${Date.now()}`,
      accountNumber: payment.payee.accountNumber,
      amount: 187000,
      description: `MBVCB.9921.${content}.CT tu 0351000123456 PHAM THI THU toi 118000245671`,
    });
    expect(credit.status).toBe(200);

    // Back to the bill by its code, as on the paper: it is paid, with the receipt a tap away.
    await visit(page, `/thanh-toan-hoa-don?ma=${encodeURIComponent(bill.displayCode)}`);
    expect(await page.textContent('main')).toContain('Hoá đơn này đã được thanh toán.');
    await Promise.all([page.waitForURL(/\/receipt$/), page.getByRole('link', { name: 'Xem và in biên lai' }).click()]);
    const receipt = (await page.textContent('body')) ?? '';
    expect(receipt).toContain('BIÊN LAI THANH TOÁN');
    expect(receipt).toContain('187.000 ₫');
    expect(receipt).toContain('Phạm T** T**');
    expect(receipt).not.toContain(customerCode);
    await screenshot(page, 'customer-code-receipt-360');

    // And the customer code now shows nothing left to pay.
    await visit(page, `/thanh-toan-hoa-don?don-vi=org_water_bac_ninh&ma-kh=${customerCode}`);
    expect(await page.textContent('main')).toContain(
      `Công ty CP Nước sạch Bắc Ninh không có hoá đơn nào chưa thanh toán với mã khách hàng ${customerCode}.`,
    );
    await context.close();
  });
  it("the water company imports a month's electricity bills from a file of 1.500 rows on its phone", async () => {
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, 'water@choso.test');
    await visit(page, '/quan-ly/hoa-don/nhap');
    const prefix = `EL${String(Date.now()).slice(-6)}`;
    const rows = Array.from(
      { length: 1500 },
      (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')},Khách hàng số ${i + 1},Tiền điện tháng 11/2026,${200000 + i},20/12/2026`,
    );
    const csv = `payerRef,payerName,description,amount,dueDate\r\n${rows.join('\r\n')}\r\n`;
    expect(csv.length).toBeGreaterThan(64 * 1024); // above the limit of the other forms
    await page.getByLabel('Loại hoá đơn trong tệp').selectOption({ label: 'Tiền điện' });
    await page.getByLabel('Tệp hoá đơn').setInputFiles({ name: 'tien-dien-11.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Nhập hoá đơn' }).click()]);
    await expect(page.getByRole('status').textContent()).resolves.toContain('1500 dòng: tạo mới 1500 hoá đơn');
    await visit(page, `/quan-ly/hoa-don?q=${prefix}-0001`);
    expect(await page.locator('.bill-card').first().textContent()).toContain('Tiền điện');
    await context.close();
  });
});
