import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMIT_BYTES } from '../src/middleware/body-limit';
import { api, bearer, expectError, jsonRequest, login, ORIGIN, seedDemo } from './helpers';
import { createPayment, DEMO_BILLS, noticeFor, postBankNotice } from './payment-helpers';

beforeAll(seedDemo);

describe('every body has a size limit (issue 7, item 15)', () => {
  const big = JSON.stringify({ email: 'a@example.vn', password: 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES) });

  it.each(['/api/v1/auth/login', '/api/v1/orders', '/api/v1/payments', '/api/v1/webhooks/bank', '/api/v1/products'])(
    'POST %s answers a JSON body over 64 KB with 413 in the error shape, before reading it',
    async (path) => {
      const res = await api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big });
      const error = await expectError(res, 413, 'payload_too_large');
      expect(error.error.message).toBe('Nội dung gửi lên quá lớn: tối đa 64 KB. Hãy gửi ít dữ liệu hơn trong một lần.');
    },
  );

  it('also when the body streams without a Content-Length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await api('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    await expectError(res, 413, 'payload_too_large');
  });

  it('a body just under the limit is read and validated as usual', async () => {
    const res = await api('/api/v1/auth/login', jsonRequest('POST', { email: 'a@example.vn', password: 'x'.repeat(60 * 1024) }));
    await expectError(res, 400, 'validation_failed');
  });
});

describe('API answers carry security headers and private answers are not cached (items 17, 18)', () => {
  it('every API answer has a policy that allows nothing, nosniff and no framing', async () => {
    for (const res of [await api('/api/v1/categories'), await api('/api/v1/nope'), await api('/api/v1/me')]) {
      expect(res.headers.get('Content-Security-Policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(res.headers.get('X-Frame-Options')).toBe('DENY');
      expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    }
  });

  it('an authenticated answer is private, no-store; an anonymous catalogue answer is not', async () => {
    const token = await login('seller@choso.test');
    expect((await api('/api/v1/me', bearer(token))).headers.get('Cache-Control')).toBe('private, no-store');
    expect((await api('/api/v1/products', bearer(token))).headers.get('Cache-Control')).toBe('private, no-store');
    expect((await api('/api/v1/seller/orders', bearer(token))).headers.get('Cache-Control')).toBe('private, no-store');
    expect((await api('/api/v1/products')).headers.get('Cache-Control')).not.toBe('private, no-store');
  });

  it('an error to a signed-in caller is private too', async () => {
    const token = await login('shopper@choso.test');
    const res = await api('/api/v1/seller/orders', bearer(token));
    expect(res.status).toBe(403);
    expect(res.headers.get('Cache-Control')).toBe('private, no-store');
  });

  it('the CSV report is private, no-store', async () => {
    const res = await api('/api/v1/reports/daily?format=csv', bearer(await login('market@choso.test')));
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('private, no-store');
  });

  it('a receipt is private, no-store, found or not, and its policy allows its own style and nothing else', async () => {
    const payment = await createPayment({ billCode: DEMO_BILLS.hospital.code, method: 'vietqr' });
    expect((await postBankNotice(noticeFor(payment))).status).toBe(200);
    const receipt = await api(`/api/v1/payments/${payment.id}/receipt`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('Cache-Control')).toBe('private, no-store');
    const html = await receipt.text();
    const [, style] = html.match(/<style>([\s\S]*?)<\/style>/)!;
    const digest = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(style!)))));
    expect(receipt.headers.get('Content-Security-Policy')).toBe(
      `default-src 'none'; script-src 'none'; style-src 'sha256-${digest}'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    );
    expect((await api('/api/v1/payments/pay_nope/receipt')).headers.get('Cache-Control')).toBe('private, no-store');
  });

  it('an order read with its token is private, no-store', async () => {
    const res = await api('/api/v1/orders/ord_nope', { headers: { 'X-Order-Token': 'x' } });
    expect(res.headers.get('Cache-Control')).toBe('private, no-store');
  });

  it('a cookie-authenticated write from our origin still works under the new middleware', async () => {
    const res = await api('/api/v1/auth/login', {
      ...jsonRequest('POST', { email: 'seller@choso.test', password: 'demo1234' }),
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
    });
    expect(res.status).toBe(200);
  });
});

describe('no text field takes control characters (issue 7, item 14)', () => {
  it.each([
    ['\u0000Gốm', 'name'],
    ['Gốm\u0007', 'name'],
    ['Gốm\nPhù Lãng', 'name'],
    ['Gốm \u202Eếm', 'name'],
    ['\uD800', 'name'],
  ])('a product name %j is refused with 400 naming the field', async (name, path) => {
    const token = await login('seller@choso.test');
    const res = await api('/api/v1/products', jsonRequest('POST', { name, category: 'handicrafts', price: 100000, unit: 'chiếc' }, token));
    const error = await expectError(res, 400, 'validation_failed');
    expect(error.error.details.map((d) => d.path)).toContain(path);
  });

  it('a description may run over several lines, but not hold NUL', async () => {
    const token = await login('seller@choso.test');
    const ok = await api(
      '/api/v1/products',
      jsonRequest(
        'POST',
        { name: 'Bình gốm', description: 'Dòng một\n\tDòng hai', category: 'handicrafts', price: 100000, unit: 'chiếc' },
        token,
      ),
    );
    expect(ok.status).toBe(201);
    const bad = await api(
      '/api/v1/products',
      jsonRequest(
        'POST',
        { name: 'Bình gốm', description: 'Dòng một\u0000', category: 'handicrafts', price: 100000, unit: 'chiếc' },
        token,
      ),
    );
    expect((await expectError(bad, 400, 'validation_failed')).error.details.map((d) => d.path)).toContain('description');
  });

  it('the net under every schema refuses NUL in a route that still takes a bare string', async () => {
    // The refund reason (payments, a money route) and the exception note use z.string() today.
    const res = await api('/api/v1/payments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify({ billCode: '\u0000HP8A26DBA5' }),
    });
    const error = await expectError(res, 400, 'validation_failed');
    expect(error.error.details).toEqual([
      { path: 'billCode', message: 'Không được chứa ký tự điều khiển (như NUL) hay ký tự Unicode lỗi' },
    ]);
  });

  it.each([
    '/api/v1/products/%00',
    `/api/v1/products/${'p'.repeat(5000)}`,
    '/api/v1/payments/%00/qr.svg',
    `/api/v1/media/products/${'a'.repeat(300)}/x.jpg`,
  ])('a path %s is answered with a 4xx in the error shape', async (path) => {
    const res = await api(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    await expectError(res, res.status);
  });
});

describe('messages in Vietnamese (issue 7, item 20)', () => {
  it.each([
    ['/api/v1/products/prd_nope', 404, 'Không tìm thấy sản phẩm này'],
    ['/api/v1/sellers/org_nope', 404, 'Không tìm thấy nhà sản xuất này'],
    ['/api/v1/bills/lookup/ABCDEFGHJK', 404, 'Không tìm thấy hoá đơn với mã này; kiểm tra lại mã in trên giấy báo'],
    ['/api/v1/me', 401, 'Hãy đăng nhập để tiếp tục'],
    ['/api/v1/nope', 404, 'Không có địa chỉ API này: GET /api/v1/nope'],
    ['/api/v1/products?minPrice=5&maxPrice=1', 400, 'Dữ liệu gửi lên chưa hợp lệ ở minPrice'],
    ['/api/v1/products?limit=abc', 400, 'Dữ liệu gửi lên chưa hợp lệ ở limit'],
  ])('GET %s → %i “%s”', async (path, status, message) => {
    const res = await api(path, { headers: { 'CF-Connecting-IP': '203.0.113.77' } });
    expect((await expectError(res, status)).error.message).toBe(message);
  });

  it("zod's own messages are Vietnamese and name the limit", async () => {
    const error = await expectError(await api(`/api/v1/products?q=${'a'.repeat(101)}&limit=0`), 400, 'validation_failed');
    expect(error.error.details).toEqual([
      { path: 'q', message: 'Dài tối đa 100 ký tự' },
      { path: 'limit', message: 'Nhỏ nhất là 1' },
    ]);
  });

  it('a receipt link opened in a browser for a missing payment is a Vietnamese page, not raw JSON', async () => {
    const res = await api('/api/v1/payments/pay_nope/receipt', { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<h1>Không tìm thấy biên lai</h1>');
    expect(html).toContain('Không tìm thấy khoản thanh toán này');
    // An API client still gets the error shape.
    await expectError(await api('/api/v1/payments/pay_nope/receipt'), 404, 'payment_not_found');
  });

  it('malformed JSON is answered in Vietnamese', async () => {
    const res = await api('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email":' });
    expect((await expectError(res, 400)).error.message).toBe('Không đọc được nội dung gửi lên (ví dụ JSON bị lỗi)');
  });
});
