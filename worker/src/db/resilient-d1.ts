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

import { AsyncLocalStorage } from 'node:async_hooks';

const RETRYABLE_MESSAGES = ['Network connection lost', 'storage caused object to be reset', 'reset because its code was updated'];

export const D1_RETRY = { attempts: 4, baseDelayMs: 40, maxDelayMs: 1000 };

export function isRetryableD1Error(error: unknown): boolean {
  const message = String(error instanceof Error ? error.message : error);
  return RETRYABLE_MESSAGES.some((text) => message.includes(text));
}

const WRITE_KEYWORD = /\b(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|ATTACH|DETACH|PRAGMA|VACUUM|REINDEX)\b/i;
const READ_START = /^\s*(SELECT|WITH|EXPLAIN)\b/i;
const IGNORED_INSERT = /^\s*INSERT\s+OR\s+IGNORE\b|\bON\s+CONFLICT\b[^;]*\bDO\s+NOTHING\s*;?\s*$/i;

function readsOrIgnores(sqlText: string): boolean {
  if (READ_START.test(sqlText) && !WRITE_KEYWORD.test(sqlText)) return true;
  if (/\bRETURNING\b/i.test(sqlText)) return false;
  const writes = sqlText.match(new RegExp(WRITE_KEYWORD.source, 'gi')) ?? [];
  return IGNORED_INSERT.test(sqlText) && writes.every((keyword) => keyword.toUpperCase() === 'INSERT');
}

// The SQL texts are the code's own, a few hundred at most: each is classified once per isolate
// instead of scanning a kilobyte of catalogue SQL with three patterns on every request. Emptied
// when full, so what an isolate keeps stays bounded whatever it runs.
const MAX_CLASSIFIED = 512;
const classified = new Map<string, boolean>();

/** Whether running the statement twice leaves the database and its answer as running it once. */
export function isIdempotentStatement(sqlText: string): boolean {
  let idempotent = classified.get(sqlText);
  if (idempotent === undefined) {
    if (classified.size >= MAX_CLASSIFIED) classified.clear();
    idempotent = readsOrIgnores(sqlText);
    classified.set(sqlText, idempotent);
  }
  return idempotent;
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

/**
 * Rows D1 read and round trips made for one request, counted only when the benchmark asks for
 * it (MEASURE_D1_READS=1, see bench/requests.bench.mjs): D1 reports `meta.rows_read` per query,
 * which is what its pricing counts. `first()` gives no meta, so while counting it runs as `all()`.
 */
export interface D1Reads {
  rowsRead: number;
  queries: number;
}
const readsOfRequest = new AsyncLocalStorage<D1Reads>();

function counted<T extends D1Result | D1Result[]>(result: T, reads: D1Reads): T {
  for (const one of Array.isArray(result) ? result : [result]) reads.rowsRead += one.meta?.rows_read ?? 0;
  reads.queries += 1;
  return result;
}

async function runCounting(target: D1PreparedStatement, property: PropertyKey, args: unknown[], reads: D1Reads) {
  if (property === 'first') {
    const { results } = counted(await target.all<Record<string, unknown>>(), reads);
    const row = results[0] ?? null;
    return typeof args[0] === 'string' ? (row?.[args[0]] ?? null) : row;
  }
  if (property === 'all' || property === 'run') return counted(await (target[property] as () => Promise<D1Result>)(), reads);
  reads.queries += 1;
  return (target.raw as (...a: unknown[]) => Promise<unknown>)(...args);
}

/** Runs `handle` counting the D1 rows it reads; the answer says so in two headers. */
export async function withD1ReadCount(handle: () => Promise<Response>): Promise<Response> {
  if (readsOfRequest.getStore()) return handle();
  const reads: D1Reads = { rowsRead: 0, queries: 0 };
  return readsOfRequest.run(reads, async () => {
    const response = await handle();
    // Pages stream: read the whole body inside the count, so reads made while rendering count too.
    const body = await response.arrayBuffer();
    const headers = new Headers(response.headers);
    headers.set('X-D1-Rows-Read', String(reads.rowsRead));
    headers.set('X-D1-Queries', String(reads.queries));
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  });
}
const statementSql = new WeakMap<object, { real: D1PreparedStatement; sql: string }>();

function wrapStatement(real: D1PreparedStatement, sqlText: string): D1PreparedStatement {
  const wrapper = new Proxy(real, {
    get(target, property) {
      if (property === 'bind') return (...values: unknown[]) => wrapStatement(target.bind(...values), sqlText);
      const value = Reflect.get(target, property, target);
      if (RUNS.has(property) && typeof value === 'function') {
        return (...args: unknown[]) => {
          const reads = readsOfRequest.getStore();
          const run = reads ? () => runCounting(target, property, args, reads) : () => value.apply(target, args);
          return withRetries(run, isIdempotentStatement(sqlText));
        };
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
          const reads = readsOfRequest.getStore();
          const run = () => target.batch(entries.map((entry) => entry.real));
          return withRetries(reads ? async () => counted(await run(), reads) : run, retryable);
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
