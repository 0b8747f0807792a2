/**
 * D1 with retries for transient errors, wrapped around the binding once per environment.
 *
 * Cloudflare documents which D1 errors are transient and worth another try: "Network
 * connection lost", "storage caused object to be reset" and "reset because its code was
 * updated" (https://developers.cloudflare.com/d1/best-practices/retry-queries/), with an
 * exponential backoff and jitter. D1 already retries read-only queries twice on its own; it
 * recommends that applications also retry writes that are idempotent by their business logic.
 *
 * What we retry: a statement, or a batch whose every statement, is either read-only
 * (SELECT, WITH, EXPLAIN, writing nothing) or an insert that a conflict turns into nothing
 * (`INSERT OR IGNORE`, `ON CONFLICT … DO NOTHING`) without RETURNING, so running it twice
 * leaves the same rows and the same answer. Every other write is never retried: it may have
 * reached the database before the connection dropped, and the caller (through the request's
 * Idempotency-Key, or the unique key of a bank credit) decides what a second attempt means.
 */

const RETRYABLE_MESSAGES = ['Network connection lost', 'storage caused object to be reset', 'reset because its code was updated'];

export const D1_RETRY = { attempts: 4, baseDelayMs: 40, maxDelayMs: 1000 };

export function isRetryableD1Error(error: unknown): boolean {
  const message = String(error instanceof Error ? error.message : error);
  return RETRYABLE_MESSAGES.some((text) => message.includes(text));
}

const WRITE_KEYWORD = /\b(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|ATTACH|DETACH|PRAGMA|VACUUM|REINDEX)\b/i;
const READ_START = /^\s*(SELECT|WITH|EXPLAIN)\b/i;
const IGNORED_INSERT = /^\s*INSERT\s+OR\s+IGNORE\b|\bON\s+CONFLICT\b[^;]*\bDO\s+NOTHING\s*;?\s*$/i;

/** Whether running the statement twice leaves the database and its answer as running it once. */
export function isIdempotentStatement(sqlText: string): boolean {
  if (READ_START.test(sqlText) && !WRITE_KEYWORD.test(sqlText)) return true;
  if (/\bRETURNING\b/i.test(sqlText)) return false;
  const writes = sqlText.match(new RegExp(WRITE_KEYWORD.source, 'gi')) ?? [];
  return IGNORED_INSERT.test(sqlText) && writes.every((keyword) => keyword.toUpperCase() === 'INSERT');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withRetries<T>(run: () => Promise<T>, retryable: boolean): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (!retryable || attempt >= D1_RETRY.attempts || !isRetryableD1Error(error)) throw error;
      // Full jitter: a random wait up to the exponential step, so retries of many requests spread out.
      const step = Math.min(D1_RETRY.maxDelayMs, D1_RETRY.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * step);
    }
  }
}

const RUNS = new Set<PropertyKey>(['first', 'all', 'run', 'raw']);
const statementSql = new WeakMap<object, { real: D1PreparedStatement; sql: string }>();

function wrapStatement(real: D1PreparedStatement, sqlText: string): D1PreparedStatement {
  const wrapper = new Proxy(real, {
    get(target, property) {
      if (property === 'bind') return (...values: unknown[]) => wrapStatement(target.bind(...values), sqlText);
      const value = Reflect.get(target, property, target);
      if (RUNS.has(property) && typeof value === 'function') {
        return (...args: unknown[]) => withRetries(() => value.apply(target, args), isIdempotentStatement(sqlText));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  statementSql.set(wrapper, { real, sql: sqlText });
  return wrapper;
}

/** The binding with retries; every other property (withSession, dump…) passes through. */
export function resilientD1(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sqlText: string) => wrapStatement(target.prepare(sqlText), sqlText);
      if (property === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          const entries = statements.map((statement) => statementSql.get(statement) ?? { real: statement, sql: '' });
          const retryable = entries.every((entry) => entry.sql !== '' && isIdempotentStatement(entry.sql));
          return withRetries(() => target.batch(entries.map((entry) => entry.real)), retryable);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const wrapped = new WeakMap<object, Env>();

/** The environment with its DB binding wrapped, made once per environment object. */
export function withResilientDb<E extends { DB: D1Database }>(env: E): E {
  let result = wrapped.get(env) as E | undefined;
  if (!result) {
    result = { ...env, DB: resilientD1(env.DB) };
    wrapped.set(env, result as unknown as Env);
  }
  return result;
}
