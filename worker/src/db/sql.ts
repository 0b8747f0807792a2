/**
 * SQL with its parameters, for statements put together from parts (a transition's update
 * plus the caller's condition, a list's optional filters). Every value becomes a plain `?`
 * with the value beside it in order, so joining fragments never renumbers placeholders:
 * there is no string surgery on SQL, and a value can never become SQL text.
 */

export type SqlValue = string | number | null;

export class Sql {
  constructor(
    readonly text: string,
    readonly params: readonly SqlValue[],
  ) {}
}

/**
 * A tagged template: values become `?` parameters; an interpolated Sql is inlined with its
 * own parameters.
 *
 * @example sql`status = ${'open'} AND ${sql`amount > ${0}`}` // text "status = ? AND amount > ?", params ['open', 0]
 */
export function sql(strings: TemplateStringsArray, ...values: Array<SqlValue | Sql>): Sql {
  let text = strings[0]!;
  const params: SqlValue[] = [];
  values.forEach((value, index) => {
    if (value instanceof Sql) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[index + 1]!;
  });
  return new Sql(text, params);
}

/** Fragments joined by a separator such as ' AND ' or ', '. */
export function join(fragments: readonly Sql[], separator: string): Sql {
  return new Sql(
    fragments.map((fragment) => fragment.text).join(separator),
    fragments.flatMap((fragment) => fragment.params),
  );
}

/** Text that is trusted SQL (a column name from our own list), never a value from outside. */
export function trusted(text: string): Sql {
  return new Sql(text, []);
}

/** `?, ?, ?` for a list of values, e.g. in `IN (…)`. */
export function list(values: readonly SqlValue[]): Sql {
  return new Sql(values.map(() => '?').join(', '), values);
}

export function prepare(db: D1Database, statement: Sql): D1PreparedStatement {
  return db.prepare(statement.text).bind(...statement.params);
}

/** Every condition holds: `(a) AND (b) AND …`. */
export function all(conditions: readonly Sql[]): Sql {
  return join(
    conditions.map((condition) => sql`(${condition})`),
    ' AND ',
  );
}

/** D1 allows 100 bound parameters a statement: look-ups by list go in slices. */
const IN_LIST = 90;

/** Runs `query` for slices of `values` short enough for one statement, and concatenates the rows. */
export async function inSlices<T>(values: readonly string[], query: (slice: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let start = 0; start < values.length; start += IN_LIST) rows.push(...(await query(values.slice(start, start + IN_LIST))));
  return rows;
}

/**
 * How many rows a write changed, counted from the rows its `RETURNING` clause gave back.
 * D1's `meta.changes` also counts what triggers wrote (the FTS triggers on products and
 * organizations, say), so it never decides an answer: every write whose answer depends on
 * whether it applied returns a column and is read through this.
 */
export function rowsWritten(result: D1Result | undefined): number {
  return result?.results?.length ?? 0;
}
