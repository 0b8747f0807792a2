import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { countFacets, FACET_CELLS_SQL, facetsOfCells, listCategories, type ProductQuery } from '../src/db/products';
import { parseFacetCells } from '../src/domain/facet-cells';
import { buildSeedStatements } from '../src/seed/statements';

// A migration meets a database that already holds rows, which the other tests never show: they
// apply every migration to an empty database and seed it afterwards. Here the migrations run up
// to one of them on MIGRATION_DB, the demo's rows are written, and the rest run over them.

const db = () => env.MIGRATION_DB;
const upTo = (name: string) => env.TEST_MIGRATIONS.filter((migration) => migration.name < name);
const today = '2026-12-03';

describe('migration 0019 (organizations and bills rebuilt) and 0020 (facet cells) over existing rows', () => {
  it('keeps every organization and bill, and fills the facet cells from the products already there', async () => {
    await applyD1Migrations(db(), upTo('0019'));
    // The demo's organizations, products and bills, as they stood before utilities existed.
    const seed = await buildSeedStatements();
    const utilities = new Set(
      seed.filter(({ sql, params }) => sql.includes('INSERT INTO organizations') && params[1] === 'utility').map(({ params }) => params[0]),
    );
    const kept = seed.filter(({ sql, params }) =>
      sql.includes('INSERT INTO organizations')
        ? !utilities.has(params[0] ?? null)
        : sql.includes('INSERT INTO products') || (sql.includes('INSERT INTO bills') && !utilities.has(params[2] ?? null)),
    );
    await db().batch(
      kept.map(({ sql, params }) =>
        db()
          .prepare(sql)
          .bind(...params),
      ),
    );
    const before = {
      organizations: await db().prepare('SELECT * FROM organizations ORDER BY id').all(),
      bills: await db().prepare('SELECT id, code, biller_id, amount, status, due_date FROM bills ORDER BY id').all(),
    };
    const written = (table: string) => kept.filter(({ sql }) => sql.includes(`INSERT INTO ${table} `)).length;
    expect(before.organizations.results).toHaveLength(written('organizations'));
    expect(before.bills.results).toHaveLength(written('bills'));
    expect(written('bills')).toBeGreaterThan(0);

    await applyD1Migrations(db(), upTo('0020'));
    expect((await db().prepare('SELECT * FROM organizations ORDER BY id').all()).results).toEqual(before.organizations.results);
    expect((await db().prepare('SELECT id, code, biller_id, amount, status, due_date FROM bills ORDER BY id').all()).results).toEqual(
      before.bills.results,
    );

    await applyD1Migrations(db(), env.TEST_MIGRATIONS);
    const row = await db().prepare(FACET_CELLS_SQL).first<{ cells: string }>();
    const cells = parseFacetCells(row!.cells);
    for (const query of [
      { sort: 'relevance', limit: 24 },
      { sort: 'relevance', limit: 24, category: 'food', minStars: 4 },
      { sort: 'relevance', limit: 24, minPrice: 100_000, maxPrice: 300_000 },
    ] as ProductQuery[]) {
      const { total, ...facets } = facetsOfCells(cells, query, today);
      expect(facets).toEqual(await countFacets(db(), query, today, 'whole'));
      expect(total).toBeGreaterThan(0);
    }
    const publicProducts = await db()
      .prepare("SELECT count(*) AS n FROM products WHERE status = 'active' AND hidden_at IS NULL")
      .first<number>('n');
    expect(facetsOfCells(cells, { sort: 'relevance', limit: 24 }, today).total).toBe(publicProducts);
    expect((await listCategories(db())).reduce((sum, category) => sum + category.productCount, 0)).toBe(publicProducts);

    // The triggers that 0020 put in place follow a write made after it.
    await db()
      .prepare("UPDATE products SET status = 'archived' WHERE id = (SELECT id FROM products WHERE status = 'active' LIMIT 1)")
      .run();
    const after = parseFacetCells((await db().prepare(FACET_CELLS_SQL).first<{ cells: string }>())!.cells);
    expect(facetsOfCells(after, { sort: 'relevance', limit: 24 }, today).total).toBe((publicProducts ?? 0) - 1);
  });
});
