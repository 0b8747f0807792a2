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
    await api('/api/v1/auth/register', jsonRequest('POST', { email: 'a@example.vn', password: 'same-password', name: 'Anh' }));
    await api('/api/v1/auth/register', jsonRequest('POST', { email: 'b@example.vn', password: 'same-password', name: 'Bình' }));
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
      await api('/api/v1/auth/register', jsonRequest('POST', { email: 'SHOPPER@choso.test', password: 'gốm Phù Lãng 2026', name: 'X' })),
      409,
      'email_taken',
    );
  });

  it.each([
    [{ email: 'not-an-email', password: 'gốm Phù Lãng 2026', name: 'X' }, 'email'],
    [{ email: 'x@example.vn', password: 'short', name: 'X' }, 'password'],
    [{ email: 'x@example.vn', password: 'gốm Phù Lãng 2026', name: '' }, 'name'],
    [{ email: 'x@example.vn', password: 'gốm Phù Lãng 2026' }, 'name'],
    [{ email: 'x@example.vn', password: 'gốm Phù Lãng 2026', name: 'X', role: 'admin' }, ''],
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

describe('sign-in limits never lock the owner out (issue 7, item 9)', () => {
  const from = (address: string, password: string, email = 'seller2@choso.test') =>
    api('/api/v1/auth/login', {
      ...jsonRequest('POST', { email, password }),
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': address },
    });

  it('wrong passwords from many addresses leave the account open to its owner from a fresh address', async () => {
    for (let i = 0; i < 15; i++) expect((await from(`198.51.100.${i}`, `guess-${i}`)).status).toBe(401);
    const owner = await from('203.0.113.250', 'demo1234');
    expect(owner.status).toBe(200);
  });

  it('stops one address that keeps guessing, with a Vietnamese 429 and Retry-After, and no one else', async () => {
    for (let i = 0; i < 10; i++) expect((await from('198.51.100.200', `guess-${i}`)).status).toBe(401);
    const stopped = await expectError(await from('198.51.100.200', 'guess-again'), 429, 'rate_limited');
    expect(stopped.error.message).toMatch(/^Bạn đã thử đăng nhập quá nhiều lần .*hãy đợi \d+ phút rồi thử lại\.$/);
    // The owner, from their own address, is not affected.
    expect((await from('203.0.113.251', 'demo1234')).status).toBe(200);
  });

  it('counts an IPv6 caller by its /64, so rotating addresses inside it does not help', async () => {
    for (let i = 0; i < 10; i++) expect((await from(`2001:db8:aa:1::${i + 1}`, `guess-${i}`, 'biller@choso.test')).status).toBe(401);
    await expectError(await from('2001:db8:aa:1:ffff::99', 'guess-x', 'biller@choso.test'), 429, 'rate_limited');
    expect((await from('2001:db8:aa:2::1', 'demo1234', 'biller@choso.test')).status).toBe(200);
  });

  it('forgives an address its failures once it signs in with the right password', async () => {
    for (let i = 0; i < 9; i++) expect((await from('198.51.100.210', `typo-${i}`)).status).toBe(401);
    expect((await from('198.51.100.210', 'demo1234')).status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await from('198.51.100.210', `typo-${i}`)).status).toBe(401);
  });

  it('slows a guesser spread over 100 addresses with a backoff of at most a minute, not a lock', async () => {
    const email = 'market@choso.test';
    for (let i = 0; i < 101; i++) expect((await from(`192.0.2.${i}`, `spread-${i}`, email)).status).toBe(401);
    const slowed = await from('192.0.2.150', 'spread-x', email);
    await expectError(slowed, 429, 'rate_limited');
    const wait = Number(slowed.headers.get('Retry-After'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    // About a hundred password checks (PBKDF2 on purpose): seconds, more on a busy CI machine.
  }, 60_000);

  it('a device that signed in before gets its owner in while strangers keep the account in backoff; only for that account', async () => {
    const email = 'admin@choso.test';
    const signIn = async (address: string, password: string, cookie?: string, who = email) =>
      api('/api/v1/auth/login', {
        ...jsonRequest('POST', { email: who, password }),
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': address, ...(cookie ? { Cookie: cookie } : {}) },
      });
    const deviceCookie = (res: Response) =>
      res.headers
        .getSetCookie()
        .find((c) => c.startsWith('choso_device='))!
        .split(';')[0]!;
    const first = await signIn('203.0.113.10', 'demo1234');
    expect(first.status).toBe(200);
    const ownersDevice = deviceCookie(first);
    expect(first.headers.getSetCookie().find((c) => c.startsWith('choso_device='))).toMatch(/HttpOnly/i);
    // A stranger's own device cookie, from signing in to their own account.
    const strangersDevice = deviceCookie(await signIn('198.51.100.99', 'demo1234', undefined, 'shopper@choso.test'));
    const spread: number[] = [];
    // With the first sign-in above, 101 attempts: past the 100 free ones, so the account is in backoff.
    for (let i = 0; i < 100; i++) spread.push((await signIn(`192.0.2.${i}`, `spread-${i}`)).status);
    expect(spread.filter((status) => status !== 401)).toEqual([]);
    const slowed = await expectError(await signIn('203.0.113.11', 'demo1234'), 429, 'rate_limited');
    expect(slowed.error.message).toMatch(/^Tài khoản này vừa bị thử mật khẩu quá nhiều lần từ nhiều nơi; hãy đợi \d+ giây rồi thử lại\./);
    await expectError(await signIn('203.0.113.12', 'demo1234', strangersDevice), 429, 'rate_limited');
    // The owner's phone, on a network it never used before.
    expect((await signIn('203.0.113.13', 'demo1234', ownersDevice)).status).toBe(200);
    // A known device is still limited on its own.
    const stolen: number[] = [];
    for (let i = 0; i < 10; i++) stolen.push((await signIn(`198.18.0.${i}`, `stolen-${i}`, ownersDevice)).status);
    expect(stolen).toEqual(Array(10).fill(401));
    await expectError(await signIn('198.18.0.50', 'demo1234', ownersDevice), 429, 'rate_limited');
  }, 60_000);

  it('writes no D1 row for a sign-in (the limits live in Durable Objects and the rate-limit binding)', async () => {
    await from('198.51.100.220', 'wrong');
    const row = await env.DB.prepare('SELECT count(*) AS n FROM rate_limits').first<{ n: number }>();
    expect(row!.n).toBe(0);
  });
});

describe('passwords follow NIST SP 800-63B (issue 7, item 10)', () => {
  const register = (password: string, email = `p-${crypto.randomUUID().slice(0, 8)}@example.vn`, name = 'Trần Văn Bình') =>
    api('/api/v1/auth/register', {
      ...jsonRequest('POST', { email, password, name }),
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': `203.0.113.${Math.floor(Math.random() * 200)}` },
    });

  it.each([
    ['aaaaaaaa', 'lặp lại'],
    ['12345678', 'lặp lại'],
    ['87654321', 'lặp lại'],
    ['password', 'phổ biến'],
    ['Password1', 'phổ biến'],
    ['iloveyou', 'phổ biến'],
    ['qwertyuiop', 'phổ biến'],
    ['1234567', 'ít nhất 8 ký tự'],
    ['choso2026', 'Chợ Số'],
  ])('refuses %j with a Vietnamese reason (%s)', async (password, reason) => {
    const error = await expectError(await register(password), 400, 'validation_failed');
    const detail = error.error.details.find((d) => d.path === 'password');
    expect(detail?.message).toContain(reason);
  });

  it.each([
    ['lan.nguyen@example.vn', 'lan.nguyen@example.vn'],
    ['lan.nguyen@example.vn', 'LanNguyen'],
    ['lan.nguyen@example.vn', 'lan.nguyen2026'],
    ['thu@example.vn', 'Nguyễn Thị Lan'],
    ['thu@example.vn', 'nguyen thi lan'],
  ])('refuses the account’s own email or name (%s, %j)', async (email, password) => {
    const error = await expectError(await register(password, email, 'Nguyễn Thị Lan'), 400, 'validation_failed');
    expect(error.error.details).toContainEqual({ path: 'password', message: 'Mật khẩu không được là email hay tên của bạn.' });
  });

  it.each([['mật khẩu dài'], ['gốm Phù Lãng 2026'], ['ba con mèo trèo cây'], ['Tr0ub4dor&3x'], ['🐃🐃 trâu về']])(
    'accepts %j (any characters, no composition rules)',
    async (password) => {
      expect((await register(password)).status).toBe(201);
    },
  );
});
