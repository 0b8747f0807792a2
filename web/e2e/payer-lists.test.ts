import { expect, it } from 'vitest';
import { baseUrl, describeInBrowser, newContext, PHONE, screenshot, signIn, TABLET, useBrowser, visit } from './browser';

// A school keeps its list of students and bills a class for a month in one step, on a phone,
// with JavaScript off: every form posts and the page comes back with the result.
describeInBrowser('a school keeps its payer list and runs a month of bills', () => {
  const browser = useBrowser();

  it('adds a student, imports a class, starts a run and prints its bills at 360 px without JavaScript', async () => {
    const context = await browser().newContext({
      viewport: PHONE,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      baseURL: baseUrl(),
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await signIn(page, 'biller@choso.test');
    await visit(page, '/quan-ly/hoa-don/nguoi-nop');
    // The seeded classes 6A and 6B.
    expect(await page.textContent('main')).toContain('Nguyễn Minh Anh');
    expect(await page.getByRole('link', { name: 'Người nộp' }).getAttribute('aria-current')).toBe('page');

    await page.getByLabel('Mã học sinh', { exact: true }).fill('E2E-7C-01');
    await page.getByLabel('Họ tên', { exact: true }).fill('Hà Văn Đông');
    await page.getByLabel('Lớp/nhóm (không bắt buộc)').fill('7C');
    await page.getByLabel('Số tiền mỗi tháng, đồng (không bắt buộc)').fill('300.000');
    await Promise.all([page.waitForURL(/da-luu=/), page.getByRole('button', { name: 'Lưu người nộp' }).click()]);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Đã lưu người nộp E2E-7C-01');

    await page.getByLabel('Tệp danh sách người nộp').setInputFiles({
      name: 'lop-7c.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Mã học sinh,Họ tên,Lớp,Số tiền\r\nE2E-7C-02,Hà Thị Thu,7C,300000\r\nE2E-7C-03,Hà Minh Tâm,7C,300000\r\n'),
    });
    await Promise.all([page.waitForURL(/da-nhap=/), page.getByRole('button', { name: 'Nhập danh sách' }).click()]);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Đã nhập tệp: thêm 2 người nộp, cập nhật 0 người nộp đã có.');
    await visit(page, '/quan-ly/hoa-don/nguoi-nop?group=7C');
    expect(await page.locator('.payer-card').count()).toBe(3);
    await screenshot(page, 'payers-360');

    await visit(page, '/quan-ly/hoa-don/dot-thu');
    await page.getByLabel('Tháng', { exact: true }).selectOption({ label: 'tháng 1/2027' });
    await page.getByLabel('Lớp/nhóm').selectOption('7C');
    await Promise.all([page.waitForURL(/dot=/), page.getByRole('button', { name: 'Phát hành hoá đơn' }).click()]);
    await expect(page.getByRole('status').textContent()).resolves.toContain(
      'Đã phát hành: Học phí tháng 1/2027, lớp/nhóm 7C — 3 hoá đơn, 900.000 ₫.',
    );
    const card = page.locator('.run-card', { hasText: 'lớp/nhóm 7C' });
    await expect(card.textContent()).resolves.toContain('Đã thu 0/3 hoá đơn · 0 ₫ / 900.000 ₫');
    // Left empty, the due date is the 15th of the month chosen.
    await expect(card.textContent()).resolves.toContain('hạn 15/01/2027');
    await visit(page, page.url());
    await screenshot(page, 'bill-runs-360');

    await page.locator('.run-card', { hasText: 'lớp/nhóm 7C' }).getByRole('link', { name: 'In hoá đơn của đợt (A5)' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('article.sheet').count()).toBe(3);
    expect(await page.textContent('main')).toContain('Ba trăm nghìn đồng');
    await context.close();
    // Every page is visited twice with JavaScript off (axe runs in a scriptable twin).
  }, 150_000);

  it('shows the runs at 1024 px', async () => {
    const context = await newContext(browser(), TABLET);
    const page = await context.newPage();
    await signIn(page, 'biller@choso.test');
    await visit(page, '/quan-ly/hoa-don/dot-thu');
    await screenshot(page, 'bill-runs-1024');
    await visit(page, '/quan-ly/hoa-don/nguoi-nop');
    await screenshot(page, 'payers-1024');
    await context.close();
  });
});
