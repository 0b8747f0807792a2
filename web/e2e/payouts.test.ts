import { expect, it } from 'vitest';
import { describeInBrowser, newContext, PHONE, screenshot, signIn, TABLET, useBrowser, visit } from './browser';

// A payout run end to end, at 360 px: one admin makes the run, a second admin approves it, the
// platform account's statement with the debit confirms it, and the seller sees it paid. The dev
// seed's order of HTX Rượu làng Vân (seller3@), delivered on 20/11/2026, is what it pays.
const PLATFORM_ACCOUNT = '12010009998888';
const SELLER = 'seller3@choso.test';

const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const ddmmyyyy = (iso: string) => iso.split('-').reverse().join('/');

describeInBrowser('paying a seller', () => {
  const browser = useBrowser();
  let reference = '';

  it('a seller sees money available for the next payout run', async () => {
    const context = await newContext(browser(), PHONE);
    const page = await context.newPage();
    await signIn(page, SELLER);
    await visit(page, '/quan-ly/doanh-thu');
    expect(await page.textContent('main')).toContain('Có thể chi trả1.300.000 ₫');
    await context.close();
  });

  it('an admin makes the run and a second admin approves it', async () => {
    const maker = await newContext(browser(), PHONE);
    const page = await maker.newPage();
    await signIn(page, 'admin@choso.test');
    await visit(page, '/quan-ly/chi-tra');
    await page.getByRole('button', { name: 'Tạo đợt chi trả' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toContain(`Đợt chi trả chốt ngày ${ddmmyyyy(today())}`);
    expect(await page.textContent('main')).toContain('Bạn tạo đợt này: cần một quản trị viên khác duyệt.');
    await screenshot(page, 'payouts-run-created-360');
    await maker.close();

    const checker = await newContext(browser(), PHONE);
    const second = await checker.newPage();
    await signIn(second, 'admin2@choso.test');
    await visit(second, '/quan-ly/chi-tra');
    await second.getByRole('button', { name: `Duyệt đợt chốt ngày ${ddmmyyyy(today())}` }).click();
    await second.waitForLoadState();
    expect(await second.getByRole('status').textContent()).toContain('Đã duyệt đợt chi trả');
    const download = second.getByRole('link', { name: `Tải tệp chuyển tiền đợt ${ddmmyyyy(today())}` });
    const file = await second.request.get((await download.getAttribute('href'))!);
    expect(file.status()).toBe(200);
    // The run pays every seller with money available; this seller's row carries its own reference.
    const row = /^\d+,2504205067891,970405,Agribank,HTX RUOU LANG VAN,1300000,CHOSO (PO[2-9A-Z]{5})\r?$/m.exec(await file.text());
    reference = row?.[1] ?? '';
    expect(reference).toMatch(/^PO/);
    expect(await second.textContent('main')).toContain(`Mã chi trả ${reference}`);
    await screenshot(second, 'payouts-run-approved-360');
    await checker.close();
  });

  it('the statement with the debit confirms the payout, and the seller sees it paid', async () => {
    const context = await newContext(browser(), PHONE);
    const page = await context.newPage();
    await signIn(page, 'admin@choso.test');
    await visit(page, '/quan-ly/sao-ke');
    await page.getByLabel('Số tài khoản nhận tiền').fill(PLATFORM_ACCOUNT);
    const csv = `bookedAt,amount,description,transactionId\n${ddmmyyyy(today())} 10:00,-1300000,IBFT CHOSO ${reference} HTX RUOU LANG VAN,E2E-DEBIT-1\n`;
    await page.getByLabel('Tệp sao kê').setInputFiles({ name: 'sao-ke.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Nhập sao kê' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('main')).toContain('Kết quả');
    await context.close();

    for (const [viewport, name] of [
      [PHONE, '360'],
      [TABLET, '1024'],
    ] as const) {
      const seller = await newContext(browser(), viewport);
      const sellerPage = await seller.newPage();
      await signIn(sellerPage, SELLER);
      await visit(sellerPage, '/quan-ly/doanh-thu');
      const main = (await sellerPage.textContent('main')) ?? '';
      expect(main).toContain(`Chi trả ${reference}`);
      expect(main).toContain('đã chuyển');
      expect(main).toContain('Đã nhận1.300.000 ₫');
      await screenshot(sellerPage, `payouts-seller-paid-${name}`);
      await seller.close();
    }

    // The admin's view of the paid run, on a tablet.
    const wide = await newContext(browser(), TABLET);
    const adminPage = await wide.newPage();
    await signIn(adminPage, 'admin2@choso.test');
    await visit(adminPage, '/quan-ly/chi-tra');
    expect(await adminPage.textContent('main')).toContain('đã chuyển');
    await screenshot(adminPage, 'payouts-run-paid-1024');
    await wide.close();
  });
});
