import { expect, it } from 'vitest';
import {
  apiToken,
  baseUrl,
  describeInBrowser,
  expectAccessible,
  expectNoSidewaysScroll,
  newContext,
  PHONE,
  screenshot,
  signIn,
  useBrowser,
  visit,
} from './browser';

// A statement too large to apply in the request (over 5.000 lines) goes through the queue:
// the manager lands on its progress page, which the island keeps up to date in place, and
// then sees its summary, at 360 px. Its lines are dated January 2025, before anything the
// other browser tests pay, so no payment of theirs counts as missing from it.
const LINES = 12_000;

/** Credits without a payment reference and with odd amounts, which no bill has: each an unmatched credit. */
function statementCsv(): string {
  const rows = ['bookedAt,amount,description,transactionId'];
  for (let i = 0; i < LINES; i++) {
    rows.push(`${String((i % 28) + 1).padStart(2, '0')}/01/2025 09:00,${1_001 + (i % 97) * 2},chuyen tien ${i},E2E-PROGRESS-${i}`);
  }
  return `${rows.join('\n')}\n`;
}

describeInBrowser('a large statement through the queue', () => {
  const browser = useBrowser();

  it('the manager sees its progress update in place, then its summary', async () => {
    const token = await apiToken('market@choso.test');
    const report = await fetch(`${baseUrl()}/api/v1/reports/daily`, { headers: { Authorization: `Bearer ${token}` } });
    const account = ((await report.json()) as { organizations: Array<{ accountNumber: string }> }).organizations[0]!.accountNumber;

    const context = await newContext(browser(), PHONE);
    const page = await context.newPage();
    await signIn(page, 'market@choso.test');
    await visit(page, '/quan-ly/sao-ke');
    await page.getByLabel('Số tài khoản nhận tiền').fill(account);
    await page
      .getByLabel('Tệp sao kê')
      .setInputFiles({ name: 'sao-ke-thang-1.csv', mimeType: 'text/csv', buffer: Buffer.from(statementCsv()) });
    await Promise.all([page.waitForURL(/\/quan-ly\/sao-ke\/stm_[0-9a-z]+$/), page.getByRole('button', { name: 'Nhập sao kê' }).click()]);
    await page.waitForLoadState();

    // The progress page, as served: the bar counts out of every line of the file.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sao kê đã nhập');
    const bar = page.getByRole('progressbar', { name: /Đã xử lý [\d.]+\/12\.000 dòng/ });
    expect(await bar.getAttribute('max')).toBe(String(LINES));
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'statement-progress-360');
    // Marks this document: if the page reloaded, the mark would be gone.
    await page.evaluate(() => {
      (window as unknown as { progressMark: string }).progressMark = 'same page';
    });

    await page.getByRole('heading', { name: 'Đã xong' }).waitFor({ timeout: 50_000 });
    expect(await page.evaluate(() => (window as unknown as { progressMark?: string }).progressMark)).toBe('same page');
    expect(await page.getByRole('status').textContent()).toBe('Đã xongĐã xử lý 12.000/12.000 dòng');
    expect(await bar.getAttribute('value')).toBe(String(LINES));
    const summary = page.getByRole('region', { name: 'Kết quả' });
    const row = async (name: string) => (await summary.getByRole('row', { name: new RegExp(`^${name}`) }).textContent())?.trim();
    expect(await row('Số dòng')).toBe('Số dòng12.000');
    expect(await row('Tiền vào')).toBe('Tiền vào12.000');
    expect(await row('Đã khớp')).toBe('Đã khớp0');
    expect(await row('Đã ghi nhận trước đó')).toBe('Đã ghi nhận trước đó0');
    expect(await row('Ngoại lệ: không có mã')).toBe('Ngoại lệ: không có mã12.000');
    // Kinds of exception the statement did not produce are not listed.
    await expect(summary.getByRole('row', { name: /^Ngoại lệ: thiếu trên sao kê/ }).count()).resolves.toBe(0);
    expect(await summary.getByRole('link', { name: 'Xem từng dòng tiền vào' }).count()).toBe(1);
    expect(await summary.getByRole('link', { name: 'Xử lý ngoại lệ' }).getAttribute('href')).toBe('/quan-ly/ngoai-le');
    await expectAccessible(page);
    await screenshot(page, 'statement-progress-done-360');

    // The finished page as served on a later visit: the same summary, accessible, fits 360 px.
    await visit(page, page.url());
    expect(await page.getByRole('status').textContent()).toBe('Đã xongĐã xử lý 12.000/12.000 dòng');
    expect(await page.locator('noscript').count()).toBe(0);
    await context.close();
  });
});
