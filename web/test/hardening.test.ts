import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../worker/test/helpers';

// Issue 7, items 12, 14, 17, 18, 20, on the built storefront worker (the one that ships).

const ORIGIN = 'http://choso.test';

function fetchPage(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));
}

async function signIn(email: string, address: string): Promise<string> {
  const res = await fetchPage('/dang-nhap', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, 'CF-Connecting-IP': address },
    body: new URLSearchParams({ email, password: 'demo1234' }),
  });
  expect(res.status).toBe(303);
  return res.headers.get('Set-Cookie')!.match(/choso_session=[^;]+/)![0];
}

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** The sources a policy allows for one directive, e.g. script-src. */
function directive(csp: string, name: string): string[] {
  const found = csp
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([key]) => key === name);
  return found ? found.slice(1) : [];
}

let paymentId: string;
let marketCookie: string;

beforeAll(async () => {
  await seedDemo();
  marketCookie = await signIn('market@choso.test', '198.51.100.90');
  const form = new URLSearchParams({ code: 'KQAHT25269', method: 'vietqr', key: crypto.randomUUID() });
  const res = await fetchPage('/thanh-toan-hoa-don', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN },
    body: form,
  });
  paymentId = res.headers.get('Location')!.split('/').pop()!;
});

describe('every page sends security headers (item 17)', () => {
  const pages = [
    '/',
    '/san-pham',
    '/san-pham/prd_banh_phu_the_dinh_bang',
    '/nha-san-xuat',
    '/thanh-toan-hoa-don',
    '/dang-nhap',
    '/khong-co-trang-nay',
  ];

  it.each(pages)('%s: a policy that allows exactly its own inline styles and scripts, framing refused', async (path) => {
    const res = await fetchPage(path);
    expect(res.status).toBeLessThan(500);
    const csp = res.headers.get('Content-Security-Policy')!;
    expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(csp, 'default-src')).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('X-Frame-Options')).toBe('DENY');
    const html = await res.text();
    // Every inline <style> and <script> the page carries is allowed by its hash, so it still works.
    for (const [, body] of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) {
      expect(directive(csp, 'style-src')).toContain(`'sha256-${await sha256Base64(body!)}'`);
    }
    for (const [, body] of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
      expect(directive(csp, 'script-src')).toContain(`'sha256-${await sha256Base64(body!)}'`);
    }
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('the payment page, with its Solid island, allows the island loader by hash and nothing else inline', async () => {
    const res = await fetchPage(`/thanh-toan/${paymentId}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('Content-Security-Policy')!;
    const html = await res.text();
    expect(html).toMatch(/<astro-island/);
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inlineScripts.length).toBeGreaterThan(0);
    for (const body of inlineScripts) expect(directive(csp, 'script-src')).toContain(`'sha256-${await sha256Base64(body)}'`);
    expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
  });

  it('the API docs page has its own policy, allowing the inline script that starts Swagger UI by its hash', async () => {
    const res = await fetchPage('/api/docs');
    expect(res.status).toBe(200);
    const csp = res.headers.get('Content-Security-Policy')!;
    const html = await res.text();
    const [, inline] = html.match(/<script>([\s\S]*?)<\/script>/)!;
    expect(directive(csp, 'script-src')).toEqual(["'self'", `'sha256-${await sha256Base64(inline!)}'`]);
    expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('API answers carry a policy that allows nothing', async () => {
    const res = await fetchPage('/api/v1/categories');
    expect(res.headers.get('Content-Security-Policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });
});

describe('private answers are not cached (item 18)', () => {
  it('manager pages', async () => {
    const res = await fetchPage('/quan-ly', { headers: { Cookie: marketCookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('private, no-store');
  });

  it('the receipt check page, found or not', async () => {
    expect((await fetchPage(`/bien-lai/${paymentId}`)).headers.get('Cache-Control')).toBe('private, no-store');
    expect((await fetchPage('/bien-lai/pay_nope')).headers.get('Cache-Control')).toBe('private, no-store');
  });

  it('the CSV report', async () => {
    const res = await fetchPage('/api/v1/reports/daily?format=csv', { headers: { Cookie: marketCookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/text\/csv/);
    expect(res.headers.get('Cache-Control')).toBe('private, no-store');
  });

  it('a catalogue page stays cacheable for everyone, signed in or not', async () => {
    for (const headers of [{}, { Cookie: marketCookie }]) {
      expect((await fetchPage('/san-pham', { headers })).headers.get('Cache-Control')).toMatch(/^public/);
    }
  });
});

describe('redirects stay on our site (item 12)', () => {
  async function signInAndGo(tiep: string) {
    const res = await fetchPage(`/dang-nhap?tiep=${tiep}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, 'CF-Connecting-IP': '198.51.100.91' },
      body: new URLSearchParams({ email: 'market@choso.test', password: 'demo1234' }),
    });
    expect(res.status).toBe(303);
    return res.headers.get('Location');
  }

  it.each(['/%5Cevil.example', '/%09/evil.example', '//evil.example', 'https://evil.example', '/.//evil.example', '%2F%2Fevil.example'])(
    'signing in with tiep=%s goes to the manager area, not away',
    async (tiep) => {
      expect(await signInAndGo(tiep)).toBe('/quan-ly');
    },
  );

  it('keeps a path of ours', async () => {
    expect(await signInAndGo(encodeURIComponent('/quan-ly/ngoai-le?ngay=2026-11-30'))).toBe('/quan-ly/ngoai-le?ngay=2026-11-30');
  });
});

describe('Vietnamese pages instead of raw errors (item 20)', () => {
  it.each(['pay_nope', 'x'.repeat(300), '%00', 'pay_%E2%80%AE', '%ZZ'])(
    'the receipt check page for %j is a Vietnamese 404 page',
    async (id) => {
      const res = await fetchPage(`/bien-lai/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('Content-Type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('Không tìm thấy biên lai');
      expect(html).not.toMatch(/"error"\s*:/);
    },
  );

  it('the catalogue names the price fields in Vietnamese when the range is upside down', async () => {
    const res = await fetchPage('/san-pham?minPrice=90000&maxPrice=10000');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Bộ lọc không hợp lệ: Giá từ: Không được cao hơn giá “đến”');
  });

  it('the bill page shows the rate limit in Vietnamese, with how long to wait', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 31; i++)
      last = await fetchPage('/thanh-toan-hoa-don?ma=HP8A2-6DBA5', { headers: { 'CF-Connecting-IP': '198.51.100.93' } });
    expect(last!.status).toBe(429);
    expect(await last!.text()).toContain('Bạn đã tra cứu hoá đơn quá nhiều lần trong thời gian ngắn; hãy đợi 10 phút rồi thử lại.');
  });

  it('the sign-in page shows the Vietnamese reason when an address has tried too often', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) {
      last = await fetchPage('/dang-nhap', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, 'CF-Connecting-IP': '198.51.100.92' },
        body: new URLSearchParams({ email: 'biller@choso.test', password: `sai-${i}` }),
      });
    }
    expect(last!.status).toBe(429);
    expect(await last!.text()).toContain('Bạn đã thử đăng nhập quá nhiều lần');
  });
});

it('the seed is there (sanity)', async () => {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM products').first<{ n: number }>();
  expect(row!.n).toBeGreaterThan(0);
});
