import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import wranglerToml from '../../wrangler.toml?raw';
import { hitRateLimit } from '../src/db/rate-limits';
import { RATE_LIMITS } from '../src/rate-limits/limits';
import { api, expectError, seedDemo } from './helpers';
import { DEMO_BILLS } from './payment-helpers';

// Issue 12: rate limits no longer write D1 (one writer for the whole database); they count
// in the Workers Rate Limiting binding or in one RateLimiter Durable Object per key.

describe('rate limits off D1', () => {
  it('the sizes of the binding limits in limits.ts are the ones wrangler.toml configures', () => {
    const configured = new Map(
      [...wranglerToml.matchAll(/\[\[ratelimits\]\]\s*name = "(\w+)"[^[]*?simple = \{ limit = (\d+), period = (\d+) \}/g)].map((m) => [
        m[1],
        { limit: Number(m[2]), period: Number(m[3]) },
      ]),
    );
    const declared = Object.values(RATE_LIMITS).flatMap((limit) =>
      limit.store === 'binding' ? [[limit.binding, { limit: limit.limit, period: limit.periodSeconds }] as const] : [],
    );
    expect(declared.length).toBeGreaterThan(0);
    for (const [binding, size] of declared) expect(configured.get(binding)).toEqual(size);
  });

  it('bill lookups are limited without writing a row to D1', async () => {
    await seedDemo();
    const headers = { 'CF-Connecting-IP': '192.0.2.210' };
    for (let i = 0; i < 30; i++) expect((await api(`/api/v1/bills/lookup/${DEMO_BILLS.stallA12.code}`, { headers })).status).toBe(200);
    const limited = await expectError(await api(`/api/v1/bills/lookup/${DEMO_BILLS.stallA12.code}`, { headers }), 429, 'rate_limited');
    expect(limited.error.message).toMatch(/^Bạn đã tra cứu hoá đơn quá nhiều lần .*hãy đợi 10 phút rồi thử lại\.$/);
    const row = await env.DB.prepare('SELECT count(*) AS n FROM rate_limits').first<{ n: number }>();
    expect(row!.n).toBe(0);
  });

  it('hitRateLimit keeps its meaning for older callers and shares the count of the named limit', async () => {
    const now = Date.now();
    for (let i = 0; i < 3; i++) expect((await hitRateLimit(env.DB, 'test:caller', 3, 60, now)).allowed).toBe(true);
    const refused = await hitRateLimit(env.DB, 'test:caller', 3, 60, now);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 60 });
    // bill-lookup:<address> is the object that hit('billLookup', address) counts in.
    for (let i = 0; i < 30; i++) await hitRateLimit(env.DB, 'bill-lookup:192.0.2.211', 30, 600, Date.now());
    await expectError(
      await api('/api/v1/bills/lookup/ABCDEFGHJK', { headers: { 'CF-Connecting-IP': '192.0.2.211' } }),
      429,
      'rate_limited',
    );
  });
});
