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
