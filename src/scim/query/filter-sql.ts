import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DatabaseKind } from '../../db/database.ts';
import type { AttrPath, CompareFilter, CompareValue, Filter } from '../filter/ast.ts';
import { parseInstant } from '../filter/compare.ts';
import { resolvePath, type ResourceTypeDef } from '../schema/attributes.ts';

/**
 * A SCIM attribute Gatehouse keeps in a column, and how SQL compares it exactly as the in-memory
 * evaluator would (case rules, absent values, dates as instants).
 */
export type Column =
  /** Text; `lowered` columns already hold the lower-cased text (an index serves equality). */
  | { kind: 'text'; expr: RawBuilder<unknown>; caseExact: boolean; lowered: boolean; nullable: boolean }
  /** A 0/1 flag read as a boolean. */
  | { kind: 'flag'; expr: RawBuilder<unknown> }
  /** An ISO-8601 instant with milliseconds, so text order is time order. */
  | { kind: 'instant'; expr: RawBuilder<unknown> }
  /** Every value of a multi-valued attribute, lower-cased, each between newlines. */
  | { kind: 'list'; expr: RawBuilder<unknown> }
  /** Membership in a relation: `eq` and `ne` on an id. */
  | { kind: 'membership'; exists: (id: string) => RawBuilder<SqlBool> };

/** Columns by the lower-cased canonical attribute key (`name.givenname`, `urn:…:user:unit`). */
export type ColumnMap = ReadonlyMap<string, Column>;

/**
 * A filter turned into SQL. `where` null means no condition. When `exact` is false the SQL only
 * narrows: every match is among its rows, and the filter must still be evaluated on them.
 */
export interface CompiledFilter {
  where: RawBuilder<SqlBool> | null;
  exact: boolean;
}

const always: CompiledFilter = { where: null, exact: true };
const never: CompiledFilter = { where: sql<SqlBool>`1 = 0`, exact: true };
const unknown: CompiledFilter = { where: null, exact: false };
const ascii = /^[\x20-\x7e]*$/;

export function columnFor(type: ResourceTypeDef, columns: ColumnMap, path: AttrPath): Column | undefined {
  const resolved = resolvePath(type, path);
  return resolved ? columns.get(resolved.key.toLowerCase()) : undefined;
}

export function compileFilter(filter: Filter, type: ResourceTypeDef, columns: ColumnMap, dbKind: DatabaseKind): CompiledFilter {
  const compile = (node: Filter): CompiledFilter => {
    switch (node.kind) {
      case 'and': {
        const parts = node.filters.map(compile);
        const wheres = parts.flatMap((p) => (p.where ? [p.where] : []));
        return { where: wheres.length === 0 ? null : sql<SqlBool>`(${sql.join(wheres, sql` and `)})`, exact: parts.every((p) => p.exact) };
      }
      case 'or': {
        const parts = node.filters.map(compile);
        if (parts.some((p) => p.where === null && p.exact)) return always;
        if (parts.some((p) => p.where === null)) return unknown;
        return { where: sql<SqlBool>`(${sql.join(parts.map((p) => p.where), sql` or `)})`, exact: parts.every((p) => p.exact) };
      }
      case 'not': {
        const inner = compile(node.filter);
        if (!inner.exact) return unknown;
        return inner.where === null ? never : { where: sql<SqlBool>`not ${inner.where}`, exact: true };
      }
      case 'valuePath':
        return unknown;
      case 'present': {
        const column = columnFor(type, columns, node.path);
        return column ? presence(column, true) : unknown;
      }
      case 'compare': {
        const column = columnFor(type, columns, node.path);
        return column ? comparison(column, node, dbKind) : unknown;
      }
    }
  };
  return compile(filter);
}

function presence(column: Column, present: boolean): CompiledFilter {
  switch (column.kind) {
    case 'flag':
    case 'instant':
      return present ? always : never;
    case 'list':
      return { where: present ? sql<SqlBool>`${column.expr} <> ''` : sql<SqlBool>`${column.expr} = ''`, exact: true };
    case 'membership':
      return unknown;
    case 'text':
      return {
        where: present ? sql<SqlBool>`(${column.expr} is not null and ${column.expr} <> '')` : sql<SqlBool>`(${column.expr} is null or ${column.expr} = '')`,
        exact: true,
      };
  }
}

/** `ne` is "not eq": true where the attribute is absent, as SCIM (and the evaluator) has it. */
function negate(positive: CompiledFilter): CompiledFilter {
  if (!positive.exact) return unknown;
  return positive.where === null ? never : { where: sql<SqlBool>`not ${positive.where}`, exact: true };
}

function comparison(column: Column, node: CompareFilter, dbKind: DatabaseKind): CompiledFilter {
  const { op, value } = node;
  if (value === null) return presence(column, op === 'ne');
  if (op === 'ne') return negate(comparison(column, { ...node, op: 'eq' }, dbKind));
  switch (column.kind) {
    case 'flag': {
      const flag = booleanOf(value);
      if (flag === null || op !== 'eq') return unknown;
      return { where: sql<SqlBool>`${column.expr} = ${flag ? 1 : 0}`, exact: true };
    }
    case 'membership':
      return op === 'eq' && typeof value === 'string' ? { where: column.exists(value), exact: true } : unknown;
    case 'list': {
      if (typeof value !== 'string') return never;
      const needle = value.toLowerCase();
      if (needle.includes('\n')) return unknown;
      const probe = { eq: `\n${needle}\n`, co: needle, sw: `\n${needle}`, ew: `${needle}\n` }[op as 'eq'];
      return probe === undefined ? unknown : { where: sql<SqlBool>`${position(dbKind, column.expr, probe)} > 0`, exact: true };
    }
    case 'instant': {
      if (typeof value !== 'string') return never;
      if (op === 'co' || op === 'sw' || op === 'ew') return textComparison({ kind: 'text', expr: column.expr, caseExact: false, lowered: false, nullable: false }, op, value, dbKind);
      const millis = parseInstant(value);
      if (millis === null) return unknown;
      return { where: sql<SqlBool>`${column.expr} ${sql.raw(sqlOperator[op])} ${new Date(millis).toISOString()}`, exact: true };
    }
    case 'text':
      return typeof value === 'string' ? textComparison(column, op, value, dbKind) : never;
  }
}

const sqlOperator = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

function textComparison(column: Extract<Column, { kind: 'text' }>, op: Exclude<CompareFilter['op'], 'ne'>, value: string, dbKind: DatabaseKind): CompiledFilter {
  // SQL lower() and JavaScript's toLowerCase() agree on ASCII only.
  if (!column.caseExact && !column.lowered && !ascii.test(value)) return unknown;
  const needle = column.caseExact ? value : value.toLowerCase();
  const target = column.caseExact || column.lowered ? column.expr : sql`lower(${column.expr})`;
  const length = [...needle].length;
  let test: RawBuilder<SqlBool>;
  if (op === 'co') test = sql<SqlBool>`${position(dbKind, target, needle)} > 0`;
  else if (op === 'sw') test = sql<SqlBool>`substr(${target}, 1, ${length}) = ${needle}`;
  else if (op === 'ew') test = sql<SqlBool>`(length(${target}) >= ${length} and substr(${target}, length(${target}) - ${length - 1}) = ${needle})`;
  else if (op === 'eq') test = sql<SqlBool>`${target} = ${needle}`;
  else test = sql<SqlBool>`${collated(dbKind, target)} ${sql.raw(sqlOperator[op])} ${needle}`;
  return { where: column.nullable ? sql<SqlBool>`(${column.expr} is not null and ${test})` : test, exact: true };
}

function position(dbKind: DatabaseKind, haystack: RawBuilder<unknown>, needle: string): RawBuilder<number> {
  return dbKind === 'postgres' ? sql<number>`strpos(${haystack}, ${needle})` : sql<number>`instr(${haystack}, ${needle})`;
}

/** Text ordered by code point on both databases, as the evaluator orders it. */
function collated(dbKind: DatabaseKind, expr: RawBuilder<unknown>): RawBuilder<unknown> {
  return dbKind === 'postgres' ? sql`${expr} collate "C"` : expr;
}

function booleanOf(value: CompareValue): boolean | null {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.toLowerCase() : '';
  return text === 'true' ? true : text === 'false' ? false : null;
}

/**
 * `order by` for a column: absent values last when ascending, first when descending, text in
 * the attribute's case rule; the tie-breaker keeps pages stable.
 */
export function orderByColumn(column: Column, descending: boolean, tieBreaker: RawBuilder<unknown>, dbKind: DatabaseKind): RawBuilder<unknown> | null {
  if (column.kind === 'list' || column.kind === 'membership') return null;
  const direction = sql.raw(descending ? 'desc' : 'asc');
  const key = column.kind === 'text' && !column.caseExact && !column.lowered ? sql`lower(${column.expr})` : column.expr;
  const text = column.kind === 'text' || column.kind === 'instant' ? collated(dbKind, key) : key;
  return sql`case when ${column.expr} is null then 1 else 0 end ${direction}, ${text} ${direction}, ${tieBreaker} ${direction}`;
}
