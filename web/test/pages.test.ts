import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../worker/test/helpers';

// These run the built storefront worker (web/dist/server/entry.mjs, built by `npm test`)
// with real D1, and read the HTML a browser with JavaScript off would get.

async function page(path: string): Promise<{ status: number; html: string; headers: Headers }> {
  const res = await exports.default.fetch(new Request(`http://choso.test${path}`));
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** Text without tags, with entities that Astro escapes turned back. */
function text(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}

beforeAll(seedDemo);

describe('storefront pages are complete server-rendered HTML', () => {
  it('home: featured 5★ products and the six groups, in Vietnamese, with no script', async () => {
    const { status, html } = await page('/');
    expect(status).toBe(200);
    expect(html).toMatch(/<html lang="vi">/);
    const body = text(html);
    expect(body).toContain('Sản phẩm OCOP 5 sao');
    const featured = [...html.matchAll(/href="\/san-pham\/(prd_[a-z0-9_]+)"/g)].map((m) => m[1]!);
    expect(featured).toHaveLength(8);
    const { results } = await env.DB.prepare(`SELECT ocop_stars FROM products WHERE id IN (${featured.map(() => '?').join(', ')})`)
      .bind(...featured)
      .all<{ ocop_stars: number }>();
    expect(results.map((row) => row.ocop_stars)).toEqual(Array(8).fill(5));
    for (const group of [
      'Thực phẩm',
      'Đồ uống',
      'Thảo dược',
      'Vải và may mặc',
      'Thủ công mỹ nghệ và quà lưu niệm',
      'Dịch vụ du lịch nông thôn',
    ]) {
      expect(body).toContain(group);
    }
    expect(html).not.toMatch(/<script/);
    expect(html).toMatch(/<main id="main"/);
  });

  it('catalogue: search without accents finds the product, with price formatted in đồng', async () => {
    const { status, html } = await page('/san-pham?q=banh+phu+the');
    expect(status).toBe(200);
    const body = text(html);
    expect(body).toContain('Bánh phu thê Đình Bảng');
    expect(body).toContain('55.000 ₫');
    expect(html).toContain('href="/san-pham/prd_banh_phu_the_dinh_bang"');
  });

  it('catalogue: filters come from an HTML form with labels, and empty fields mean no filter', async () => {
    const { status, html } = await page('/san-pham?q=&category=handicrafts&minStars=&commune=&minPrice=&maxPrice=&sort=price_asc');
    expect(status).toBe(200);
    for (const id of ['f-q', 'f-category', 'f-stars', 'f-commune', 'f-min', 'f-max', 'f-sort']) {
      expect(html).toContain(`for="${id}"`);
    }
    expect(html).toMatch(/<option value="handicrafts" selected/);
    expect(text(html)).toContain('Gốm');
  });

  it('catalogue: the commune filter offers the communes with products on sale, in Vietnamese order, and keeps a chosen one', async () => {
    await env.DB.prepare(
      "INSERT INTO organizations (id, kind, name, commune, province) VALUES ('org_no_products_yet', 'household', 'Hộ Chưa Bán', 'Xã Chưa Có Hàng', 'Bắc Ninh')",
    ).run();
    const { html } = await page('/san-pham');
    const select = html.slice(html.indexOf('id="f-commune"'), html.indexOf('</select>', html.indexOf('id="f-commune"')));
    const options = [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    const onSale = await env.DB.prepare(
      `SELECT DISTINCT o.commune FROM products p JOIN organizations o ON o.id = p.seller_id
       WHERE p.status = 'active' AND p.hidden_at IS NULL AND o.commune IS NOT NULL`,
    ).all<{ commune: string }>();
    expect(options.slice(1)).toEqual(onSale.results.map((row) => row.commune).sort(new Intl.Collator('vi').compare));
    expect(options).not.toContain('Xã Chưa Có Hàng');
    const chosen = await page(`/san-pham?commune=${encodeURIComponent('Xã Chưa Có Hàng')}`);
    expect(chosen.status).toBe(200);
    expect(chosen.html).toMatch(/<option value="Xã Chưa Có Hàng" selected/);
  });

  it('catalogue: pages through links, with no JavaScript needed', async () => {
    const first = await page('/san-pham?sort=newest');
    const next = first.html.match(/href="(\/san-pham\?[^"]*cursor=[^"]+)"/);
    expect(next).not.toBeNull();
    const second = await page(next![1]!.replace(/&amp;/g, '&'));
    expect(second.status).toBe(200);
    const ids = (html: string) => [...html.matchAll(/href="\/san-pham\/(prd_[a-z0-9_]+)"/g)].map((m) => m[1]);
    const firstIds = new Set(ids(first.html));
    expect(firstIds.size).toBe(24);
    expect(ids(second.html).some((id) => firstIds.has(id))).toBe(false);
  });

  it('catalogue: a bad filter answers 400 with a message, not an error page', async () => {
    const { status, html } = await page('/san-pham?minStars=9');
    expect(status).toBe(400);
    expect(text(html)).toContain('Bộ lọc không hợp lệ');
  });

  it('product page: photo placeholder with a label, price, unit, stock, producer and the OCOP certificate', async () => {
    const { status, html, headers } = await page('/san-pham/prd_banh_phu_the_dinh_bang');
    expect(status).toBe(200);
    expect(headers.get('Cache-Control')).toContain('max-age');
    const body = text(html);
    expect(body).toContain('Bánh phu thê Đình Bảng');
    expect(body).toContain('55.000 ₫');
    expect(body).toContain('hộp 10 chiếc');
    expect(body).toContain('OCOP 5 sao');
    expect(body).toContain('Quốc gia');
    expect(body).toMatch(/Quyết định số \S+/);
    expect(html).toContain('href="/nha-san-xuat/org_dinh_bang_food"');
    expect(html).toMatch(/role="img" aria-label="Bánh phu thê Đình Bảng/);
  });

  it('product page: an expired certificate shows no star badge, but says it expired', async () => {
    const { status, html } = await page('/san-pham/prd_chum_sanh_phu_lang');
    expect(status).toBe(200);
    expect(html).not.toMatch(/class="ocop-badge/);
    expect(text(html)).toContain('Giấy chứng nhận đã hết hạn');
  });

  it('product page: unknown products and drafts answer 404', async () => {
    expect((await page('/san-pham/prd_nope')).status).toBe(404);
    const draft = await env.DB.prepare("SELECT id FROM products WHERE status = 'draft' LIMIT 1").first<{ id: string }>();
    expect((await page(`/san-pham/${draft!.id}`)).status).toBe(404);
  });

  it("seller page: the producer's profile and its products", async () => {
    const { status, html } = await page('/nha-san-xuat/org_dinh_bang_food');
    expect(status).toBe(200);
    const body = text(html);
    expect(body).toContain('Bánh phu thê Đình Bảng');
    expect(body).toContain('Từ Sơn');
  });

  it('sellers list: every producer', async () => {
    const { status, html } = await page('/nha-san-xuat');
    expect(status).toBe(200);
    expect([...html.matchAll(/href="\/nha-san-xuat\/org_/g)].length).toBeGreaterThanOrEqual(12);
  });

  it('API routes still answer through the storefront worker', async () => {
    const res = await exports.default.fetch(new Request('http://choso.test/api/v1/categories'));
    expect(res.status).toBe(200);
    expect((await res.json<{ items: unknown[] }>()).items).toHaveLength(6);
  });
});

describe('paying a bill from the storefront, without JavaScript', () => {
  it('looks a bill up by the code printed on it, with the payer name masked', async () => {
    const { status, html } = await page('/thanh-toan-hoa-don?ma=hp8a2-6dba5');
    expect(status).toBe(200);
    const body = text(html);
    expect(body).toContain('Học phí tháng 12/2026, lớp 8A');
    expect(body).toContain('350.000 ₫');
    expect(body).toContain('Nguyễn V** A**');
    expect(body).not.toContain('Nguyễn Văn An');
    expect(html).toMatch(/<form method="post"/);
  });

  it('says so when a code is mistyped', async () => {
    const { status, html } = await page('/thanh-toan-hoa-don?ma=HP8A2-6DBA6');
    expect(status).toBe(404);
    expect(text(html)).toContain('Mã hoá đơn không đúng');
  });

  it('starts a VietQR payment from the form and shows the QR, the amount, the account and the reference', async () => {
    const form = new URLSearchParams({ code: 'KQAHT25269', method: 'vietqr', key: crypto.randomUUID() });
    const res = await exports.default.fetch(
      new Request('http://choso.test/thanh-toan-hoa-don', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://choso.test' },
        body: form,
        redirect: 'manual',
      }),
    );
    expect(res.status).toBe(303);
    const location = res.headers.get('Location')!;
    expect(location).toMatch(/^\/thanh-toan\/pay_/);
    const payment = await page(location);
    expect(payment.status).toBe(200);
    const body = text(payment.html);
    expect(body).toContain('Thanh toán 300.000 ₫');
    expect(body).toContain('Đang chờ thanh toán');
    expect(body).toMatch(/Nội dung CS[2-9A-HJKMNP-Z]{8}/);
    expect(payment.html).toMatch(/<img src="\/api\/v1\/payments\/pay_[a-z0-9]+\/qr\.svg" width="300"/);
    // Only the live status is scripted; the rest is plain HTML.
    expect(payment.html).toMatch(/<astro-island[^>]*PaymentStatus/);
  });

  it('the receipt check page answers 404 until a payment is paid', async () => {
    const { results } = await env.DB.prepare("SELECT id FROM payments WHERE status = 'pending' LIMIT 1").all<{ id: string }>();
    const check = await page(`/bien-lai/${results[0]!.id}`);
    expect(check.status).toBe(404);
    expect(text(check.html)).toContain('Không tìm thấy biên lai');
  });
});

describe("the manager's area", () => {
  async function signIn(email: string): Promise<string> {
    const res = await exports.default.fetch(
      new Request('http://choso.test/dang-nhap', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://choso.test' },
        body: new URLSearchParams({ email, password: 'demo1234' }),
        redirect: 'manual',
      }),
    );
    expect(res.status).toBe(303);
    const cookie = res.headers.get('Set-Cookie')!.match(/choso_session=[^;]+/)![0];
    return cookie;
  }

  async function staffPage(path: string, cookie: string) {
    const res = await exports.default.fetch(new Request(`http://choso.test${path}`, { headers: { Cookie: cookie }, redirect: 'manual' }));
    return { status: res.status, html: await res.text(), location: res.headers.get('Location') };
  }

  it('sends a visitor who is not signed in to the sign-in page, and back afterwards', async () => {
    const res = await exports.default.fetch(new Request('http://choso.test/quan-ly/ngoai-le', { redirect: 'manual' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/dang-nhap?tiep=%2Fquan-ly%2Fngoai-le');
  });

  it('shows the market board its day, stalls with their QR codes, the exceptions queue and the report', async () => {
    const cookie = await signIn('market@choso.test');
    const overview = await staffPage('/quan-ly', cookie);
    expect(overview.status).toBe(200);
    expect(text(overview.html)).toContain('Tiền thu 30 ngày qua');
    expect(overview.html).toMatch(/<svg viewBox="0 0 360 200" role="img"/);
    const market = await staffPage('/quan-ly/cho/mkt_cho_chu', cookie);
    expect(market.status).toBe(200);
    expect(market.html).toContain('/api/v1/stalls/stl_chu_a01/qr.svg');
    expect(text(market.html)).toContain('Nguyễn Thị Hạnh');
    expect((await staffPage('/quan-ly/ngoai-le', cookie)).status).toBe(200);
    const report = await staffPage('/quan-ly/bao-cao', cookie);
    expect(text(report.html)).toContain('Ban quản lý chợ Chũ');
    expect(report.html).toContain('format=csv');
  });

  it('keeps shoppers out with a page that says so, not a bounce to the sign-in form (issue 9)', async () => {
    const cookie = await signIn('shopper@choso.test');
    const res = await staffPage('/quan-ly', cookie);
    expect(res.status).toBe(403);
    const { html } = res;
    expect(html).toContain('Trang này không dành cho tài khoản của bạn');
    expect(html).toContain('Trang này dành cho người bán, đơn vị thu, ban quản lý chợ và quản trị viên.');
    expect(html).toContain('href="/tai-khoan"');
  });
});
