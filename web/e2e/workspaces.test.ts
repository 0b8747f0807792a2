import { expect, it } from 'vitest';
import { describeInBrowser, expectAccessible, newContext, screenshot, signIn, TABLET, useBrowser, visit } from './browser';

// Every role lands where its work is after signing in, and a page that is not for a role
// says so in Vietnamese instead of sending the person back to the sign-in form.
describeInBrowser('signing in lands each role in its own workspace', () => {
  const browser = useBrowser();

  it.each([
    ['seller@choso.test', '/quan-ly', 'người bán'],
    ['biller@choso.test', '/quan-ly', 'nhân viên đơn vị thu'],
    ['market@choso.test', '/quan-ly', 'ban quản lý chợ'],
    ['admin@choso.test', '/quan-ly', 'quản trị viên'],
    ['shopper@choso.test', '/tai-khoan', 'người mua'],
  ])('%s lands on %s as %s', async (email, landing, roleName) => {
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, email);
    expect(new URL(page.url()).pathname).toBe(landing);
    expect(await page.locator('main, body').first().textContent()).toContain(roleName);
    await expectAccessible(page);
    await screenshot(page, `landing-${email.split('@')[0]}`);
    await context.close();
  });

  it('a seller who opens the reconciliation pages is told whose pages they are (403), not bounced', async () => {
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, 'seller@choso.test');
    await visit(page, '/quan-ly/ngoai-le', { status: 403 });
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Trang này không dành cho tài khoản của bạn');
    expect(await page.textContent('main')).toContain('Trang này dành cho đơn vị thu và ban quản lý chợ.');
    await page.getByRole('link', { name: 'Về khu vực làm việc của bạn' }).click();
    expect(new URL(page.url()).pathname).toBe('/quan-ly');
    await context.close();
  });

  it('a visitor who is not signed in goes to the sign-in form and comes back to the page afterwards', async () => {
    const context = await newContext(browser(), TABLET);
    const page = await context.newPage();
    await page.goto('/quan-ly/bao-cao');
    expect(new URL(page.url()).pathname).toBe('/dang-nhap');
    await page.getByLabel('Email').fill('market@choso.test');
    await page.getByLabel('Mật khẩu').fill('demo1234');
    await Promise.all([page.waitForURL(/\/quan-ly\/bao-cao/), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
    await expectAccessible(page);
    await context.close();
  });
});
