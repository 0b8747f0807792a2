/**
 * A wrapper around the real D1 binding for fault tests: every statement and batch goes to
 * the real database, and the wrapper records what was sent and can make a batch fail as a
 * constraint would. The database itself is never mocked.
 */

export interface SentStatement {
  sql: string;
  params: unknown[];
}

export interface FaultyD1 {
  db: D1Database;
  /** Each batch sent, in order, with its statements. */
  batches: SentStatement[][];
  /** Round trips to D1 (a batch, or one statement run on its own): what D1's per-invocation query limit counts. */
  readonly calls: number;
}

/**
 * `failWhen` sees every statement of a batch; if it says yes for one, the whole batch fails,
 * as D1 would. `beforeBatch` runs just before a batch goes to the database, on the real one:
 * a concurrent request's write, landing between a handler's reads and its batch.
 */
export function faultyD1(
  real: D1Database,
  failWhen: (statement: SentStatement) => boolean = () => false,
  beforeBatch?: (batch: SentStatement[]) => Promise<void>,
): FaultyD1 {
  const sent = new WeakMap<object, { real: D1PreparedStatement; sql: string; params: unknown[] }>();
  const batches: SentStatement[][] = [];
  let calls = 0;
  const RUNS = new Set<PropertyKey>(['first', 'all', 'run', 'raw']);

  const wrap = (statement: D1PreparedStatement, sql: string, params: unknown[]): D1PreparedStatement => {
    const wrapper = new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values), sql, values);
        if (RUNS.has(property)) calls += 1;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    sent.set(wrapper, { real: statement, sql, params });
    return wrapper;
  };

  const db = new Proxy(real, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => wrap(target.prepare(sql), sql, []);
      if (property === 'batch')
        return async (statements: D1PreparedStatement[]) => {
          const entries = statements.map((statement) => sent.get(statement)!);
          const batch = entries.map(({ sql, params }) => ({ sql, params }));
          batches.push(batch);
          calls += 1;
          await beforeBatch?.(batch);
          if (batch.some(failWhen)) throw new Error('D1_ERROR: CHECK constraint failed: injected by the test');
          return target.batch(entries.map((entry) => entry.real));
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    db,
    batches,
    get calls() {
      return calls;
    },
  };
}

const PROXY_TARGET = Symbol('real D1 statement');

export interface DyingD1 {
  db: D1Database;
  /** How many batches were sent (or refused at the moment of dying). */
  readonly batches: number;
  readonly died: boolean;
}

/**
 * The worker "dies" at one batch boundary: just before its `batch`-th `db.batch()` (counted
 * from 1, nothing of that batch is written) or just after it (written, but the worker never
 * learns so). From then on every call throws, as a dead isolate makes no more calls; the
 * statements before are real.
 */
export function dyingD1(real: D1Database, dieAt: { batch: number; moment: 'before' | 'after' }): DyingD1 {
  let batches = 0;
  let died = false;
  const dead = () => {
    died = true;
    return new Error(`the worker died ${dieAt.moment} batch ${dieAt.batch} (injected by the test)`);
  };
  const guard = <T>(run: () => T): T => {
    if (died) throw dead();
    return run();
  };
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === PROXY_TARGET) return target;
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values));
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => guard(() => value.apply(target, args));
      },
    });
  const db = new Proxy(real, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => guard(() => wrap(target.prepare(sql)));
      if (property === 'batch')
        return async (statements: D1PreparedStatement[]) => {
          if (died) throw dead();
          batches += 1;
          if (batches === dieAt.batch && dieAt.moment === 'before') throw dead();
          // D1 takes only its own statements: each wrapper hands over the one it wraps.
          const results = await target.batch(statements.map((statement) => realStatement(statement)));
          if (batches === dieAt.batch && dieAt.moment === 'after') throw dead();
          return results;
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    db,
    get batches() {
      return batches;
    },
    get died() {
      return died;
    },
  };
}

function realStatement(statement: D1PreparedStatement): D1PreparedStatement {
  return (statement as unknown as Record<symbol, D1PreparedStatement>)[PROXY_TARGET] ?? statement;
}
