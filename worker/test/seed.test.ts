import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRODUCER_KINDS } from '../src/db/products';
import { buildSeedStatements, renderStatement } from '../src/seed/statements.ts';
import { api, bearer, login, seedDemo } from './helpers';

const TABLES = ['organizations', 'users', 'products', 'products_fts', 'bills', 'markets', 'stalls'];

/** Every row of every seeded table, as text: equal snapshots mean nothing changed. */
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all();
    parts.push(JSON.stringify(results));
  }
  return parts.join('\n');
}

beforeAll(seedDemo);

describe('the dev seed', () => {
  it('changes nothing when run a second time', async () => {
    const before = await snapshot();
    await seedDemo();
    expect(await snapshot()).toBe(before);
  });

  it('renders to the same SQL every time, so the file `npm run dev` executes is stable', async () => {
    const first = (await buildSeedStatements()).map(renderStatement).join('\n');
    const second = (await buildSeedStatements()).map(renderStatement).join('\n');
    expect(second).toBe(first);
    expect(first).toContain('ON CONFLICT');
  });

  it('has at least 12 producers and 60 products across all six groups', async () => {
    const producers = await env.DB.prepare(
      `SELECT count(*) AS n, count(DISTINCT commune) AS communes FROM organizations WHERE kind IN (${PRODUCER_KINDS.map(() => '?').join(', ')})`,
    )
      .bind(...PRODUCER_KINDS)
      .first<{ n: number; communes: number }>();
    expect(producers!.n).toBeGreaterThanOrEqual(12);
    expect(producers!.communes).toBeGreaterThan(5);
    const products = await env.DB.prepare('SELECT count(*) AS n, count(DISTINCT category) AS groups FROM products').first<{
      n: number;
      groups: number;
    }>();
    expect(products!.n).toBeGreaterThanOrEqual(60);
    expect(products!.groups).toBe(6);
  });

  it('mixes 3, 4 and 5 stars, an expired certificate and products without OCOP', async () => {
    const { results } = await env.DB.prepare(
      `SELECT coalesce(ocop_stars, 0) AS stars, count(*) AS n, sum(ocop_expires_at < date('now')) AS expired
       FROM products GROUP BY 1 ORDER BY 1`,
    ).all<{ stars: number; n: number; expired: number | null }>();
    expect(results.map((row) => row.stars)).toEqual([0, 3, 4, 5]);
    expect(results.reduce((sum, row) => sum + (row.expired ?? 0), 0)).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['admin@choso.test', 'admin', null],
    ['seller@choso.test', 'seller', 'cooperative'],
    ['seller2@choso.test', 'seller', null],
    ['shopper@choso.test', 'shopper', null],
    ['biller@choso.test', 'biller_staff', 'school'],
    ['market@choso.test', 'market_manager', 'market_board'],
  ])('lets %s sign in with demo1234 as %s', async (email, role, kind) => {
    const me = await (await api('/api/v1/me', bearer(await login(email)))).json<{
      role: string;
      organization: { id: string; kind: string } | null;
    }>();
    expect(me.role).toBe(role);
    if (kind) expect(me.organization?.kind).toBe(kind);
    if (role === 'seller') expect(PRODUCER_KINDS).toContain(me.organization?.kind);
    if (kind === 'school' || kind === 'market_board') {
      // Billers are paid by VietQR later, so they need a payee account.
      const bank = await env.DB.prepare('SELECT bank_bin, bank_account_no FROM organizations WHERE id = ?1')
        .bind(me.organization!.id)
        .first<{ bank_bin: string; bank_account_no: string }>();
      expect(bank!.bank_bin).toMatch(/^\d{6}$/);
      expect(bank!.bank_account_no).toMatch(/^\d+$/);
    }
  });
});
