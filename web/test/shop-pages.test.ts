import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../worker/test/helpers';

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
