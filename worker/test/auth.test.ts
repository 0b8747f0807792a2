import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/domain/tokens';
import worker from '../src/worker';
import { api, bearer, expectError, jsonRequest, login, ORIGIN, seedDemo } from './helpers';

beforeAll(seedDemo);

function sessionCookie(res: Response): string {
  const setCookie = res.headers.get('Set-Cookie') ?? '';
  const match = setCookie.match(/choso_session=([^;]+)/);
  expect(match).not.toBeNull();
  return `choso_session=${match![1]}`;
}

describe('POST /api/v1/auth/register', () => {
  it('creates a shopper and signs them in', async () => {
    const res = await api(
      '/api/v1/auth/register',
      jsonRequest('POST', { email: ' Lan.Nguyen@Example.vn ', password: 'mật khẩu dài', name: 'Nguyễn Thị Lan' }),
    );
    expect(res.status).toBe(201);
    const body = await res.json<{ token: string; user: { email: string; role: string; organization: null } }>();
    expect(body.user).toMatchObject({ email: 'lan.nguyen@example.vn', role: 'shopper', organization: null });
    const me = await api('/api/v1/me', bearer(body.token));
    expect((await me.json<{ name: string }>()).name).toBe('Nguyễn Thị Lan');
  });

  it('stores a PBKDF2 hash with a salt of its own, never the password', async () => {
    await api('/api/v1/auth/register', jsonRequest('POST', { email: 'a@example.vn', password: 'same-password', name: 'A' }));
    await api('/api/v1/auth/register', jsonRequest('POST', { email: 'b@example.vn', password: 'same-password', name: 'B' }));
    const { results } = await env.DB.prepare("SELECT password_hash FROM users WHERE email IN ('a@example.vn', 'b@example.vn')").all<{
      password_hash: string;
    }>();
    expect(results).toHaveLength(2);
    for (const { password_hash } of results) expect(password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(results[0]!.password_hash).not.toBe(results[1]!.password_hash);
    expect(JSON.stringify(results)).not.toContain('same-password');
  });

  it('answers 409 for an email that is taken, whatever its case', async () => {
    await expectError(
      await api('/api/v1/auth/register', jsonRequest('POST', { email: 'SHOPPER@choso.test', password: 'password1', name: 'X' })),
      409,
      'email_taken',
    );
  });

  it.each([
    [{ email: 'not-an-email', password: 'password1', name: 'X' }, 'email'],
    [{ email: 'x@example.vn', password: 'short', name: 'X' }, 'password'],
    [{ email: 'x@example.vn', password: 'password1', name: '' }, 'name'],
    [{ email: 'x@example.vn', password: 'password1' }, 'name'],
    [{ email: 'x@example.vn', password: 'password1', name: 'X', role: 'admin' }, ''],
  ])('rejects %j (400 naming %j)', async (body, path) => {
    const error = await expectError(await api('/api/v1/auth/register', jsonRequest('POST', body)), 400, 'validation_failed');
    expect(error.error.details.map((d) => d.path)).toContain(path);
  });

  it('cannot make anyone an admin or a seller', async () => {
    const { results } = await env.DB.prepare("SELECT role FROM users WHERE email LIKE '%@example.vn'").all<{ role: string }>();
    expect(new Set(results.map((r) => r.role))).toEqual(new Set(['shopper']));
  });
});

describe('POST /api/v1/auth/login', () => {
  it('returns a token and sets an HttpOnly, SameSite=Lax cookie', async () => {
    const res = await api('/api/v1/auth/login', jsonRequest('POST', { email: 'seller@choso.test', password: 'demo1234' }));
    expect(res.status).toBe(200);
    const body = await res.json<{ token: string; user: { role: string; organization: { id: string } } }>();
    expect(body.user.role).toBe('seller');
    expect(body.user.organization.id).toBe('org_htx_phu_lang');
    const cookie = res.headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
  });

  it('signs in with the cookie as well as the bearer token', async () => {
    const res = await api('/api/v1/auth/login', jsonRequest('POST', { email: 'shopper@choso.test', password: 'demo1234' }));
    const me = await api('/api/v1/me', { headers: { Cookie: sessionCookie(res) } });
    expect(me.status).toBe(200);
    expect((await me.json<{ email: string }>()).email).toBe('shopper@choso.test');
  });

  it('stores only a hash of the session token', async () => {
    const token = await login('shopper@choso.test');
    const raw = await env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE token_hash = ?1').bind(token).first<{ n: number }>();
    const hashed = await env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE token_hash = ?1')
      .bind(await sha256Hex(token))
      .first<{ n: number }>();
    expect([raw!.n, hashed!.n]).toEqual([0, 1]);
  });

  it('answers 401 for a wrong password and for an unknown email, alike', async () => {
    const wrong = await expectError(
      await api('/api/v1/auth/login', jsonRequest('POST', { email: 'seller@choso.test', password: 'wrong-password' })),
      401,
      'invalid_credentials',
    );
    const unknown = await expectError(
      await api('/api/v1/auth/login', jsonRequest('POST', { email: 'nobody@choso.test', password: 'demo1234' })),
      401,
      'invalid_credentials',
    );
    expect(wrong.error.message).toBe(unknown.error.message);
  });

  it('rate-limits repeated attempts on one account with 429 and Retry-After', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) {
      last = await api('/api/v1/auth/login', jsonRequest('POST', { email: 'biller@choso.test', password: `guess-${i}` }));
    }
    await expectError(last!, 429, 'rate_limited');
    expect(Number(last!.headers.get('Retry-After'))).toBeGreaterThan(0);
  });

  it.each([
    [{ email: 'seller@choso.test' }, 'password'],
    [{ password: 'demo1234' }, 'email'],
    [{ email: 42, password: 'demo1234' }, 'email'],
  ])('rejects %j with 400', async (body, path) => {
    const error = await expectError(await api('/api/v1/auth/login', jsonRequest('POST', body)), 400, 'validation_failed');
    expect(error.error.details.map((d) => d.path)).toContain(path);
  });

  it('answers malformed JSON with 400 in the error shape', async () => {
    await expectError(
      await api('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email":' }),
      400,
    );
  });

  it('answers a body that is not JSON with 400', async () => {
    await expectError(
      await api('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello' }),
      415,
      'unsupported_media_type',
    );
    await expectError(await api('/api/v1/auth/login', { method: 'POST' }), 400);
  });
});

describe('POST /api/v1/auth/logout and sessions', () => {
  it('ends the session: the token stops working', async () => {
    const token = await login('shopper@choso.test');
    const res = await api('/api/v1/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);
    expect(res.headers.get('Set-Cookie')).toMatch(/choso_session=;.*Max-Age=0/i);
    await expectError(await api('/api/v1/me', bearer(token)), 401, 'unauthorized');
  });

  it('answers 401 once a session has expired', async () => {
    const token = await login('shopper@choso.test');
    await env.DB.prepare("UPDATE sessions SET expires_at = '2020-01-01T00:00:00.000Z' WHERE token_hash = ?1")
      .bind(await sha256Hex(token))
      .run();
    await expectError(await api('/api/v1/me', bearer(token)), 401, 'unauthorized');
  });

  it('answers 401 for a made-up token', async () => {
    await expectError(await api('/api/v1/me', bearer('made-up')), 401);
    await expectError(await api('/api/v1/me'), 401);
  });

  it('sweeps expired sessions in the scheduled handler', async () => {
    const token = await login('shopper@choso.test');
    await env.DB.prepare("UPDATE sessions SET expires_at = '2020-01-01T00:00:00.000Z' WHERE token_hash = ?1")
      .bind(await sha256Hex(token))
      .run();
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE expires_at < '2021-01-01'").first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});

describe('CSRF protection for cookie sessions', () => {
  async function sellerCookie() {
    return sessionCookie(await api('/api/v1/auth/login', jsonRequest('POST', { email: 'seller@choso.test', password: 'demo1234' })));
  }
  const newProduct = { name: 'Bình gốm thử', category: 'handicrafts', price: 100000, unit: 'chiếc' };

  it('refuses a cookie-authenticated write from another site', async () => {
    const res = await api('/api/v1/products', {
      method: 'POST',
      headers: { Cookie: await sellerCookie(), 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: JSON.stringify(newProduct),
    });
    await expectError(res, 403, 'csrf_rejected');
  });

  it('refuses a cookie-authenticated write that does not say where it comes from', async () => {
    const res = await api('/api/v1/products', {
      method: 'POST',
      headers: { Cookie: await sellerCookie(), 'Content-Type': 'application/json' },
      body: JSON.stringify(newProduct),
    });
    await expectError(res, 403, 'csrf_rejected');
  });

  it('accepts a cookie-authenticated write from our own origin', async () => {
    const res = await api('/api/v1/products', {
      method: 'POST',
      headers: { Cookie: await sellerCookie(), 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify(newProduct),
    });
    expect(res.status).toBe(201);
  });

  it('refuses a cross-site login (login CSRF)', async () => {
    const res = await api('/api/v1/auth/login', {
      ...jsonRequest('POST', { email: 'seller@choso.test', password: 'demo1234' }),
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
    });
    await expectError(res, 403, 'csrf_rejected');
  });
});
