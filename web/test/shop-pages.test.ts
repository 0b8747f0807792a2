import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, jsonRequest, login, seedDemo } from '../../worker/test/helpers';

// The built storefront with real D1, as a browser with JavaScript off reads it.

async function page(path: string): Promise<{ status: number; html: string; headers: Headers }> {
  const res = await exports.default.fetch(new Request(`http://choso.test${path}`));
  return { status: res.status, html: await res.text(), headers: res.headers };
}

function text(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}

beforeAll(seedDemo);

describe('/du-lieu-mo', () => {
  it('lists the OCOP dataset with its downloads, licence and Vietnamese dictionary', async () => {
    const { status, html } = await page('/du-lieu-mo');
    expect(status).toBe(200);
    const body = text(html);
    expect(body).toContain('Danh mục sản phẩm OCOP đang bán trên Chợ Số');
    expect(body).toContain('Creative Commons Attribution 4.0 International (CC BY 4.0)');
    expect(body).toContain('Giá bán, tính bằng đồng (VND), số nguyên');
    expect(html).toContain('href="/api/v1/open-data/ocop-products.csv"');
    expect(html).toContain('href="/api/v1/open-data/ocop-products.json"');
  });

  it('carries schema.org Dataset metadata as JSON-LD', async () => {
    const { html } = await page('/du-lieu-mo');
    const block = html.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/)?.[1];
    expect(block).toBeDefined();
    const ld = JSON.parse(block!) as Record<string, unknown>;
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Dataset',
      name: 'Danh mục sản phẩm OCOP đang bán trên Chợ Số',
      license: 'https://creativecommons.org/licenses/by/4.0/',
      distribution: [
        { '@type': 'DataDownload', encodingFormat: 'text/csv', contentUrl: 'http://choso.test/api/v1/open-data/ocop-products.csv' },
        {
          '@type': 'DataDownload',
          encodingFormat: 'application/json',
          contentUrl: 'http://choso.test/api/v1/open-data/ocop-products.json',
        },
      ],
    });
  });
});

describe('/san-pham search with facets', () => {
  it('q=gốm shows facet counts for groups, stars, communes and price ranges as links', async () => {
    const { status, html } = await page(`/san-pham?q=${encodeURIComponent('gốm')}`);
    expect(status).toBe(200);
    const body = text(html);
    for (const title of ['Nhóm sản phẩm', 'Hạng OCOP', 'Xã, phường', 'Khoảng giá']) expect(body).toContain(title);
    expect(html).toMatch(/href="\/san-pham\?q=g%E1%BB%91m&amp;commune=[^"]+"/);
  });
});

describe('/tai-khoan', () => {
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
    return res.headers.get('Set-Cookie')!.match(/choso_session=[^;]+/)![0];
  }

  it("shows the shopper's order with its status, total and payment page link", async () => {
    const token = await login('shopper@choso.test');
    const created = await api(
      '/api/v1/orders',
      jsonRequest(
        'POST',
        {
          items: [{ productId: 'prd_banh_phu_the_dinh_bang', quantity: 2 }],
          buyer: { name: 'Nguyễn Văn An', phone: '0912345678', address: 'Số 1, phường Đình Bảng, Bắc Ninh' },
        },
        token,
      ),
    );
    expect(created.status).toBe(201);
    const order = await created.json<{ id: string; total: number }>();
    const cookie = await signIn('shopper@choso.test');
    const res = await exports.default.fetch(new Request('http://choso.test/tai-khoan', { headers: { Cookie: cookie } }));
    expect(res.status).toBe(200);
    const body = text(await res.text());
    expect(body).toContain('Đơn hàng của tôi');
    expect(body).toContain(`Đơn ${order.id} · Chờ thanh toán`);
    expect(body).toContain(`Tổng ${new Intl.NumberFormat('vi-VN').format(order.total)} ₫`);
  });
});
