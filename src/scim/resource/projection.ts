import { cloneJson, isObject, type Json } from '../scim-json.ts';
import { findAttribute, findExtension, type ResourceTypeDef } from '../schema/attributes.ts';
import { findSlot, holderOf, type AttributeSlot } from './normalize.ts';

/** The `attributes` / `excludedAttributes` of a request (RFC 7644 §3.9); null when not given. */
export interface Projection {
  attributes: string[] | null;
  excludedAttributes: string[] | null;
}

/** Splits a query parameter "userName,name.givenName" into names; at most 100 are kept. */
export function splitAttributeList(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  return names.length > 0 ? names.slice(0, 100) : null;
}

type Target = { kind: 'extension'; urn: string } | { kind: 'attribute'; slot: AttributeSlot; sub: string | null };

function resolveTarget(type: ResourceTypeDef, name: string): Target | null {
  const extension = findExtension(type, name);
  if (extension) return { kind: 'extension', urn: extension.id };
  const colon = name.lastIndexOf(':');
  const prefix = colon > 0 ? name.slice(0, colon + 1) : '';
  const [attribute = '', sub = null] = name.slice(prefix.length).split('.');
  const slot = findSlot(type, `${prefix}${attribute}`);
  if (!slot) return null;
  const subDef = sub === null ? null : findAttribute(slot.attribute.subAttributes, sub);
  if (sub !== null && !subDef) return null;
  return { kind: 'attribute', slot, sub: subDef ? subDef.name : null };
}

/** Whether a response under this projection includes the top-level attribute `name` at all. */
export function includesAttribute(type: ResourceTypeDef, projection: Projection, name: string): boolean {
  const names = (list: string[]) => list.map((entry) => resolveTarget(type, entry)).filter((t) => t?.kind === 'attribute' && t.slot.attribute.name === name);
  if (projection.attributes) return names(projection.attributes).length > 0;
  if (projection.excludedAttributes) return !names(projection.excludedAttributes).some((t) => t?.kind === 'attribute' && t.sub === null);
  return true;
}

/** The resource with only the attributes the projection asks for; `id` and `schemas` always stay. */
export function project(type: ResourceTypeDef, resource: Json, projection: Projection): Json {
  if (projection.attributes) return keepOnly(type, resource, projection.attributes);
  if (projection.excludedAttributes) return leaveOut(type, resource, projection.excludedAttributes);
  return resource;
}

function keepOnly(type: ResourceTypeDef, resource: Json, names: string[]): Json {
  const result: Json = { id: resource.id };
  for (const name of names) {
    const target = resolveTarget(type, name);
    if (!target) continue;
    if (target.kind === 'extension') {
      if (isObject(resource[target.urn])) result[target.urn] = cloneJson(resource[target.urn]);
      continue;
    }
    const source = holderOf(resource, target.slot, false);
    const value = source?.[target.slot.attribute.name];
    if (value === undefined) continue;
    const into = holderOf(result, target.slot, true) ?? result;
    const key = target.slot.attribute.name;
    if (target.sub === null) into[key] = cloneJson(value);
    else into[key] = mergeSub(into[key], value, target.sub);
  }
  return withSchemas(type, result);
}

/** Copies sub-attribute `sub` of a complex value (or of each element of a list) into `into`. */
function mergeSub(into: unknown, value: unknown, sub: string): unknown {
  if (Array.isArray(value)) {
    const base: unknown[] = Array.isArray(into) ? (into as unknown[]) : value.map(() => ({}));
    return value.map((item, i): unknown => (isObject(item) && item[sub] !== undefined ? { ...(base[i] as Json), [sub]: item[sub] } : base[i]));
  }
  if (!isObject(value) || value[sub] === undefined) return into;
  return { ...(isObject(into) ? into : {}), [sub]: value[sub] };
}

function leaveOut(type: ResourceTypeDef, resource: Json, names: string[]): Json {
  const result = cloneJson(resource);
  for (const name of names) {
    const target = resolveTarget(type, name);
    if (!target) continue;
    if (target.kind === 'extension') {
      delete result[target.urn];
      continue;
    }
    if (target.slot.attribute.returned === 'always') continue;
    const holder = holderOf(result, target.slot, false);
    if (!holder) continue;
    const key = target.slot.attribute.name;
    const sub = target.sub;
    if (sub === null) delete holder[key];
    else if (Array.isArray(holder[key])) holder[key] = (holder[key] as unknown[]).map((item) => (isObject(item) ? omit(item, sub) : item));
    else if (isObject(holder[key])) holder[key] = omit(holder[key], sub);
  }
  return withSchemas(type, result);
}

function omit(object: Json, key: string): Json {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

/** `schemas` lists the core schema and each extension the resource carries. */
export function withSchemas(type: ResourceTypeDef, resource: Json): Json {
  const rest = { ...resource };
  delete rest.schemas;
  const extensions = type.extensions.filter((e) => isObject(rest[e.id])).map((e) => e.id);
  return { schemas: [type.schema.id, ...extensions], ...rest };
}
