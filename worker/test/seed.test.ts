import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRODUCER_KINDS } from '../src/db/products';
import { buildSeedStatements, renderStatement } from '../src/seed/statements.ts';
import { api, bearer, login, seedDemo } from './helpers';

const TABLES = ['organizations', 'users', 'products', 'products_fts', 'bills', 'markets', 'stalls', 'payers'];

/** Every row of every seeded table, as text: equal snapshots mean nothing changed. */
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all();
    parts.push(JSON.stringify(results));
  }
  return parts.join('\n');
}

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) counts[table] = (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
  return counts;
}

/** What the demo seed holds, as the README describes it. */
const SEEDED_ROWS = { organizations: 24, users: 10, products: 80, products_fts: 80, bills: 9, markets: 1, stalls: 10, payers: 6 };

/** Empties the seeded tables, children first (a session goes with its user). */
async function emptySeededTables(): Promise<void> {
  await env.DB.batch(
    ['products', 'bills', 'stalls', 'markets', 'payers', 'sessions', 'users', 'organizations'].map((table) =>
      env.DB.prepare(`DELETE FROM ${table}`),
    ),
  );
}

beforeAll(seedDemo);

describe('the dev seed', () => {
  it('changes nothing when run a second time', async () => {
    const before = await snapshot();
    expect(await rowCounts()).toEqual(SEEDED_ROWS);
    const statements = await buildSeedStatements();
    const results = await env.DB.batch(statements.map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
    expect(results.reduce((changes, result) => changes + result.meta.changes, 0)).toBe(0);
    await seedDemo();
    expect(await snapshot()).toBe(before);
    expect(await rowCounts()).toEqual(SEEDED_ROWS);
  });

  it('renders to the same SQL every time, so the file `npm run dev` executes is stable', async () => {
    const first = (await buildSeedStatements()).map(renderStatement).join('\n');
    const second = (await buildSeedStatements()).map(renderStatement).join('\n');
    expect(second).toBe(first);
    expect(first).toContain('ON CONFLICT');
    // The file (statements with their values written in) seeds exactly the rows the bound
    // statements do, on an empty database, and running it again changes nothing.
    const seeded = await snapshot();
    const file = (await buildSeedStatements()).map(renderStatement);
    await emptySeededTables();
    expect(await rowCounts()).toEqual(Object.fromEntries(TABLES.map((table) => [table, 0])));
    await env.DB.batch(file.map((sql) => env.DB.prepare(sql)));
    expect(await snapshot()).toBe(seeded);
    const again = await env.DB.batch(file.map((sql) => env.DB.prepare(sql)));
    expect(again.reduce((changes, result) => changes + result.meta.changes, 0)).toBe(0);
    expect(await snapshot()).toBe(seeded);
  });

  it('has 19 producers in 16 communes and 80 products across all six groups', async () => {
    const producers = await env.DB.prepare(
      `SELECT count(*) AS n, count(DISTINCT commune) AS communes FROM organizations WHERE kind IN (${PRODUCER_KINDS.map(() => '?').join(', ')})`,
    )
      .bind(...PRODUCER_KINDS)
      .first<{ n: number; communes: number }>();
    expect(producers).toEqual({ n: 19, communes: 16 });
    const kinds = await env.DB.prepare('SELECT kind, count(*) AS n FROM organizations GROUP BY kind ORDER BY kind').all();
    expect(kinds.results).toEqual([
      { kind: 'commune_office', n: 1 },
      { kind: 'cooperative', n: 7 },
      { kind: 'cooperative_group', n: 3 },
      { kind: 'enterprise', n: 3 },
      { kind: 'hospital', n: 1 },
      { kind: 'household', n: 6 },
      { kind: 'market_board', n: 1 },
      { kind: 'school', n: 1 },
      { kind: 'utility', n: 1 },
    ]);
    const products = await env.DB.prepare(
      "SELECT count(*) AS n, count(DISTINCT category) AS groups, sum(status = 'draft') AS drafts FROM products",
    ).first<{ n: number; groups: number }>();
    expect(products).toEqual({ n: 80, groups: 6, drafts: 2 });
    const groups = await env.DB.prepare('SELECT category, count(*) AS n FROM products GROUP BY category ORDER BY category').all();
    expect(groups.results).toEqual([
      { category: 'beverages', n: 7 },
      { category: 'food', n: 24 },
      { category: 'handicrafts', n: 26 },
      { category: 'herbs', n: 6 },
      { category: 'textiles', n: 8 },
      { category: 'tourism', n: 9 },
    ]);
  });

  it('mixes 3, 4 and 5 stars, an expired certificate and products without OCOP', async () => {
    const { results } = await env.DB.prepare(
      `SELECT coalesce(ocop_stars, 0) AS stars, count(*) AS n, sum(ocop_expires_at < date('now')) AS expired
       FROM products GROUP BY 1 ORDER BY 1`,
    ).all<{ stars: number; n: number; expired: number | null }>();
    expect(results.map((row) => row.stars)).toEqual([0, 3, 4, 5]);
    expect(results.map((row) => [row.stars, row.n])).toEqual([
      [0, 25],
      [3, 23],
      [4, 20],
      [5, 12],
    ]);
    expect(results.reduce((sum, row) => sum + (row.expired ?? 0), 0)).toBeGreaterThanOrEqual(1);
    // Two certificates were seeded already expired (the others expire from 2027 on).
    const expired = await env.DB.prepare(
      "SELECT id, ocop_stars AS stars, ocop_expires_at < date('now') AS expired FROM products WHERE ocop_expires_at < '2027-01-01' ORDER BY id",
    ).all();
    expect(expired.results).toEqual([
      { id: 'prd_chum_sanh_phu_lang', stars: 4, expired: 1 },
      { id: 'prd_nem_bui_ninh_xa', stars: 3, expired: 1 },
    ]);
  });

  it('has the demo accounts of the README, each in its organization', async () => {
    const { results } = await env.DB.prepare(
      'SELECT u.email, u.role, o.name AS organization, o.kind FROM users u LEFT JOIN organizations o ON o.id = u.organization_id ORDER BY u.email',
    ).all();
    expect(results).toEqual([
      { email: 'admin2@choso.test', role: 'admin', organization: null, kind: null },
      { email: 'admin@choso.test', role: 'admin', organization: null, kind: null },
      { email: 'biller@choso.test', role: 'biller_staff', organization: 'Trường THCS Đình Bảng', kind: 'school' },
      { email: 'ketoan@choso.test', role: 'biller_staff', organization: 'Trường THCS Đình Bảng', kind: 'school' },
      { email: 'market@choso.test', role: 'market_manager', organization: 'Ban quản lý chợ Chũ', kind: 'market_board' },
      {
        email: 'seller2@choso.test',
        role: 'seller',
        organization: 'Công ty TNHH Thực phẩm truyền thống Đình Bảng',
        kind: 'enterprise',
      },
      { email: 'seller3@choso.test', role: 'seller', organization: 'HTX Rượu làng Vân', kind: 'cooperative' },
      { email: 'seller@choso.test', role: 'seller', organization: 'HTX Gốm Phù Lãng', kind: 'cooperative' },
      { email: 'shopper@choso.test', role: 'shopper', organization: null, kind: null },
      { email: 'water@choso.test', role: 'biller_staff', organization: 'Công ty CP Nước sạch Bắc Ninh', kind: 'utility' },
    ]);
  });

  it('has the open demo bills the README lists, one or more of every type', async () => {
    const { results } = await env.DB.prepare(
      'SELECT b.code, b.type, o.name AS biller, b.amount, b.status FROM bills b JOIN organizations o ON o.id = b.biller_id ORDER BY b.rowid',
    ).all();
    expect(results).toEqual([
      { code: 'HP8A26DBA5', type: 'tuition', biller: 'Trường THCS Đình Bảng', amount: 350000, status: 'open' },
      { code: 'BT8C26DBNM', type: 'tuition', biller: 'Trường THCS Đình Bảng', amount: 480000, status: 'open' },
      { code: 'KQAHT25269', type: 'market_fee', biller: 'Ban quản lý chợ Chũ', amount: 300000, status: 'open' },
      { code: 'KQBTM2526A', type: 'market_fee', biller: 'Ban quản lý chợ Chũ', amount: 250000, status: 'open' },
      { code: 'VPBNH2628W', type: 'hospital', biller: 'Bệnh viện Đa khoa Thuận Thành', amount: 1250000, status: 'open' },
      { code: 'HCCTD2637Z', type: 'admin_fee', biller: 'Ủy ban nhân dân xã Phù Lãng', amount: 50000, status: 'open' },
      { code: 'NBNKH2345F', type: 'water', biller: 'Công ty CP Nước sạch Bắc Ninh', amount: 187000, status: 'open' },
      { code: 'NBNKH2346D', type: 'water', biller: 'Công ty CP Nước sạch Bắc Ninh', amount: 163000, status: 'open' },
      { code: 'NBNKH2347B', type: 'water', biller: 'Công ty CP Nước sạch Bắc Ninh', amount: 241000, status: 'open' },
    ]);
  });

  it('has the demo market Chợ Chũ with 9 active stalls and 1 vacant', async () => {
    const stalls = await env.DB.prepare(
      `SELECT m.name, count(*) AS stalls, sum(s.status = 'active') AS active, sum(s.status = 'vacant') AS vacant
       FROM stalls s JOIN markets m ON m.id = s.market_id GROUP BY m.id`,
    ).all();
    expect(stalls.results).toEqual([{ name: 'Chợ Chũ', stalls: 10, active: 9, vacant: 1 }]);
  });

  it.each([
    ['admin@choso.test', 'admin', null],
    ['seller@choso.test', 'seller', 'cooperative'],
    ['seller2@choso.test', 'seller', 'enterprise'],
    ['shopper@choso.test', 'shopper', null],
    ['biller@choso.test', 'biller_staff', 'school'],
    ['market@choso.test', 'market_manager', 'market_board'],
    ['water@choso.test', 'biller_staff', 'utility'],
  ])('lets %s sign in with demo1234 as %s', async (email, role, kind) => {
    const me = await (await api('/api/v1/me', bearer(await login(email)))).json<{
      role: string;
      organization: { id: string; kind: string } | null;
    }>();
    expect(me.role).toBe(role);
    if (kind) expect(me.organization?.kind).toBe(kind);
    else expect(me.organization).toBeNull();
    if (role === 'seller') expect(PRODUCER_KINDS).toContain(me.organization?.kind);
    if (kind === 'school' || kind === 'market_board' || kind === 'utility') {
      // Billers are paid by VietQR later, so they need a payee account.
      const bank = await env.DB.prepare('SELECT bank_bin, bank_account_no FROM organizations WHERE id = ?1')
        .bind(me.organization!.id)
        .first<{ bank_bin: string; bank_account_no: string }>();
      expect(bank!.bank_bin).toMatch(/^\d{6}$/);
      expect(bank!.bank_account_no).toMatch(/^\d+$/);
    }
  });
});
