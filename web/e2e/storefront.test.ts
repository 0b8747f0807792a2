import { expect, it } from 'vitest';
import { describeInBrowser, expectAccessible, newContext, PHONE, screenshot, TABLET, useBrowser, visit } from './browser';

// A shopper's first look, on a cheap phone and on a tablet: every public page loads, fits
// the screen, and has no serious accessibility problem.
describeInBrowser('the public storefront in a real browser', () => {
  const browser = useBrowser();

  for (const [device, viewport] of [
    ['phone', PHONE],
    ['tablet', TABLET],
  ] as const) {
    it(`home, catalogue, a product, producers and bill payment at ${viewport.width} px`, async () => {
      const context = await newContext(browser(), viewport);
      const page = await context.newPage();
      await visit(page, '/');
      await expect(page.getByRole('heading', { level: 1 })).toBeTruthy();
      await screenshot(page, `home-${device}`);

      await visit(page, '/san-pham?q=banh%20phu%20the');
      const firstProduct = page.locator('a[href^="/san-pham/prd_"]').first();
      expect(await firstProduct.textContent()).toMatch(/Bánh phu thê/i);
      await screenshot(page, `catalogue-${device}`);

      await firstProduct.click();
      await page.waitForURL(/\/san-pham\/prd_/);
      await expectAccessible(page);
      await screenshot(page, `product-${device}`);

      await visit(page, '/nha-san-xuat');
      await visit(page, '/thanh-toan-hoa-don');
      await screenshot(page, `pay-bill-${device}`);
      await context.close();
    });
  }
});
