import { expect, it } from 'vitest';
import { buildXlsx, excelSerial } from '../../worker/test/xlsx';
import { describeInBrowser, newContext, screenshot, signIn, TABLET, useBrowser, visit } from './browser';

// A school's staff issue a class's tuition from an Excel file and print the bills.
describeInBrowser('a school bills a class from a file and prints the bills', () => {
  const browser = useBrowser();

  it('imports a tuition file (xlsx) at 360 px, sees the result, and opens the print page', async () => {
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, 'biller@choso.test');
    await visit(page, '/quan-ly/hoa-don');
    await screenshot(page, 'billing-workspace-360');
    await visit(page, '/quan-ly/hoa-don/nhap');
    const xlsx = buildXlsx([
      {
        name: 'Lớp 6A',
        rows: [
          ['Mã học sinh', 'Họ tên', 'Lớp', 'Nội dung', 'Số tiền', 'Hạn nộp'],
          ['E2E-6A-01', 'Nguyễn Văn An', '6A', 'Học phí tháng 12/2026', { number: '350000' }, { date: excelSerial(2026, 11, 30) }],
          ['E2E-6A-02', 'Trần Thị Bình', '6A', 'Học phí tháng 12/2026', { number: '350000' }, { date: excelSerial(2026, 11, 30) }],
        ],
      },
    ]);
    await page.getByLabel('Tệp hoá đơn').setInputFiles({
      name: 'hoc-phi-6a.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(xlsx),
    });
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Nhập hoá đơn' }).click()]);
    await expect(page.getByRole('status').textContent()).resolves.toContain('tạo mới 2 hoá đơn');
    await screenshot(page, 'billing-import-result-360');
    await visit(page, '/quan-ly/hoa-don?q=E2E-6A');
    expect(await page.locator('.bill-card').count()).toBe(2);
    await page.getByRole('link', { name: 'In các hoá đơn trên trang này (A5)' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('article.sheet').count()).toBe(2);
    const text = await page.textContent('main');
    expect(text).toContain('Ba trăm năm mươi nghìn đồng');
    expect(text).toContain('30/11/2026');
    await screenshot(page, 'billing-print-a5-360');
    await context.close();
  });

  it('shows the workspace and the A4 sheet at 1024 px', async () => {
    const context = await newContext(browser(), TABLET);
    const page = await context.newPage();
    await signIn(page, 'biller@choso.test');
    await visit(page, '/quan-ly/hoa-don');
    await screenshot(page, 'billing-workspace-1024');
    const ids = await page
      .locator('.bill-card a')
      .evaluateAll((links) => links.slice(0, 2).map((a) => (a as HTMLAnchorElement).pathname.split('/').pop()));
    await visit(page, `/quan-ly/hoa-don/in?layout=a4&ids=${ids.join(',')}`);
    await screenshot(page, 'billing-print-a4-1024');
    await context.close();
  });
});
