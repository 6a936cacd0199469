import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Executor } from './database.ts';
import { executeCompiled } from './execute-compiled.ts';

/** Stands in for a named argument while the query is built; in the compiled query it marks where the argument goes. */
class Slot {
  constructor(readonly name: string) {}
}

export type PreparedQuery<Params extends object, Row> = (db: Executor, params: Params) => Promise<QueryResult<Row>>;

/**
 * A query whose Kysely tree is built and compiled once per dialect and then run with each call's
 * arguments. Building and compiling the tree costs more than running a small indexed statement,
 * and one approval call runs dozens of them. `build` must pass each argument straight into a
 * value position (a comparison, a column value, a limit) and branch on none: the first call
 * checks that every argument it read landed in the compiled parameters.
 */
export function prepareQuery<Params extends object, Row>(build: (db: Executor, params: Params) => Compilable<Row>): PreparedQuery<Params, Row> {
  // By the dialect's adapter, which a database and its transactions share.
  const compiledBy = new WeakMap<object, CompiledQuery<Row>>();
  return async (db, params) => {
    const adapter = db.getExecutor().adapter;
    let compiled = compiledBy.get(adapter);
    if (!compiled) {
      compiled = compileWithSlots(db, build);
      compiledBy.set(adapter, compiled);
    }
    const values = params as Record<string, unknown>;
    const parameters = compiled.parameters.map((value) => (value instanceof Slot ? values[value.name] : value));
    return executeCompiled<Row>(db, { ...compiled, parameters });
  };
}

function compileWithSlots<Params extends object, Row>(db: Executor, build: (db: Executor, params: Params) => Compilable<Row>): CompiledQuery<Row> {
  const read = new Set<string>();
  const slots = new Proxy({}, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      read.add(name);
      return new Slot(name);
    },
  });
  const compiled = build(db, slots as Params).compile();
  const placed = new Set(compiled.parameters.flatMap((value) => (value instanceof Slot ? [value.name] : [])));
  const lost = [...read].filter((name) => !placed.has(name));
  if (lost.length > 0) {
    throw new Error(`A prepared query read ${lost.join(', ')} without placing it in a value position; pass each argument straight into the query: ${compiled.sql}`);
  }
  return compiled;
}

/**
 * Prepared queries for a family whose SQL depends on a shape: which columns a patch sets, or how
 * many values an `in` list holds. Each shape is built and compiled once.
 */
export function prepareByShape<Params extends object, Row>(build: (db: Executor, params: Params, shape: readonly string[]) => Compilable<Row>): (db: Executor, params: Params, shape: readonly string[]) => Promise<QueryResult<Row>> {
  const byShape = new Map<string, PreparedQuery<Params, Row>>();
  return (db, params, shape) => {
    const key = shape.join(',');
    let prepared = byShape.get(key);
    if (!prepared) {
      prepared = prepareQuery((rebuildDb, slots: Params) => build(rebuildDb, slots, shape));
      byShape.set(key, prepared);
    }
    return prepared(db, params);
  };
}

/** The names of the columns a patch sets (undefined values are left out, as Kysely does). */
export function patchShape(patch: object): string[] {
  return Object.entries(patch).flatMap(([column, value]) => (value === undefined ? [] : [column]));
}

const listChunk = 16;

/**
 * A prepared query over a list of values (`where id in (…)`): lists run in chunks of 16, so at
 * most 16 shapes are ever built. `build` gets the list's slots in place of its values.
 */
export function prepareListQuery<Params extends object, Row>(build: (db: Executor, list: readonly unknown[], params: Params) => Compilable<Row>): (db: Executor, list: readonly unknown[], params: Params) => Promise<Row[]> {
  const byLength = prepareByShape((db, slots: Record<string, unknown>, shape) => build(db, shape.map((name) => slots[name]), slots as unknown as Params));
  return async (db, list, params) => {
    const rows: Row[] = [];
    for (let start = 0; start < list.length; start += listChunk) {
      const chunk = list.slice(start, start + listChunk);
      const names = chunk.map((_, index) => `listItem${index}`);
      const values: Record<string, unknown> = { ...(params as Record<string, unknown>) };
      chunk.forEach((value, index) => (values[`listItem${index}`] = value));
      rows.push(...(await byLength(db, values, names)).rows);
    }
    return rows;
  };
}
