import type { AttrPath, CompareFilter, Filter } from './ast.ts';
import { checkComparison, compareScalar, defaultCaseExact, defaultTypeOf, type AttributeFacts } from './compare.ts';

export interface EvaluateOptions {
  /** The schema type of an attribute, given its absolute path; defaults to `defaultTypeOf`. */
  readonly typeOf?: AttributeFacts['typeOf'];
  /** Whether an attribute's strings compare case-sensitively; defaults to `defaultCaseExact`. */
  readonly caseExact?: AttributeFacts['caseExact'];
}

type Json = Readonly<Record<string, unknown>>;

/** Where paths are read from: the resource, or one element of a multi-valued attribute. */
interface Scope {
  readonly root: unknown;
  readonly parent: AttrPath | null;
}

/**
 * Whether a resource matches a filter. Attributes qualified by an extension URN are read from
 * the resource's member named by that URN; those qualified by another URN (the core schema) are
 * read from the top level when the resource's `schemas` lists it. Throws `ScimFilterError` for
 * comparisons that make no sense (see `checkFilter`), whether or not the resource has the attribute.
 */
export function evaluateFilter(filter: Filter, resource: Json, options: EvaluateOptions = {}): boolean {
  const facts = factsFrom(options);
  checkNode(filter, null, facts);
  return evaluateNode(filter, { root: resource, parent: null }, facts);
}

/**
 * Whether one element of the multi-valued attribute `attribute` matches a value filter, as in
 * the PATCH path `emails[type eq "work"]`.
 */
export function matchesValueFilter(filter: Filter, element: unknown, attribute: AttrPath, options: EvaluateOptions = {}): boolean {
  const facts = factsFrom(options);
  const parent = { ...attribute, sub: null };
  checkNode(filter, parent, facts);
  return isObject(element) && evaluateNode(filter, { root: element, parent }, facts);
}

/** Throws `ScimFilterError` (invalidFilter) for comparisons no data could satisfy sensibly, e.g. `active gt true`. */
export function checkFilter(filter: Filter, options: EvaluateOptions = {}): void {
  checkNode(filter, null, factsFrom(options));
}

function factsFrom(options: EvaluateOptions): AttributeFacts {
  return { typeOf: options.typeOf ?? defaultTypeOf, caseExact: options.caseExact ?? defaultCaseExact };
}

function checkNode(filter: Filter, parent: AttrPath | null, facts: AttributeFacts): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      for (const operand of filter.filters) checkNode(operand, parent, facts);
      return;
    case 'not':
      return checkNode(filter.filter, parent, facts);
    case 'valuePath':
      return checkNode(filter.filter, absolute(parent, filter.path), facts);
    case 'compare':
      return checkComparison(filter, absolute(parent, filter.path), facts.typeOf);
    case 'present':
      return;
  }
}

function evaluateNode(filter: Filter, scope: Scope, facts: AttributeFacts): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((operand) => evaluateNode(operand, scope, facts));
    case 'or':
      return filter.filters.some((operand) => evaluateNode(operand, scope, facts));
    case 'not':
      return !evaluateNode(filter.filter, scope, facts);
    case 'present':
      return valuesAt(scope, filter.path).some(isPresent);
    case 'valuePath': {
      const parent = absolute(scope.parent, filter.path);
      return valuesAt(scope, filter.path).some((element) => isObject(element) && evaluateNode(filter.filter, { root: element, parent }, facts));
    }
    case 'compare':
      return evaluateComparison(filter, scope, facts);
  }
}

function evaluateComparison(filter: CompareFilter, scope: Scope, facts: AttributeFacts): boolean {
  const values = valuesAt(scope, filter.path);
  if (filter.value === null) return values.some(isPresent) === (filter.op === 'ne');
  const op = filter.op === 'ne' ? 'eq' : filter.op;
  const path = absolute(scope.parent, filter.path);
  const valuePath = { ...path, sub: 'value' };
  const matches = values.some((value) => {
    // A complex value named without a sub-attribute compares by its `value` (`emails co "x"`).
    if (!isObject(value)) return compareScalar(value, op, filter.value, path, facts);
    if (path.sub !== null) return false;
    return valuesIn(value, 'value').some((inner) => !isObject(inner) && compareScalar(inner, op, filter.value, valuePath, facts));
  });
  return matches !== (filter.op === 'ne');
}

/** The path as the schema sees it: inside `emails[…]`, `type` is `emails.type`. */
function absolute(parent: AttrPath | null, path: AttrPath): AttrPath {
  return parent === null ? path : { schema: parent.schema, name: parent.name, sub: path.name };
}

/** Every value at a path, multi-valued attributes spread out, nulls left out. */
function valuesAt(scope: Scope, path: AttrPath): unknown[] {
  const root = scope.parent === null ? schemaRoot(scope.root, path.schema) : scope.root;
  const values = valuesIn(root, path.name);
  const sub = path.sub;
  return sub === null ? values : values.flatMap((value) => valuesIn(value, sub));
}

function schemaRoot(resource: unknown, schema: string | null): unknown {
  if (schema === null) return resource;
  const extension = member(resource, schema);
  if (isObject(extension)) return extension;
  const lower = schema.toLowerCase();
  const listed = valuesIn(resource, 'schemas').some((uri) => typeof uri === 'string' && uri.toLowerCase() === lower);
  return listed ? resource : undefined;
}

function valuesIn(container: unknown, name: string): unknown[] {
  const value = member(container, name);
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.filter((item) => item !== undefined && item !== null) : [value];
}

/** A member by case-insensitive name, as SCIM attribute names are. */
function member(container: unknown, name: string): unknown {
  if (!isObject(container)) return undefined;
  if (Object.hasOwn(container, name)) return container[name];
  const lower = name.toLowerCase();
  const key = Object.keys(container).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : container[key];
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObject(value)) return Object.values(value).some(isPresent);
  return true;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
