import { expect, it } from 'vitest';
import { apiToken, baseUrl, describeInBrowser, newContext, PHONE, screenshot, signIn, TABLET, useBrowser, visit } from './browser';

// Search, open data and the shopper's account at 360 px with JavaScript off (a proxy
// browser's view) and at 1024 px: accessible, no sideways scroll, and what a person reads.
describeInBrowser('search, open data and the shopper account', () => {
  const browser = useBrowser();

  it.each([
    ['phone', PHONE],
    ['tablet', TABLET],
  ] as const)('search results for "gốm" show facet counts as links (%s, no JavaScript)', async (name, viewport) => {
    const context = await browser().newContext({ viewport, locale: 'vi-VN', baseURL: baseUrl(), javaScriptEnabled: false });
    const page = await context.newPage();
    await visit(page, `/san-pham?q=${encodeURIComponent('gốm')}`);
    const facets = page.getByRole('navigation', { name: 'Thu hẹp kết quả' });
    for (const title of ['Nhóm sản phẩm', 'Hạng OCOP', 'Xã, phường', 'Khoảng giá']) {
      await expect(facets.getByRole('heading', { name: title }).count()).resolves.toBe(1);
    }
    await facets.getByRole('link', { name: /Từ 4 sao/ }).click();
    expect(new URL(page.url()).searchParams.get('minStars')).toBe('4');
    await visit(page, `/san-pham?q=${encodeURIComponent('gốm')}`);
    await screenshot(page, `shop-search-${name}`);
    await context.close();
  });

  it.each([
    ['phone', PHONE],
    ['tablet', TABLET],
  ] as const)('/du-lieu-mo lists the OCOP dataset with CSV and JSON downloads (%s)', async (name, viewport) => {
    const context = await newContext(browser(), viewport);
    const page = await context.newPage();
    await visit(page, '/du-lieu-mo');
    await expect(page.getByRole('link', { name: 'Tải CSV' }).getAttribute('href')).resolves.toBe('/api/v1/open-data/ocop-products.csv');
    await screenshot(page, `shop-open-data-${name}`);
    await context.close();
  });

  it('/tai-khoan after sign-in shows the order the shopper placed', async () => {
    const token = await apiToken('shopper@choso.test');
    const res = await fetch(`${baseUrl()}/api/v1/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({
        items: [{ productId: 'prd_banh_phu_the_dinh_bang', quantity: 1 }],
        buyer: { name: 'Nguyễn Văn An', phone: '0912345678', address: 'Số 1, phường Đình Bảng, Bắc Ninh' },
      }),
    });
    expect(res.status).toBe(201);
    const order = (await res.json()) as { id: string };
    for (const [name, viewport] of [
      ['phone', PHONE],
      ['tablet', TABLET],
    ] as const) {
      const context = await newContext(browser(), viewport);
      const page = await context.newPage();
      await signIn(page, 'shopper@choso.test');
      await visit(page, '/tai-khoan');
      expect(await page.textContent('main')).toContain(`Đơn ${order.id}`);
      await screenshot(page, `shop-account-${name}`);
      await context.close();
    }
  });
});
