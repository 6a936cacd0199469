import { type RawBuilder, sql, type SqlBool } from 'kysely';
import type { DatabaseKind } from '../../db/database.ts';
import type { AttrPath, Filter } from '../filter/ast.ts';
import { parseInstant } from '../filter/compare.ts';
import { checkFilter, evaluateFilter } from '../filter/evaluate.ts';
import { parseFilter } from '../filter/parse.ts';
import { parsePatchPath } from '../filter/path.ts';
import { invalidSyntax, invalidValue, ScimError } from '../scim-errors.ts';
import { findKey, isObject, type Json } from '../scim-json.ts';
import { assertKnownPaths, evaluateOptionsFor, resolvePath, type ResourceTypeDef } from '../schema/attributes.ts';
import { project, splitAttributeList, type Projection } from '../resource/projection.ts';
import { type ColumnMap, columnFor, compileFilter, orderByColumn } from './filter-sql.ts';

export const listResponseSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const searchRequestSchema = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** What /ServiceProviderConfig advertises; `candidateCap` bounds a filter evaluated in memory. */
export const listLimits = { maxResults: 200, defaultCount: 100, candidateCap: 10_000 } as const;

export interface ListRequest {
  filter: Filter | null;
  sortBy: AttrPath | null;
  descending: boolean;
  startIndex: number;
  count: number;
  projection: Projection;
}

type Params = Record<string, unknown>;

function param(params: Params, name: string): unknown {
  const key = findKey(params, name);
  return key === undefined ? undefined : params[key];
}

function integerParam(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw invalidValue(`${name} must be an integer.`);
  return number;
}

function textParam(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(`${name} must be a string.`);
  return value;
}

function listParam(value: unknown, name: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return splitAttributeList(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return splitAttributeList(value.join(','));
  throw invalidValue(`${name} must be a list of attribute names.`);
}

/** Reads query parameters (GET) or a SearchRequest body (POST .search) into a list request. */
export function readListRequest(type: ResourceTypeDef, params: Params): ListRequest {
  const filterText = textParam(param(params, 'filter'), 'filter');
  let filter: Filter | null = null;
  if (filterText !== undefined && filterText.trim() !== '') {
    filter = parseFilter(filterText);
    assertKnownPaths(type, filter, 'invalidFilter');
    checkFilter(filter, evaluateOptionsFor(type));
  }
  const sortText = textParam(param(params, 'sortBy'), 'sortBy');
  let sortBy: AttrPath | null = null;
  if (sortText !== undefined && sortText.trim() !== '') {
    const path = parsePatchPath(sortText);
    if (path.valueFilter || !resolvePath(type, path.attribute)) throw invalidValue(`sortBy must name an attribute of ${type.name}, e.g. "userName" or "meta.lastModified".`);
    sortBy = path.attribute;
  }
  const order = textParam(param(params, 'sortOrder'), 'sortOrder')?.trim().toLowerCase();
  if (order !== undefined && order !== 'ascending' && order !== 'descending') throw invalidValue('sortOrder must be "ascending" or "descending".');
  const startIndex = Math.max(1, integerParam(param(params, 'startIndex'), 'startIndex') ?? 1);
  const count = Math.min(listLimits.maxResults, Math.max(0, integerParam(param(params, 'count'), 'count') ?? listLimits.defaultCount));
  const projection = { attributes: listParam(param(params, 'attributes'), 'attributes'), excludedAttributes: listParam(param(params, 'excludedAttributes'), 'excludedAttributes') };
  return { filter, sortBy, descending: order === 'descending', startIndex, count, projection };
}

export function readSearchRequest(type: ResourceTypeDef, body: unknown): ListRequest {
  if (!isObject(body)) throw invalidSyntax(`Send a SearchRequest: {"schemas":["${searchRequestSchema}"],"filter":"…"}.`);
  return readListRequest(type, body);
}

/** Where a list reads its rows: the repository, bound to one agency. */
export interface ListSource<Row> {
  page(where: RawBuilder<SqlBool> | null, order: RawBuilder<unknown>, offset: number, limit: number): Promise<Row[]>;
  count(where: RawBuilder<SqlBool> | null): Promise<number>;
  /** Full resources; `relations` false may leave out members or groups the response will not show. */
  render(rows: Row[], relations: boolean): Promise<Json[]>;
  /** The id column: the order when none is asked for, and the tie-breaker of any other. */
  idColumn: RawBuilder<unknown>;
}

export interface ListSettings {
  type: ResourceTypeDef;
  columns: ColumnMap;
  dbKind: DatabaseKind;
  /** Whether the response shows the resource's relation (members, groups). */
  relationsShown: boolean;
}

/**
 * Answers a list request (RFC 7644 §3.4.2). What the columns can decide runs in SQL with exact
 * totals; the rest is narrowed in SQL and finished in memory over at most `candidateCap` rows.
 */
export async function runList<Row>(settings: ListSettings, request: ListRequest, source: ListSource<Row>): Promise<Json> {
  const { type, columns, dbKind } = settings;
  const compiled = request.filter ? compileFilter(request.filter, type, columns, dbKind) : { where: null, exact: true };
  const sortColumn = request.sortBy ? columnFor(type, columns, request.sortBy) : undefined;
  const byId = sql`${source.idColumn} asc`;
  const order = request.sortBy ? sortColumn && orderByColumn(sortColumn, request.descending, source.idColumn, dbKind) : byId;
  let total: number;
  let resources: Json[];
  if (compiled.exact && order) {
    const rows = request.count === 0 ? [] : await source.page(compiled.where, order, request.startIndex - 1, request.count);
    total = request.startIndex === 1 && rows.length < request.count ? rows.length : await source.count(compiled.where);
    resources = await source.render(rows, settings.relationsShown);
  } else {
    const rows = await source.page(compiled.where, byId, 0, listLimits.candidateCap + 1);
    if (rows.length > listLimits.candidateCap) {
      throw new ScimError(400, 'tooMany', `More than ${listLimits.candidateCap} ${type.name}s need checking for this filter or sort; narrow the filter with an attribute such as userName, externalId or active.`);
    }
    const options = evaluateOptionsFor(type);
    const filter = request.filter;
    let matched = (await source.render(rows, true)).filter((resource) => filter === null || evaluateFilter(filter, resource, options));
    if (request.sortBy) matched = sortResources(type, matched, request.sortBy, request.descending);
    total = matched.length;
    resources = matched.slice(request.startIndex - 1, request.startIndex - 1 + request.count);
  }
  return listResponse(type, request, resources, total);
}

/** The ListResponse of one page of full resources, projected as the request asks. */
function listResponse(type: ResourceTypeDef, request: ListRequest, resources: Json[], total: number): Json {
  return {
    schemas: [listResponseSchema], totalResults: total, itemsPerPage: resources.length, startIndex: request.startIndex,
    Resources: resources.map((resource) => project(type, resource, request.projection)),
  };
}

/**
 * The attribute and value when the filter is just `attribute eq "text"` on one of `keys` (lower-cased
 * canonical keys of unique attributes such as `username`): the lookup clients make most, which a
 * unique index answers with one row or none. Null for any other filter.
 */
export function uniqueLookup<Key extends string>(type: ResourceTypeDef, filter: Filter | null, keys: readonly Key[]): { key: Key; value: string } | null {
  if (filter?.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return null;
  const key = resolvePath(type, filter.path)?.key.toLowerCase();
  const found = keys.find((candidate) => candidate === key);
  return found === undefined ? null : { key: found, value: filter.value };
}

/** Answers a list request whose filter matched at most one resource, exactly as runList would. */
export async function listAtMostOne<Row>(type: ResourceTypeDef, request: ListRequest, row: Row | undefined, render: (rows: Row[]) => Promise<Json[]>): Promise<Json> {
  const shown = row !== undefined && request.startIndex === 1 && request.count > 0 ? [row] : [];
  return listResponse(type, request, await render(shown), row === undefined ? 0 : 1);
}

/** The value a resource sorts by: a multi-valued attribute's primary value, else its first. */
function sortValue(type: ResourceTypeDef, resource: Json, path: AttrPath): unknown {
  const resolved = resolvePath(type, path);
  if (!resolved) return undefined;
  const holder = resolved.inExtension ? resource[resolved.schema.id] : resource;
  let value = isObject(holder) ? holder[resolved.attribute.name] : undefined;
  if (Array.isArray(value)) value = value.find((item) => isObject(item) && item.primary === true) ?? value[0];
  const sub = resolved.sub?.name ?? (isObject(value) ? 'value' : null);
  return sub !== null && isObject(value) ? value[sub] : value;
}

function sortResources(type: ResourceTypeDef, resources: Json[], path: AttrPath, descending: boolean): Json[] {
  const resolved = resolvePath(type, path);
  const def = resolved?.sub ?? resolved?.attribute;
  const keyOf = (resource: Json): string | number | null => {
    const value = sortValue(type, resource, path);
    if (value === undefined || value === null) return null;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'number') return value;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (def?.type === 'dateTime') return parseInstant(text) ?? text;
    return def?.caseExact ? text : text.toLowerCase();
  };
  const keyed = resources.map((resource) => ({ resource, key: keyOf(resource), id: String(resource.id) }));
  const sign = descending ? -1 : 1;
  keyed.sort((a, b) => {
    if (a.key === null || b.key === null) return a.key === b.key ? compare(a.id, b.id) * sign : (a.key === null ? 1 : -1) * sign;
    return (compare(a.key, b.key) || compare(a.id, b.id)) * sign;
  });
  return keyed.map((entry) => entry.resource);
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
