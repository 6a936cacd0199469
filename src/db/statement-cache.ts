import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const capacity = 500;

/**
 * Hands Kysely a prepared statement per distinct SQL text instead of preparing it anew on every
 * query: preparing costs as much as running a small insert. A statement still busy (being
 * iterated) is not shared.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, RowStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = new RowStatement(sqlite.prepare(sql));
      if (cache.size >= capacity) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/**
 * Reads rows as arrays and names their columns in JavaScript: better-sqlite3 builds a row object
 * through one native call per column, which for a wide row (`select *` of a request) costs twice
 * as much as the read. Rows come out as better-sqlite3 would give them: a later column of the
 * same name wins.
 */
class RowStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: BetterSqlite3.Statement;
  readonly #names: string[];

  constructor(statement: BetterSqlite3.Statement) {
    this.#statement = statement;
    this.reader = statement.reader;
    this.#names = statement.reader ? statement.columns().map((column) => column.name) : [];
    if (statement.reader) statement.raw(true);
  }

  get busy(): boolean {
    return this.#statement.busy;
  }

  all(parameters: readonly unknown[]): unknown[] {
    const rows = this.#statement.all(parameters) as unknown[][];
    const named: unknown[] = new Array(rows.length);
    for (let index = 0; index < rows.length; index++) named[index] = this.#named(rows[index] as unknown[]);
    return named;
  }

  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#statement.run(parameters);
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    for (const row of this.#statement.iterate(parameters) as IterableIterator<unknown[]>) yield this.#named(row);
  }

  #named(values: unknown[]): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    const names = this.#names;
    for (let column = 0; column < names.length; column++) row[names[column] as string] = values[column];
    return row;
  }
}
