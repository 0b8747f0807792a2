import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { findBillHistory } from '../src/db/bill-history';
import { type BillQuery, listBills } from '../src/db/bills';
import { listExceptions } from '../src/db/exceptions';
import { listOcopProductRecords } from '../src/db/open-data';
import { listBuyerOrders, listSellerSubOrders } from '../src/db/orders';
import { buildFacetQueries, listCategories, listProducts, loadCataloguePage, PRODUCT_SORTS, type ProductQuery } from '../src/db/products';
import { listStatementLines } from '../src/db/statements';
import { api, jsonRequest, seedDemo } from './helpers';
import { insertOpenBill } from './payment-helpers';

// The plans of the paged lists other than the catalogue (catalogue.test.ts plans those):
// each list's real SQL, as its db/ function sends it, on the first page and on the page
// after a cursor. A table read whole (SCAN without an index) fails the test.

interface Statement {
  sql: string;
  params: unknown[];
}

/** The real database, recording every statement it is given before running it. */
function recording(db: D1Database): { db: D1Database; statements: Statement[] } {
  const statements: Statement[] = [];
  const wrapped = new Proxy(db, {
    get(target, property) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (sql: string) => {
        const statement: Statement = { sql, params: [] };
        statements.push(statement);
        const prepared = target.prepare(sql);
        return new Proxy(prepared, {
          get(inner, name) {
            if (name !== 'bind') {
              const value = Reflect.get(inner, name, inner);
              return typeof value === 'function' ? value.bind(inner) : value;
            }
            return (...params: unknown[]) => {
              statement.params = params;
              return inner.bind(...params);
            };
          },
        });
      };
    },
  });
  return { db: wrapped, statements };
}

async function planOf({ sql, params }: Statement): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((row) => row.detail).join('\n');
}

/**
 * The tables a plan reads whole: a SCAN without an index. A subquery's own few rows (its
 * CO-ROUTINE or MATERIALIZE) are read that way by design, and are not tables.
 */
function fullScans(plan: string): string[] {
  const subqueries = new Set([...plan.matchAll(/\b(?:CO-ROUTINE|MATERIALIZE) (\w+)/g)].map((m) => m[1]));
  return [...plan.matchAll(/\bSCAN (\w+)\b(?! (VIRTUAL TABLE|USING (COVERING )?INDEX))/g)]
    .map((m) => m[1]!)
    .filter((name) => !subqueries.has(name));
}

beforeAll(async () => {
  await seedDemo();
  // Enough bills of one biller for a second page in every filter below.
  for (let i = 0; i < 6; i++) await insertOpenBill(`PLAN${i}`, 'org_school_dinh_bang', 100000 + i);
  await env.DB.prepare("UPDATE bills SET status = 'paid' WHERE code IN ('PLAN0', 'PLAN1', 'PLAN2')").run();
});

describe('bill list query plans', () => {
  const queries: Array<[string, Omit<BillQuery, 'billerId' | 'limit'>]> = [
    ['no filter', {}],
    ['status', { status: 'open' }],
    ['type', { type: 'tuition' }],
    ['status and type', { status: 'paid', type: 'tuition' }],
    ['search', { q: 'Nam' }],
    ['search and status', { q: 'HS-X', status: 'open' }],
    ['month', { period: '2026-12' }],
    ['month and status', { period: '2026-12', status: 'paid' }],
  ];

  it.each(queries)('%s: the first page and the page after its cursor search an index', async (_name, filter) => {
    const query: BillQuery = { billerId: 'org_school_dinh_bang', limit: 1, ...filter };
    const first = recording(env.DB);
    const page = await listBills(first.db, query);
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const second = recording(env.DB);
    const next = await listBills(second.db, { ...query, cursor: page.nextCursor! });
    expect(next.items).toHaveLength(1);
    expect(next.items[0]!.id).not.toBe(page.items[0]!.id);
    for (const { statements } of [first, second]) {
      expect(statements).toHaveLength(1);
      const plan = await planOf(statements[0]!);
      expect(fullScans(plan)).toEqual([]);
      expect(plan).toMatch(/SEARCH b USING (COVERING )?INDEX bills_biller_/);
    }
    expect(second.statements[0]!.sql).toMatch(/b\.created_at < \?\d+ OR/);
  });
});

describe("a statement's lines and a bill's payments (migration 0018)", () => {
  it("a statement's page of lines searches its credits by statement, and each line's exception by credit", async () => {
    const { db, statements } = recording(env.DB);
    await listStatementLines(db, 'stm_plan', { limit: 100, after: { bookedAt: '2026-11-30T02:00:00.000Z', id: 'bcr_x' } });
    const plan = await planOf(statements[0]!);
    expect(fullScans(plan)).toEqual([]);
    expect(plan).toMatch(/SEARCH b USING INDEX bank_credits_statement \(statement_id=\?/);
    expect(plan).toMatch(/SEARCH x USING (COVERING )?INDEX payment_exceptions_bank_credit \(bank_credit_id=\?\)/);
  });

  it("a bill's payments and refunds are searched by bill, then by payment", async () => {
    const { db, statements } = recording(env.DB);
    await findBillHistory(db, 'bil_demo_stall_b07');
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      const plan = await planOf(statement);
      expect(fullScans(plan)).toEqual([]);
      expect(plan).toMatch(/INDEX payments_bill \(bill_id=\?\)/);
    }
  });
});

describe('the exceptions queue query plans', () => {
  it.each([
    ["an organization's open ones", { organizationId: 'org_market_board', status: 'open' as const }],
    ["an organization's of one type", { organizationId: 'org_market_board', type: 'unmatched_credit' }],
    ['every open one of one type (admins)', { status: 'open' as const, type: 'amount_mismatch' }],
  ])('%s: the page, the next page and the total search an index', async (_name, filter) => {
    await env.DB.batch(
      ['exc_plan_1', 'exc_plan_2'].map((id) =>
        env.DB.prepare(
          `INSERT INTO payment_exceptions (id, type, organization_id, amount, account_number, booked_date)
           VALUES (?1, 'unmatched_credit', 'org_market_board', 1000, '113000178542', '2026-11-30') ON CONFLICT (id) DO NOTHING`,
        ).bind(id),
      ),
    );
    const first = recording(env.DB);
    const page = await listExceptions(first.db, { ...filter, limit: 1 });
    const second = recording(env.DB);
    if (page.nextCursor) await listExceptions(second.db, { ...filter, limit: 1, cursor: page.nextCursor });
    for (const statement of [...first.statements, ...second.statements]) {
      expect(fullScans(await planOf(statement)), statement.sql).toEqual([]);
    }
  });
});

describe("a seller's order list query plan", () => {
  it('searches the sub-orders by seller, and each order and its lines by key', async () => {
    const order = await api(
      '/api/v1/orders',
      jsonRequest('POST', {
        items: [{ productId: 'prd_banh_phu_the_dinh_bang', quantity: 1 }],
        buyer: { name: 'Nguyễn Văn An', phone: '0912345678', address: 'Số 1, phường Đình Bảng, Bắc Ninh' },
      }),
    );
    expect(order.status).toBe(201);
    const { db, statements } = recording(env.DB);
    const items = await listSellerSubOrders(db, 'org_dinh_bang_food', { limit: 50 });
    expect(items).toHaveLength(1);
    expect(statements).toHaveLength(1);
    const plan = await planOf(statements[0]!);
    expect(fullScans(plan)).toEqual([]);
    expect(plan).toMatch(/SEARCH sub_orders USING (COVERING )?INDEX sub_orders_seller_created/);
    expect(plan).toMatch(/SEARCH o USING .*INDEX \S+ \(id=\?\)/);
    expect(plan).toMatch(/SEARCH oi USING .*INDEX \S+ \(order_id=\?\)/);
    // The criterion itself: a table read whole is caught, a subquery's rows are not.
    expect(fullScans('CO-ROUTINE s\nSCAN s\nSCAN bills\nSCAN b USING INDEX x\nSCAN products_fts VIRTUAL TABLE INDEX 0:M1')).toEqual([
      'bills',
    ]);
  });
});

describe('Vietnamese search and facet query plans', () => {
  const today = '2026-12-02';
  const searches: Array<[string, Partial<ProductQuery>]> = [
    ['typed with marks (exact spellings first)', { q: 'gốm' }],
    ['typed with marks, filtered', { q: 'gốm Phù', minStars: 3, commune: 'Phù Lãng', minPrice: 1 }],
    ['a prefix while typing', { q: 'tranh dong h' }],
  ];
  const cases = searches.flatMap(([name, query]) => PRODUCT_SORTS.map((sort) => [`${name}, sort=${sort}`, { ...query, sort }] as const));

  it.each(cases)('%s: every statement of both pages searches an index', async (_name, partial) => {
    const query = { limit: 1, ...partial } as ProductQuery;
    const first = recording(env.DB);
    const page = await listProducts(first.db, query, today);
    const second = recording(env.DB);
    if (page.nextCursor) await listProducts(second.db, { ...query, cursor: page.nextCursor }, today);
    for (const statement of [...first.statements, ...second.statements]) {
      expect(fullScans(await planOf(statement))).toEqual([]);
    }
  });

  it.each([
    ['the whole catalogue', {}],
    ['a group and a star level', { category: 'food', minStars: 4 }],
    ['a commune and a price range', { commune: 'Phù Lãng', minPrice: 100_000, maxPrice: 300_000 }],
    ['words (counted through the indexes)', { q: 'gốm' }],
  ] as Array<[string, Partial<ProductQuery>]>)('the catalogue page with %s: every statement searches an index', async (_name, partial) => {
    const query = { sort: 'relevance', limit: 24, ...partial } as ProductQuery;
    const page = recording(env.DB);
    await loadCataloguePage(page.db, query, today);
    await listCategories(page.db);
    expect(page.statements.length).toBeGreaterThanOrEqual(3);
    for (const statement of page.statements) {
      expect(fullScans(await planOf(statement)), statement.sql).toEqual([]);
    }
  });

  it.each([
    ['no words', {}],
    [
      'words with marks and every filter',
      { q: 'gốm', category: 'handicrafts', minStars: 3, commune: 'Phù Lãng', minPrice: 1, maxPrice: 900000 },
    ],
    ['a seller', { sellerId: 'org_htx_phu_lang' }],
  ] as Array<[string, Partial<ProductQuery>]>)('facet counts with %s search an index', async (_name, partial) => {
    const queries = buildFacetQueries({ sort: 'relevance', limit: 24, ...partial } as ProductQuery, today, 'whole');
    for (const statement of Object.values(queries)) {
      expect(fullScans(await planOf(statement))).toEqual([]);
    }
  });
});

describe("a shopper's order history and the open-data feed", () => {
  it('search the buyer index (both pages) and the status index', async () => {
    const first = recording(env.DB);
    const page = await listBuyerOrders(first.db, 'usr_shopper', 1);
    const second = recording(env.DB);
    await listBuyerOrders(second.db, 'usr_shopper', 1, page.nextCursor ?? 'WyIyMDI2LTAxLTAxIiwib3JkX3giXQ');
    for (const statement of [...first.statements, ...second.statements]) {
      const plan = await planOf(statement);
      expect(fullScans(plan)).toEqual([]);
      expect(plan).toMatch(/SEARCH o USING INDEX orders_buyer/);
    }
    const feed = recording(env.DB);
    await listOcopProductRecords(feed.db);
    const plan = await planOf(feed.statements[0]!);
    expect(fullScans(plan)).toEqual([]);
    expect(plan).toMatch(/SEARCH p USING INDEX products_status_stars/);
  });
});
