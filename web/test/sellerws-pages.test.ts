import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../worker/test/helpers';

// The seller's products, onboarding and registration pages as a browser with JavaScript off
// gets them, on the built storefront worker.

const ORIGIN = 'http://choso.test';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN };

function fetchPage(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));
}

async function signIn(email: string): Promise<string> {
  const res = await fetchPage('/dang-nhap', { method: 'POST', headers: FORM, body: new URLSearchParams({ email, password: 'demo1234' }) });
  expect(res.status).toBe(303);
  return res.headers.get('Set-Cookie')!.match(/choso_session=[^;]+/)![0];
}

let seller: string;
let admin: string;
beforeAll(async () => {
  await seedDemo();
  [seller, admin] = [await signIn('seller@choso.test'), await signIn('admin@choso.test')];
});

describe('seller products pages', () => {
  it('a seller creates a draft with a plain form post; it is in their list and not in the catalogue', async () => {
    const res = await fetchPage('/quan-ly/san-pham/moi', {
      method: 'POST',
      headers: { ...FORM, Cookie: seller },
      body: new URLSearchParams({
        action: 'save',
        name: 'Tượng gốm Phù Lãng bản nháp',
        description: '',
        category: 'handicrafts',
        price: '180000',
        unit: 'chiếc',
        stock: '2',
        status: 'draft',
        ocopStars: '',
      }),
    });
    expect(res.status).toBe(303);
    const id = res.headers.get('Location')!.match(/\/quan-ly\/san-pham\/(prd_[a-z0-9]+)\?da-luu=1$/)![1]!;
    const list = await (await fetchPage('/quan-ly/san-pham?status=draft', { headers: { Cookie: seller } })).text();
    expect(list).toContain('Tượng gốm Phù Lãng bản nháp');
    expect((await fetchPage(`/san-pham/${id}`)).status).toBe(404);
  });

  it('a refused field is named next to it, in Vietnamese', async () => {
    const res = await fetchPage('/quan-ly/san-pham/moi', {
      method: 'POST',
      headers: { ...FORM, Cookie: seller },
      body: new URLSearchParams({
        action: 'save',
        name: 'Bát gốm',
        category: 'handicrafts',
        price: '0',
        unit: 'chiếc',
        stock: '1',
        status: 'draft',
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/<p class="field-error" id="price-error">Giá[^<]*<\/p>/);
  });

  it('an admin is pointed to moderation, a guest goes to sign in, a seller may not open onboarding (403)', async () => {
    const adminPage = await fetchPage('/quan-ly/san-pham', { headers: { Cookie: admin } });
    expect(adminPage.status).toBe(200);
    expect(await adminPage.text()).toContain('href="/quan-ly/kiem-duyet"');
    const guest = await fetchPage('/quan-ly/san-pham');
    expect(guest.status).toBe(303);
    expect(guest.headers.get('Location')).toBe('/dang-nhap?tiep=%2Fquan-ly%2Fsan-pham');
    expect((await fetchPage('/quan-ly/to-chuc', { headers: { Cookie: seller } })).status).toBe(403);
  });
});

describe('registration and set-password pages', () => {
  it('/dang-ky signs the new shopper in and sends them to /tai-khoan', async () => {
    const res = await fetchPage('/dang-ky', {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ name: 'Ngô Thị Huệ', email: 'hue@example.vn', password: 'vải thiều Lục Ngạn' }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/tai-khoan');
    expect(res.headers.get('Set-Cookie')).toMatch(/choso_session=/);
    const row = await env.DB.prepare("SELECT role FROM users WHERE email = 'hue@example.vn'").first<{ role: string }>();
    expect(row!.role).toBe('shopper');
  });

  it('/dang-ky names the refused password in Vietnamese', async () => {
    const res = await fetchPage('/dang-ky', {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ name: 'Ngô Văn Hùng', email: 'hung@example.vn', password: 'ngắn' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Mật khẩu cần ít nhất 8 ký tự');
  });

  it('/dat-mat-khau with an unknown token says the link is not valid, without a form', async () => {
    const res = await fetchPage('/dat-mat-khau?token=khong-co-that');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('Không tìm thấy liên kết đặt mật khẩu này');
    expect(html).not.toContain('name="password"');
    // The token never reaches another site: cross-origin requests carry only the origin.
    expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
  });
});
