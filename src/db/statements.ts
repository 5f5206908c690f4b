import type { Database, Statement } from "better-sqlite3";

const prepared = new WeakMap<Database, Map<string, Statement>>();

/**
 * The statement for `sql` on `db`, prepared once and then reused. Preparing parses and plans the SQL
 * (about 25 µs), and an API request used to prepare four or five: for hot paths (every request, every
 * row of a file). Use it with `get`, `all` and `run`, never `iterate`; `pluck` mode is part of the key,
 * so no caller sees a mode another caller set.
 */
export function cachedStatement(db: Database, sql: string, mode: "rows" | "pluck" = "rows"): Statement {
  const statements = prepared.get(db) ?? new Map<string, Statement>();
  prepared.set(db, statements);
  const key = `${mode}:${sql}`;
  let statement = statements.get(key);
  if (!statement) {
    statement = db.prepare(sql);
    if (mode === "pluck") statement.pluck();
    statements.set(key, statement);
  }
  return statement;
}
