import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../src/db/products';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';

let admin: string;
let seller: string;
let seller2: string;
let shopper: string;

beforeAll(async () => {
  await seedDemo();
  [admin, seller, seller2, shopper] = await Promise.all([
    login('admin@choso.test'),
    login('seller@choso.test'),
    login('seller2@choso.test'),
    login('shopper@choso.test'),
  ]);
});

const withKey = (init: RequestInit, key: string): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), 'Idempotency-Key': key },
});

const cooperative = {
  kind: 'cooperative',
  name: 'HTX Nông nghiệp Tân Yên',
  commune: 'Tân Yên',
  province: 'Bắc Ninh',
  phone: '0204 3878 123',
  bankAccount: { bin: '970405', accountNo: '2601205123456', accountName: 'HTX NONG NGHIEP TAN YEN' },
};

async function createOrganization(body: unknown, key: string, token = admin) {
  return api('/api/v1/admin/organizations', withKey(jsonRequest('POST', body, token), key));
}

async function addMember(orgId: string, body: unknown, key: string) {
  return api(`/api/v1/admin/organizations/${orgId}/members`, withKey(jsonRequest('POST', body, admin), key));
}

const tokenOf = (url: string) => new URL(url, 'http://x').searchParams.get('token')!;

async function setPassword(token: string, password: string) {
  return api('/api/v1/auth/set-password', jsonRequest('POST', { token, password }));
}

describe('POST /api/v1/admin/organizations', () => {
  it('creates a producer with its commune, province and payee account, once per Idempotency-Key', async () => {
    const first = await createOrganization(cooperative, 'org-key-1');
    expect(first.status).toBe(201);
    const org = await first.json<{ id: string }>();
    expect(org).toMatchObject({
      kind: 'cooperative',
      name: 'HTX Nông nghiệp Tân Yên',
      commune: 'Tân Yên',
      province: 'Bắc Ninh',
      bankAccount: { bin: '970405', accountNo: '2601205123456', accountName: 'HTX NONG NGHIEP TAN YEN' },
      memberCount: 0,
    });
    const again = await createOrganization(cooperative, 'org-key-1');
    expect(again.status).toBe(200);
    expect((await again.json<{ id: string }>()).id).toBe(org.id);
    await expectError(await createOrganization({ ...cooperative, name: 'Khác' }, 'org-key-1'), 409, 'idempotency_key_reused');
    const count = await env.DB.prepare("SELECT count(*) AS n FROM organizations WHERE name = 'HTX Nông nghiệp Tân Yên'").first<{
      n: number;
    }>();
    expect(count!.n).toBe(1);

    const list = await (await api('/api/v1/admin/organizations?kind=cooperative', bearer(admin))).json<{ items: Array<{ id: string }> }>();
    expect(list.items.map((o) => o.id)).toContain(org.id);
  });

  it('creates a biller (a school) too', async () => {
    const res = await createOrganization(
      { ...cooperative, kind: 'school', name: 'Trường Tiểu học Tân Yên', bankAccount: null },
      'org-key-2',
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ kind: 'school', bankAccount: null });
  });

  it.each([
    ['bankAccount.bin', { ...cooperative, bankAccount: { ...cooperative.bankAccount, bin: '97040' } }],
    ['bankAccount.bin', { ...cooperative, bankAccount: { ...cooperative.bankAccount, bin: '97040A' } }],
    ['bankAccount.accountNo', { ...cooperative, bankAccount: { ...cooperative.bankAccount, accountNo: '2601-205' } }],
    ['bankAccount.accountNo', { ...cooperative, bankAccount: { ...cooperative.bankAccount, accountNo: '12345678901234567890' } }],
    ['commune', { ...cooperative, commune: '' }],
    ['kind', { ...cooperative, kind: 'bank' }],
  ])('refuses a bad %s with 400 and writes nothing', async (path, body) => {
    const res = await createOrganization({ ...body, name: 'HTX Không hợp lệ' }, `bad-${Math.random()}`);
    const error = await expectError(res, 400, 'validation_failed');
    expect(error.error.details.map((d) => d.path)).toContain(path);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM organizations WHERE name = 'HTX Không hợp lệ'").first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it('needs an Idempotency-Key, and is for admins only', async () => {
    await expectError(await api('/api/v1/admin/organizations', jsonRequest('POST', cooperative, admin)), 400, 'idempotency_key_required');
    await expectError(await createOrganization(cooperative, 'seller-key', seller), 403, 'forbidden');
    await expectError(await createOrganization(cooperative, 'shopper-key', shopper), 403, 'forbidden');
    await expectError(await api('/api/v1/admin/organizations', jsonRequest('POST', cooperative)), 401, 'unauthorized');
    await expectError(await api('/api/v1/admin/organizations', bearer(seller)), 403, 'forbidden');
  });
});

describe('members and their set-password link', () => {
  let orgId: string;
  beforeAll(async () => {
    orgId = (await (await createOrganization({ ...cooperative, name: 'HTX Gốm Thổ Hà' }, 'org-members')).json<{ id: string }>()).id;
  });

  it('adds a seller with a one-time link; the link sets the password once, and the member signs in', async () => {
    const res = await addMember(orgId, { email: 'Hoa.Nguyen@Example.vn', name: 'Nguyễn Thị Hoa', role: 'seller' }, 'member-1');
    expect(res.status).toBe(201);
    const { member, setPasswordLink } = await res.json<{
      member: { id: string; email: string; role: string; status: string };
      setPasswordLink: { url: string; expiresAt: string };
    }>();
    expect(member).toMatchObject({ email: 'hoa.nguyen@example.vn', role: 'seller', status: 'invited' });
    expect(setPasswordLink.url).toMatch(/^\/dat-mat-khau\?token=[A-Za-z0-9_-]{43}$/);
    const hours = (Date.parse(setPasswordLink.expiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);

    // Only the SHA-256 of the token is stored.
    const token = tokenOf(setPasswordLink.url);
    const stored = await env.DB.prepare('SELECT token_hash FROM password_setup_tokens WHERE user_id = ?1')
      .bind(member.id)
      .all<{ token_hash: string }>();
    expect(stored.results).toHaveLength(1);
    expect(stored.results[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.results[0]!.token_hash).not.toContain(token);

    // No usable password before the link is used.
    await expectError(await api('/api/v1/auth/login', jsonRequest('POST', { email: 'hoa.nguyen@example.vn', password: 'demo1234' })), 401);

    // The password policy applies, with a Vietnamese message on the field; the link stays usable.
    const weak = await expectError(await setPassword(token, '12345678'), 400, 'validation_failed');
    expect(weak.error.details).toEqual([
      { path: 'password', message: 'Mật khẩu không được là một ký tự lặp lại hay một dãy liên tiếp như 12345678.' },
    ]);

    const set = await setPassword(token, 'gốm men lam Thổ Hà');
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ email: 'hoa.nguyen@example.vn' });

    const signedIn = await api(
      '/api/v1/auth/login',
      jsonRequest('POST', { email: 'hoa.nguyen@example.vn', password: 'gốm men lam Thổ Hà' }),
    );
    expect(signedIn.status).toBe(200);
    expect((await signedIn.json<{ user: { role: string; organization: { id: string } } }>()).user).toMatchObject({
      role: 'seller',
      organization: { id: orgId },
    });

    // Single use.
    await expectError(await setPassword(token, 'một mật khẩu khác hẳn'), 400, 'setup_link_used');
    const members = await (await api(`/api/v1/admin/organizations/${orgId}/members`, bearer(admin))).json<{
      items: Array<{ status: string }>;
    }>();
    expect(members.items.map((m) => m.status)).toEqual(['active']);
  });

  it('refuses an expired link', async () => {
    const res = await addMember(orgId, { email: 'lan@example.vn', name: 'Trần Văn Lan', role: 'seller' }, 'member-2');
    const { member, setPasswordLink } = await res.json<{ member: { id: string }; setPasswordLink: { url: string } }>();
    await env.DB.prepare("UPDATE password_setup_tokens SET expires_at = '2026-01-01T00:00:00.000Z' WHERE user_id = ?1")
      .bind(member.id)
      .run();
    const error = await expectError(await setPassword(tokenOf(setPasswordLink.url), 'gốm men lam Thổ Hà'), 400, 'setup_link_expired');
    expect(error.error.message).toBe('Liên kết đặt mật khẩu này đã hết hạn (sau 72 giờ). Hãy xin quản trị viên một liên kết mới.');
  });

  it('a retry with the same Idempotency-Key finds the same member and a fresh link; the old link stops working', async () => {
    const body = { email: 'minh@example.vn', name: 'Lê Văn Minh', role: 'seller' };
    const first = await (await addMember(orgId, body, 'member-3')).json<{ member: { id: string }; setPasswordLink: { url: string } }>();
    const retry = await addMember(orgId, body, 'member-3');
    expect(retry.status).toBe(200);
    const second = await retry.json<{ member: { id: string }; setPasswordLink: { url: string } }>();
    expect(second.member.id).toBe(first.member.id);
    expect(second.setPasswordLink.url).not.toBe(first.setPasswordLink.url);
    await expectError(await setPassword(tokenOf(first.setPasswordLink.url), 'gốm men lam Thổ Hà'), 400, 'setup_link_revoked');
    expect((await setPassword(tokenOf(second.setPasswordLink.url), 'gốm men lam Thổ Hà')).status).toBe(200);
  });

  it('refuses a role that does not fit the organization, and an email that already has an account', async () => {
    const role = await expectError(await addMember(orgId, { email: 'x@example.vn', name: 'X', role: 'biller_staff' }, 'member-4'), 400);
    expect(role.error.details).toEqual([{ path: 'role', message: 'Thành viên của hợp tác xã chỉ có thể là người bán (seller)' }]);
    await expectError(await addMember(orgId, { email: 'seller2@choso.test', name: 'Y', role: 'seller' }, 'member-5'), 409, 'email_taken');
    await expectError(
      await addMember('org_missing', { email: 'z@example.vn', name: 'Z', role: 'seller' }, 'member-6'),
      404,
      'organization_not_found',
    );
  });

  it('deactivating a member ends their sessions and their sign-in', async () => {
    const res = await addMember(orgId, { email: 'thu@example.vn', name: 'Phạm Thị Thu', role: 'seller' }, 'member-7');
    const { member, setPasswordLink } = await res.json<{ member: { id: string }; setPasswordLink: { url: string } }>();
    await setPassword(tokenOf(setPasswordLink.url), 'gốm men lam Thổ Hà');
    const token = await login('thu@example.vn', 'gốm men lam Thổ Hà');
    expect((await api('/api/v1/me', bearer(token))).status).toBe(200);

    // Another organization's id does not reach this member.
    await expectError(
      await api(`/api/v1/admin/organizations/org_htx_phu_lang/members/${member.id}/deactivate`, jsonRequest('POST', {}, admin)),
      404,
    );
    const off = await api(`/api/v1/admin/organizations/${orgId}/members/${member.id}/deactivate`, jsonRequest('POST', {}, admin));
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ id: member.id, status: 'deactivated' });

    await expectError(await api('/api/v1/me', bearer(token)), 401);
    const sessions = await env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?1').bind(member.id).first<{ n: number }>();
    expect(sessions!.n).toBe(0);
    await expectError(
      await api('/api/v1/auth/login', jsonRequest('POST', { email: 'thu@example.vn', password: 'gốm men lam Thổ Hà' })),
      401,
    );
  });
});

describe('hiding a product', () => {
  it('takes it out of the catalogue, search and product page; its seller still sees it with the reason', async () => {
    const before = await (await api('/api/v1/products?q=gom&limit=100')).json<{ items: Product[] }>();
    const target = before.items[0]!;
    const res = await api(
      `/api/v1/admin/products/${target.id}/hide`,
      jsonRequest('POST', { reason: 'Ảnh không đúng sản phẩm thật' }, admin),
    );
    expect(res.status).toBe(200);
    expect((await res.json<Product>()).hidden).toMatchObject({ reason: 'Ảnh không đúng sản phẩm thật' });

    const search = await (await api('/api/v1/products?q=gom&limit=100')).json<{ items: Product[] }>();
    expect(search.items.map((p) => p.id)).not.toContain(target.id);
    const all = await (await api(`/api/v1/products?sellerId=${target.seller.id}&limit=100`)).json<{ items: Product[] }>();
    expect(all.items.map((p) => p.id)).not.toContain(target.id);
    await expectError(await api(`/api/v1/products/${target.id}`), 404, 'product_not_found');
    await expectError(await api(`/api/v1/products/${target.id}`, bearer(seller2)), 404, 'product_not_found');
    await expectError(
      await api(
        '/api/v1/orders',
        jsonRequest('POST', {
          items: [{ productId: target.id, quantity: 1 }],
          buyer: { name: 'Nguyễn Văn An', phone: '0912345678', address: 'Số 1, Phù Lãng, Bắc Ninh' },
        }),
      ),
      409,
    );

    const ownerToken = target.seller.id === 'org_htx_phu_lang' ? seller : seller2;
    const own = await (await api('/api/v1/seller/products?status=hidden', bearer(ownerToken))).json<{ items: Product[] }>();
    expect(own.items.map((p) => [p.id, p.hidden?.reason])).toEqual([[target.id, 'Ảnh không đúng sản phẩm thật']]);
    expect((await api(`/api/v1/products/${target.id}`, bearer(ownerToken))).status).toBe(200);

    await expectError(
      await api(`/api/v1/admin/products/${target.id}/hide`, jsonRequest('POST', { reason: 'Lần nữa' }, admin)),
      409,
      'product_already_hidden',
    );
    const events = await env.DB.prepare('SELECT action, reason FROM product_moderation_events WHERE product_id = ?1').bind(target.id).all();
    expect(events.results).toEqual([{ action: 'hide', reason: 'Ảnh không đúng sản phẩm thật' }]);

    const unhide = await api(`/api/v1/admin/products/${target.id}/unhide`, jsonRequest('POST', {}, admin));
    expect(unhide.status).toBe(200);
    expect((await api(`/api/v1/products/${target.id}`)).status).toBe(200);
    await expectError(await api(`/api/v1/admin/products/${target.id}/hide`, jsonRequest('POST', { reason: 'x' }, admin)), 400);
    await expectError(await api(`/api/v1/admin/products/${target.id}/hide`, jsonRequest('POST', { reason: 'Ảnh sai' }, seller)), 403);
  });
});
