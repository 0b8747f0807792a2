import { expect, it } from 'vitest';
import {
  describeInBrowser,
  expectAccessible,
  expectNoSidewaysScroll,
  newContext,
  screenshot,
  signIn,
  TABLET,
  useBrowser,
  visit,
} from './browser';

// A 1×1 red PNG: what a phone's camera would hand the file input, only smaller.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

describeInBrowser('seller workspace and admin onboarding, at 360 px', () => {
  const browser = useBrowser();

  it('a seller lists a product with a photo, and it shows in the public catalogue', async () => {
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, 'seller@choso.test');
    await visit(page, '/quan-ly/san-pham');
    await screenshot(page, 'sellerws-products-360');
    await page.getByRole('link', { name: 'Thêm sản phẩm' }).click();
    await expectAccessible(page);
    await page.getByLabel('Tên sản phẩm').fill('Lọ gốm men rạn Phù Lãng thử nghiệm');
    await page.getByLabel('Mô tả').fill('Lọ gốm nung củi, men rạn cổ.');
    await page.getByLabel('Nhóm sản phẩm').selectOption('handicrafts');
    await page.getByLabel('Giá (đồng)').fill('275000');
    await page.getByLabel('Đơn vị bán (ví dụ: hộp 500g, chiếc)').fill('chiếc');
    await page.getByLabel('Số lượng còn').fill('6');
    await page.getByLabel('Trạng thái').selectOption('active');
    await page.getByLabel('Hạng sao').selectOption('4');
    await page.getByLabel('Số quyết định công nhận').fill('1523/QĐ-UBND');
    await page.getByLabel('Ngày cấp', { exact: true }).fill('2025-06-15');
    await Promise.all([page.waitForURL(/da-luu=1/), page.getByRole('button', { name: 'Tạo sản phẩm' }).click()]);
    expect(await page.getByRole('status').first().textContent()).toBe('Đã lưu sản phẩm.');
    // Expiry left empty: 36 months after the issue date.
    expect(await page.getByLabel(/Ngày hết hạn/).inputValue()).toBe('2028-06-15');
    const productId = new URL(page.url()).pathname.split('/').at(-1)!;

    // The preview island has hydrated once Astro drops its ssr marker.
    await page.waitForSelector('astro-island:not([ssr])', { state: 'attached' });
    await page.getByLabel(/Ảnh mới/).setInputFiles({ name: 'lo-gom.png', mimeType: 'image/png', buffer: PNG });
    await page.waitForSelector('img.photo-preview');
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'sellerws-product-form-360');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Tải ảnh lên' }).click()]);
    await page.waitForSelector('text=Đã thêm ảnh.');
    const photo = page.getByRole('img', { name: 'Ảnh 1 của Lọ gốm men rạn Phù Lãng thử nghiệm' });
    const src = await photo.getAttribute('src');
    expect(src).toMatch(/^\/api\/v1\/media\/products\/.+\.png$/);
    await expectAccessible(page);

    const catalogue = await context.newPage();
    await visit(catalogue, `/san-pham?q=${encodeURIComponent('lo gom men ran')}`);
    expect(await catalogue.textContent('main')).toContain('Lọ gốm men rạn Phù Lãng thử nghiệm');
    await visit(catalogue, `/san-pham/${productId}`);
    expect(await catalogue.textContent('main')).toContain('275.000 ₫');
    expect(await catalogue.locator(`img[src="${src}"]`).count()).toBeGreaterThan(0);
    await context.close();
  });

  it('an admin creates an organization and a member; the member sets a password from the link and signs in', async () => {
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, 'admin@choso.test');
    await visit(page, '/quan-ly/to-chuc');
    await page.getByText('Thêm tổ chức mới').click();
    await page.getByLabel('Loại tổ chức').selectOption('cooperative');
    await page.getByLabel('Tên tổ chức').fill('HTX Mây tre đan Thử Nghiệm');
    await page.getByLabel('Xã, phường').fill('Tân Yên');
    await page.getByLabel(/Mã BIN/).fill('970405');
    await page.getByLabel('Số tài khoản').fill('2601205123456');
    await page.getByLabel('Tên chủ tài khoản').fill('HTX MAY TRE DAN THU NGHIEM');
    await screenshot(page, 'sellerws-organizations-360');
    await Promise.all([page.waitForURL(/\/quan-ly\/to-chuc\/org_/), page.getByRole('button', { name: 'Tạo tổ chức' }).click()]);
    await expectAccessible(page);
    expect(await page.textContent('main')).toContain('Agribank · 2601205123456');

    await page.getByLabel('Họ và tên').fill('Đỗ Thị Mai');
    await page.getByLabel('Email').fill('mai.e2e@example.vn');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Thêm và tạo liên kết' }).click()]);
    const link = await page.locator('#setup-link').getAttribute('href');
    expect(link).toMatch(/\/dat-mat-khau\?token=[A-Za-z0-9_-]{43}$/);
    expect(await page.textContent('main')).toContain('Chưa đặt mật khẩu');
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'sellerws-members-360');

    const member = await (await newContext(browser())).newPage();
    await visit(member, link!);
    await member.getByLabel('Mật khẩu mới').fill('mây tre đan Tân Yên');
    await member.getByLabel('Nhập lại mật khẩu').fill('mây tre đan Tân Yên');
    await Promise.all([member.waitForLoadState('load'), member.getByRole('button', { name: 'Đặt mật khẩu' }).click()]);
    expect(await member.getByRole('status').textContent()).toContain('Đã đặt mật khẩu cho mai.e2e@example.vn');
    // Single use: the same link now says so.
    await visit(member, link!, { status: 404 });
    expect(await member.getByRole('alert').textContent()).toContain('đã được dùng');
    await signIn(member, 'mai.e2e@example.vn', 'mây tre đan Tân Yên');
    expect(new URL(member.url()).pathname).toBe('/quan-ly');
    expect(await member.textContent('body')).toContain('HTX Mây tre đan Thử Nghiệm');
    await visit(member, '/quan-ly/san-pham');
    await context.close();
  });

  it('at 1024 px: an admin hides a product with a reason that its seller sees', async () => {
    const context = await newContext(browser(), TABLET);
    const page = await context.newPage();
    await signIn(page, 'seller@choso.test');
    await visit(page, '/quan-ly/san-pham');
    await screenshot(page, 'sellerws-products-1024');
    const admin = await (await newContext(browser(), TABLET)).newPage();
    await signIn(admin, 'admin@choso.test');
    // The admin hides the product the first test listed; its seller sees why, shoppers no longer see it.
    await visit(admin, `/quan-ly/kiem-duyet?q=${encodeURIComponent('lo gom men ran thu nghiem')}`);
    await admin.getByLabel('Lý do ẩn (người bán sẽ thấy)').first().fill('Thiếu ảnh thật của sản phẩm');
    await Promise.all([admin.waitForLoadState('load'), admin.getByRole('button', { name: 'Ẩn khỏi cửa hàng' }).first().click()]);
    expect(await admin.getByRole('status').textContent()).toBe('Đã ẩn “Lọ gốm men rạn Phù Lãng thử nghiệm” khỏi cửa hàng.');
    await expectAccessible(admin);
    await screenshot(admin, 'sellerws-moderation-1024');
    await visit(page, '/quan-ly/san-pham?status=hidden');
    expect(await page.textContent('main')).toContain('Lý do: Thiếu ảnh thật của sản phẩm');
    await screenshot(page, 'sellerws-products-hidden-1024');
    const shopper = await (await newContext(browser())).newPage();
    await visit(shopper, `/san-pham?q=${encodeURIComponent('lo gom men ran thu nghiem')}`);
    expect(await shopper.textContent('main')).not.toContain('Lọ gốm men rạn Phù Lãng thử nghiệm');
    await Promise.all([
      admin.waitForLoadState('load'),
      admin.getByRole('button', { name: 'Hiện lại Lọ gốm men rạn Phù Lãng thử nghiệm' }).click(),
    ]);
    await visit(admin, '/dang-ky');
    await context.close();
  });

  it('a shopper registers at /dang-ky and lands on /tai-khoan', async () => {
    const context = await newContext(browser());
    const page = await context.newPage();
    await visit(page, '/dang-ky');
    await page.getByLabel('Họ và tên').fill('Vũ Văn Nam');
    await page.getByLabel('Email').fill('nam.e2e@example.vn');
    await page.getByLabel('Mật khẩu').fill('12345678');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Đăng ký' }).click()]);
    expect(await page.locator('#password-error').textContent()).toContain('12345678');
    await expectAccessible(page);
    await screenshot(page, 'sellerws-register-360');
    await page.getByLabel('Mật khẩu').fill('chè Thái Nguyên ngon');
    await Promise.all([page.waitForURL(/\/tai-khoan/), page.getByRole('button', { name: 'Đăng ký' }).click()]);
    expect(await page.textContent('body')).toContain('Vũ Văn Nam');
    await context.close();
  });
});
