import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D1_RETRY, isIdempotentStatement, isRetryableD1Error, resilientD1 } from '../src/db/resilient-d1';
import worker from '../src/worker';
import { ORIGIN, seedDemo } from './helpers';

/**
 * The real database behind a wrapper that fails the first `failures` round trips with a
 * transient error, as D1 does when a connection drops: before the statement reaches the
 * database (`when: 'before'`), or after it ran (`when: 'after'`, the answer lost on the way).
 */
function flakyD1(real: D1Database, failures: number, when: 'before' | 'after' = 'before', message = 'D1_ERROR: Network connection lost.') {
  let left = failures;
  let attempts = 0;
  const maybeFail = async <T>(run: () => Promise<T>): Promise<T> => {
    attempts += 1;
    if (left > 0 && when === 'before') {
      left -= 1;
      throw new Error(message);
    }
    const result = await run();
    if (left > 0) {
      left -= 1;
      throw new Error(message);
    }
    return result;
  };
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values));
        const value = Reflect.get(target, property, target);
        if (['first', 'all', 'run', 'raw'].includes(String(property)))
          return (...args: unknown[]) => maybeFail(() => value.apply(target, args));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const db = new Proxy(real, {
    get(target, property) {
      if (property === 'prepare') return (text: string) => wrap(target.prepare(text));
      if (property === 'batch') return (statements: D1PreparedStatement[]) => maybeFail(() => target.batch(statements));
      // The worker runs each request in a D1 session (middleware/d1-session.ts): the session is this same flaky database.
      if (property === 'withSession')
        return () => new Proxy(db, { get: (self, name) => (name === 'getBookmark' ? () => null : Reflect.get(self, name)) });
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db, attempts: () => attempts };
}

async function count(table: string, where = '1 = 1') {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).first<{ n: number }>())!.n;
}

beforeAll(async () => {
  await env.DB.exec('CREATE TABLE IF NOT EXISTS retry_probe (id TEXT PRIMARY KEY, note TEXT)');
});

describe('which statements are retried', () => {
  it.each([
    ['SELECT * FROM products WHERE id = ?', true],
    ['WITH t AS (SELECT 1) SELECT * FROM t', true],
    ['EXPLAIN QUERY PLAN SELECT 1', true],
    ['INSERT OR IGNORE INTO retry_probe (id) VALUES (?)', true],
    ['INSERT INTO bank_credits (id) VALUES (?) ON CONFLICT (account_number, transaction_id) DO NOTHING', true],
    ['INSERT INTO retry_probe (id) VALUES (?)', false],
    ['INSERT INTO retry_probe (id) VALUES (?) ON CONFLICT DO NOTHING RETURNING id', false],
    ['INSERT INTO t (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET n = n + 1', false],
    ['UPDATE payments SET status = ? WHERE id = ?', false],
    ['DELETE FROM sessions WHERE id = ?', false],
    ['WITH x AS (SELECT 1) UPDATE products SET stock = stock - 1', false],
  ])('%s → %s', (text, expected) => {
    expect(isIdempotentStatement(text)).toBe(expected);
  });

  it.each([
    ['D1_ERROR: Network connection lost.', true],
    ['Error: D1_ERROR: internal error; reference = x; storage caused object to be reset', true],
    ['Durable Object reset because its code was updated.', true],
    ['D1_ERROR: UNIQUE constraint failed: bank_credits.account_number', false],
    ['D1_ERROR: no such table: nope', false],
  ])('%s is transient: %s', (message, expected) => {
    expect(isRetryableD1Error(new Error(message))).toBe(expected);
  });
});

describe('D1 with retries (db/resilient-d1.ts) on the real database', () => {
  it('reads again after a dropped connection and answers as if nothing happened', async () => {
    const flaky = flakyD1(env.DB, 2);
    const row = await resilientD1(flaky.db).prepare('SELECT 41 + 1 AS answer').first<{ answer: number }>();
    expect(row).toEqual({ answer: 42 });
    expect(flaky.attempts()).toBe(3);
  });

  it('runs an insert that a conflict turns into nothing again, and it lands once', async () => {
    const flaky = flakyD1(env.DB, 1, 'after');
    await resilientD1(flaky.db).prepare('INSERT OR IGNORE INTO retry_probe (id, note) VALUES (?1, ?2)').bind('idem-1', 'once').run();
    expect(flaky.attempts()).toBe(2);
    expect(await count('retry_probe', "id = 'idem-1'")).toBe(1);
  });

  it('never retries a plain write: the error reaches the caller, and the row is written once', async () => {
    const flaky = flakyD1(env.DB, 1, 'after');
    const insert = resilientD1(flaky.db).prepare('INSERT INTO retry_probe (id, note) VALUES (?1, ?2)').bind('plain-1', 'x');
    await expect(insert.run()).rejects.toThrow('Network connection lost');
    expect(flaky.attempts()).toBe(1);
    expect(await count('retry_probe', "id = 'plain-1'")).toBe(1);
  });

  it('retries a batch of reads, never a batch holding a write', async () => {
    const reads = flakyD1(env.DB, 1);
    const db = resilientD1(reads.db);
    const results = await db.batch([db.prepare('SELECT 1 AS n'), db.prepare('SELECT 2 AS n')]);
    expect(results.map((r) => r.results[0])).toEqual([{ n: 1 }, { n: 2 }]);
    expect(reads.attempts()).toBe(2);

    const mixed = flakyD1(env.DB, 1);
    const db2 = resilientD1(mixed.db);
    await expect(db2.batch([db2.prepare('SELECT 1'), db2.prepare("INSERT INTO retry_probe (id) VALUES ('batch-1')")])).rejects.toThrow(
      'Network connection lost',
    );
    expect(mixed.attempts()).toBe(1);
    expect(await count('retry_probe', "id = 'batch-1'")).toBe(0);
  });

  it('gives up after its attempts, and never retries an error that is not transient', async () => {
    const down = flakyD1(env.DB, 100);
    await expect(resilientD1(down.db).prepare('SELECT 1').first()).rejects.toThrow('Network connection lost');
    expect(down.attempts()).toBe(D1_RETRY.attempts);

    const broken = flakyD1(env.DB, 1, 'before', 'D1_ERROR: no such column: nope');
    await expect(resilientD1(broken.db).prepare('SELECT 1').first()).rejects.toThrow('no such column');
    expect(broken.attempts()).toBe(1);
  });

  it('serves the catalogue through two dropped connections', async () => {
    await seedDemo();
    const flaky = flakyD1(env.DB, 2);
    const request = new Request(`${ORIGIN}/api/v1/products?limit=3`) as Request<unknown, IncomingRequestCfProperties>;
    const res = await worker.fetch(request, { ...env, DB: flaky.db }, createExecutionContext());
    expect(res.status).toBe(200);
    expect(flaky.attempts()).toBeGreaterThanOrEqual(3);
    expect((await res.json<{ items: unknown[] }>()).items).toHaveLength(3);
  });
});
