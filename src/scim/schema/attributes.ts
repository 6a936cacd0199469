import { formatAttrPath, ScimFilterError, type AttributeType, type AttrPath, type Filter, type ScimFilterErrorType } from '../filter/ast.ts';
import type { EvaluateOptions } from '../filter/evaluate.ts';

/** An attribute definition as RFC 7643 §7 describes it; `/Schemas` serves these as they are. */
export interface AttributeDef {
  name: string;
  type: 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

export interface ResourceTypeDef {
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  description: string;
  schema: SchemaDef;
  extensions: SchemaDef[];
}

type Options = Partial<Omit<AttributeDef, 'name' | 'description'>>;

/** A single-valued, optional, case-insensitive, read-write string unless told otherwise. */
export function attribute(name: string, description: string, options: Options = {}): AttributeDef {
  return {
    name, type: 'string', multiValued: false, description, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none',
    ...options,
  };
}

export function complex(name: string, description: string, subAttributes: AttributeDef[], options: Options = {}): AttributeDef {
  return attribute(name, description, { ...options, type: 'complex', subAttributes });
}

/** The usual sub-attributes of a multi-valued attribute: value, display, type, primary. */
export function multiValuedSubs(valueDescription: string, types: string[], valueOptions: Options = {}): AttributeDef[] {
  return [
    attribute('value', valueDescription, valueOptions),
    attribute('display', 'A human-readable name, primarily used for display purposes.'),
    attribute('type', 'A label indicating the function of the value.', { canonicalValues: types }),
    attribute('primary', 'Whether this is the preferred value; true on at most one value.', { type: 'boolean' }),
  ];
}

/** id, externalId and meta: every resource has them (RFC 7643 §3.1). */
export const commonAttributes: AttributeDef[] = [
  attribute('id', 'Unique identifier of the resource, issued by Gatehouse.', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  attribute('externalId', "The client's identifier for the resource.", { caseExact: true }),
  complex('meta', 'Resource metadata.', [
    attribute('resourceType', 'The name of the resource type.', { caseExact: true, mutability: 'readOnly' }),
    attribute('created', 'When the resource was added.', { type: 'dateTime', mutability: 'readOnly' }),
    attribute('lastModified', 'When the resource last changed.', { type: 'dateTime', mutability: 'readOnly' }),
    attribute('location', 'The URI of the resource.', { type: 'reference', referenceTypes: ['uri'], caseExact: true, mutability: 'readOnly' }),
    attribute('version', 'The version of the resource, as in its ETag.', { caseExact: true, mutability: 'readOnly' }),
  ], { mutability: 'readOnly' }),
];

/** Where a path points in a resource type's schemas. */
export interface ResolvedPath {
  /** The schema that defines the attribute; common attributes belong to the core schema. */
  schema: SchemaDef;
  /** Whether the attribute lives under the extension's URN in the resource. */
  inExtension: boolean;
  attribute: AttributeDef;
  sub: AttributeDef | null;
  /** The canonical spelling: `name.givenName`, or `urn:…:enterprise:2.0:User:manager.value`. */
  key: string;
}

/** The attribute called `name` (any case) in a list of definitions. */
export function findAttribute(list: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === lower);
}

/** The extension schema whose URN is `urn` (any case), if the resource type has it. */
export function findExtension(type: ResourceTypeDef, urn: string): SchemaDef | undefined {
  const lower = urn.toLowerCase();
  return type.extensions.find((s) => s.id.toLowerCase() === lower);
}

function resolveIn(schema: SchemaDef, inExtension: boolean, path: AttrPath, extra: readonly AttributeDef[]): ResolvedPath | null {
  const attribute = findAttribute(extra, path.name) ?? findAttribute(schema.attributes, path.name);
  if (!attribute) return null;
  const sub = path.sub === null ? null : (findAttribute(attribute.subAttributes, path.sub) ?? null);
  if (path.sub !== null && !sub) return null;
  const name = sub ? `${attribute.name}.${sub.name}` : attribute.name;
  return { schema, inExtension, attribute, sub, key: inExtension ? `${schema.id}:${name}` : name };
}

/**
 * Resolves `[urn:]name[.sub]` against a resource type. A name without a URN is looked up in the
 * core schema first, then in the extensions, as lenient clients expect. Null when unknown.
 */
export function resolvePath(type: ResourceTypeDef, path: AttrPath): ResolvedPath | null {
  if (path.schema !== null) {
    if (path.schema.toLowerCase() === type.schema.id.toLowerCase()) return resolveIn(type.schema, false, path, commonAttributes);
    const extension = findExtension(type, path.schema);
    return extension ? resolveIn(extension, true, path, []) : null;
  }
  const core = resolveIn(type.schema, false, path, commonAttributes);
  if (core) return core;
  for (const extension of type.extensions) {
    const found = resolveIn(extension, true, path, []);
    if (found) return found;
  }
  return null;
}

function filterType(def: AttributeDef): AttributeType {
  if (def.type === 'decimal' || def.type === 'integer') return 'number';
  if (def.type === 'binary') return 'string';
  return def.type;
}

/** What the filter evaluator needs to know of a resource type: each attribute's type and case rule. */
export function evaluateOptionsFor(type: ResourceTypeDef): EvaluateOptions {
  return {
    typeOf: (path) => {
      const resolved = resolvePath(type, path);
      return resolved ? filterType(resolved.sub ?? resolved.attribute) : 'string';
    },
    caseExact: (path) => {
      const resolved = resolvePath(type, path);
      return resolved ? (resolved.sub ?? resolved.attribute).caseExact : false;
    },
  };
}

/**
 * Throws `ScimFilterError` when a filter names an attribute the resource type does not define,
 * so a typo is reported rather than silently matching nothing.
 */
export function assertKnownPaths(type: ResourceTypeDef, filter: Filter, scimType: ScimFilterErrorType, parent: AttrPath | null = null): void {
  const check = (path: AttrPath) => {
    const absolute = parent === null ? path : { schema: parent.schema, name: parent.name, sub: path.name };
    if (resolvePath(type, absolute)) return;
    const known = type.schema.attributes.map((a) => a.name).slice(0, 8).join(', ');
    throw new ScimFilterError(scimType, `'${formatAttrPath(absolute)}' is not an attribute of ${type.name}; known attributes include id, externalId, meta, ${known}.`);
  };
  switch (filter.kind) {
    case 'and':
    case 'or':
      for (const operand of filter.filters) assertKnownPaths(type, operand, scimType, parent);
      return;
    case 'not':
      return assertKnownPaths(type, filter.filter, scimType, parent);
    case 'valuePath':
      check(filter.path);
      return assertKnownPaths(type, filter.filter, scimType, parent === null ? { ...filter.path, sub: null } : parent);
    case 'compare':
    case 'present':
      return check(filter.path);
  }
}
