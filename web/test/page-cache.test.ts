import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, jsonRequest, login, seedDemo } from '../../worker/test/helpers';

// Catalogue pages come from Cloudflare's cache for anonymous visitors, and a seller's edit
// is seen at once: the cache key moves with every catalogue change.
const ORIGIN = 'http://choso.test';
const PRODUCT = '/san-pham/prd_bo_am_chen_gom_phu_lang';

const page = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(new Request(`${ORIGIN}${path}`, { headers }));

/** The cache is written after the answer is sent (waitUntil): ask until it is there. */
async function untilCached(path: string): Promise<Response> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = await page(path);
    if (res.headers.get('X-Page-Cache') === 'HIT') return res;
    await res.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${path} never came from the cache`);
}

beforeAll(seedDemo);

describe('the catalogue page cache', () => {
  it('serves a product page from the cache, and a seller’s price change at once', async () => {
    const first = await page(PRODUCT);
    expect(first.headers.get('X-Page-Cache')).toBe('MISS');
    expect(first.headers.get('Cache-Control')).toBe('public, max-age=60, s-maxage=600, stale-while-revalidate=300');
    expect(await first.text()).toContain('480.000 ₫');
    expect(await (await untilCached(PRODUCT)).text()).toContain('480.000 ₫');

    const seller = await login('seller@choso.test');
    const changed = await api(`/api/v1/products/prd_bo_am_chen_gom_phu_lang`, jsonRequest('PATCH', { price: 495000 }, seller));
    expect(changed.status).toBe(200);

    const after = await page(PRODUCT);
    expect(after.headers.get('X-Page-Cache')).toBe('MISS');
    const html = await after.text();
    expect(html).toContain('495.000 ₫');
    expect(html).not.toContain('480.000 ₫');
  });

  it('the catalogue API answers anonymous reads from the cache too, never a signed-in seller’s', async () => {
    const path = '/api/v1/products?sellerId=org_htx_phu_lang&limit=5';
    const first = await page(path);
    expect(first.headers.get('X-Page-Cache')).toBe('MISS');
    expect(first.headers.get('Cache-Control')).toBe('public, max-age=60, s-maxage=600, stale-while-revalidate=300');
    const cached = await untilCached(path);
    const body = await cached.json<{ items: Array<{ id: string }> }>();
    expect(body.items.map((item) => item.id)).not.toContain('prd_lo_hoa_gom_dang_toi_phu_lang');
    // The seller's own list shows its drafts: it is never taken from, nor put into, the cache.
    const seller = await login('seller@choso.test');
    const own = await page(path, { Authorization: `Bearer ${seller}` });
    expect(own.headers.get('X-Page-Cache')).toBe('BYPASS');
    expect((await own.json<{ items: Array<{ id: string }> }>()).items.length).toBe(5);
  });

  it('a stock change from an order moves the key too', async () => {
    await untilCached('/san-pham?q=am%20chen');
    const order = await api(
      '/api/v1/orders',
      jsonRequest('POST', {
        items: [{ productId: 'prd_bo_am_chen_gom_phu_lang', quantity: 1 }],
        buyer: { name: 'Lê Văn Cường', phone: '0912345678', address: 'Thôn Đông, xã Phù Lãng' },
      }),
    );
    expect(order.status).toBe(201);
    expect((await page('/san-pham?q=am%20chen')).headers.get('X-Page-Cache')).toBe('MISS');
  });

  it('signed-in visitors bypass it, and their browser checks again every time', async () => {
    const signIn = await exports.default.fetch(
      new Request(`${ORIGIN}/dang-nhap`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, 'CF-Connecting-IP': '198.51.100.77' },
        body: new URLSearchParams({ email: 'seller@choso.test', password: 'demo1234' }),
        redirect: 'manual',
      }),
    );
    const cookie = signIn.headers.get('Set-Cookie')!.match(/choso_session=[^;]+/)![0];
    await untilCached('/nha-san-xuat');
    const res = await page('/nha-san-xuat', { Cookie: cookie });
    expect(res.headers.get('X-Page-Cache')).toBe('BYPASS');
    expect(res.headers.get('Cache-Control')).toBe('public, no-cache');
    await res.body?.cancel();
  });

  it('pages that are not the catalogue’s are never cached', async () => {
    for (const path of ['/gio-hang', '/thanh-toan-hoa-don', '/dang-nhap']) {
      const res = await page(path);
      expect(res.headers.get('X-Page-Cache'), path).toBeNull();
      await res.body?.cancel();
    }
  });
});
