import { CompiledQuery } from 'kysely';
import type { Executor } from './database.ts';
import { executeCompiled } from './execute-compiled.ts';
import type { DB } from './schema.ts';

type Placeholder = 'question' | 'dollar';
// By the dialect's adapter, which a database and its transactions share.
const placeholderStyles = new WeakMap<object, Placeholder>();
const sqlTexts = new Map<string, string>();

/** SQLite's limit on bound parameters is 32,766; stay under it for every table. */
const maxParameters = 30_000;
const maxRowsPerStatement = 1000;

function placeholderStyle(db: Executor): Placeholder {
  const adapter = db.getExecutor().adapter;
  let style = placeholderStyles.get(adapter);
  if (!style) {
    const probe = db.selectFrom('agencies').select('id').where('id', '=', '').compile().sql;
    style = probe.includes('$1') ? 'dollar' : 'question';
    placeholderStyles.set(adapter, style);
  }
  return style;
}

function insertText(table: string, columns: string[], rowCount: number, style: Placeholder): string {
  const key = `${style}|${table}|${columns.join(',')}|${rowCount}`;
  let text = sqlTexts.get(key);
  if (!text) {
    let n = 0;
    const rows: string[] = [];
    for (let r = 0; r < rowCount; r += 1) {
      rows.push(`(${columns.map(() => (style === 'dollar' ? `$${++n}` : '?')).join(', ')})`);
    }
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${rows.join(', ')}`;
    sqlTexts.set(key, text);
  }
  return text;
}

const dollarTexts = new Map<string, string>();

/** The statement in the database's placeholder style: `?` for SQLite, `$1, $2, …` for PostgreSQL. */
function inDialect(db: Executor, text: string): string {
  if (placeholderStyle(db) === 'question') return text;
  let sqlText = dollarTexts.get(text);
  if (!sqlText) {
    let n = 0;
    sqlText = text.replace(/\?/g, () => `$${++n}`);
    dollarTexts.set(text, sqlText);
  }
  return sqlText;
}

/**
 * Runs one statement written with `?` placeholders as a prepared statement, skipping Kysely's query
 * tree: for statements run once per changed row, building the tree costs more than running them.
 */
export async function runStatement(db: Executor, text: string, parameters: readonly unknown[]): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(inDialect(db, text), [...parameters]));
}

/**
 * The rows of one select written with `?` placeholders, run as a prepared statement: for reads
 * on every request (a SCIM lookup), where building Kysely's query tree costs more than the read.
 * Aliases that are not lower case must be quoted (`as "loginId"`) for PostgreSQL.
 */
export async function queryRows<Row>(db: Executor, text: string, parameters: readonly unknown[]): Promise<Row[]> {
  const result = await db.executeQuery<Row>(CompiledQuery.raw(inDialect(db, text), [...parameters]));
  return result.rows;
}

/**
 * Inserts many rows of one table with as few statements as the parameter limit allows, building
 * the SQL text directly: for the million-row sync, Kysely's per-value query tree costs more than
 * the insert itself. Every row must have the same columns as the first.
 */
export async function bulkInsert(db: Executor, table: keyof DB, rows: readonly object[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const style = placeholderStyle(db);
  const perStatement = Math.max(1, Math.min(maxRowsPerStatement, Math.floor(maxParameters / columns.length)));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const parameters: unknown[] = [];
    for (const row of chunk) for (const column of columns) parameters.push((row as Record<string, unknown>)[column] ?? null);
    await executeCompiled(db, CompiledQuery.raw(insertText(table, columns, chunk.length, style), parameters));
  }
}
