import { describe, expect, it } from 'vitest';
import { sessionStart } from '../src/middleware/d1-session';
import { api, jsonRequest, login, seedDemo } from './helpers';

// Read replication through D1's Sessions API: a write hands the visitor a bookmark cookie, so
// their next reads see it; anonymous reads take any replica and carry no cookie (so the
// catalogue stays cacheable).
describe('D1 sessions and the bookmark cookie', () => {
  it.each<[string, RequestInit, string]>([
    ['an anonymous read', {}, 'first-unconstrained'],
    ['a signed-in read', { headers: { Authorization: 'Bearer x' } }, 'first-primary'],
    ['a read with a session cookie', { headers: { Cookie: 'choso_session=abc' } }, 'first-primary'],
    ['a write', { method: 'POST' }, 'first-primary'],
    [
      'a read after a write',
      { headers: { Cookie: 'choso_d1=00000085-0000024c-00004fd6-a6dd2b1a3b3e2ea6d4c2c5f8' } },
      '00000085-0000024c-00004fd6-a6dd2b1a3b3e2ea6d4c2c5f8',
    ],
    ['a forged bookmark is ignored', { headers: { Cookie: 'choso_d1=%27%3B DROP' } }, 'first-unconstrained'],
  ])('%s starts at %s', (_name, init, start) => {
    expect(sessionStart(new Request('http://choso.test/api/v1/products', init))).toBe(start);
  });

  it('a write answers with the bookmark; a read after it, with the cookie, sees the write', async () => {
    await seedDemo();
    const seller = await login('seller@choso.test');
    const created = await api(
      '/api/v1/products',
      jsonRequest('POST', { name: 'Lọ gốm men rạn', category: 'handicrafts', price: 260000, unit: 'chiếc', status: 'active' }, seller),
    );
    expect(created.status).toBe(201);
    const cookie = created.headers.getSetCookie().find((value) => value.startsWith('choso_d1='));
    expect(cookie).toMatch(/^choso_d1=[0-9a-zA-Z-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=120$/);
    const { id } = await created.json<{ id: string }>();
    const read = await api(`/api/v1/products/${id}`, { headers: { Cookie: cookie!.split(';')[0]! } });
    expect(read.status).toBe(200);
    expect((await read.json<{ name: string }>()).name).toBe('Lọ gốm men rạn');
    expect(read.headers.getSetCookie().some((value) => value.startsWith('choso_d1='))).toBe(false);
  });

  it('an anonymous read carries no cookie', async () => {
    const res = await api('/api/v1/products?limit=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('Set-Cookie')).toBeNull();
  });
});
