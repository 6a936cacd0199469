import { parseInstant } from '../filter/compare.ts';
import { invalidSyntax, invalidValue } from '../scim-errors.ts';
import { isObject, toBoolean, type Json } from '../scim-json.ts';
import { commonAttributes, findAttribute, findExtension, type AttributeDef, type ResourceTypeDef, type SchemaDef } from '../schema/attributes.ts';

const maxStringLength = 16_384;
const maxValues = 100_000;

/** Where a top-level member of a resource belongs: a core or extension attribute. */
export interface AttributeSlot {
  schema: SchemaDef;
  inExtension: boolean;
  attribute: AttributeDef;
}

/** Finds the attribute a member name denotes: `userName`, or `urn:…:enterprise:2.0:User:department`. */
export function findSlot(type: ResourceTypeDef, name: string): AttributeSlot | undefined {
  const colon = name.lastIndexOf(':');
  if (colon > 0 && name.toLowerCase().startsWith('urn:')) {
    const urn = name.slice(0, colon);
    const extension = findExtension(type, urn);
    if (extension) {
      const attribute = findAttribute(extension.attributes, name.slice(colon + 1));
      return attribute && { schema: extension, inExtension: true, attribute };
    }
    if (urn.toLowerCase() !== type.schema.id.toLowerCase()) return undefined;
    name = name.slice(colon + 1);
  }
  const attribute = findAttribute(commonAttributes, name) ?? findAttribute(type.schema.attributes, name);
  return attribute && { schema: type.schema, inExtension: false, attribute };
}

/** The object that holds a slot's attribute: the resource, or its extension member (made on demand). */
export function holderOf(resource: Json, slot: AttributeSlot, create: boolean): Json | undefined {
  if (!slot.inExtension) return resource;
  const existing = resource[slot.schema.id];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const made: Json = {};
  resource[slot.schema.id] = made;
  return made;
}

/**
 * A resource as a client sent it (POST, PUT), in canonical form: names spelled as the schema
 * spells them, extension attributes under their URN, booleans as booleans, null as absent.
 * Read-only and unknown attributes are ignored, as RFC 7643 §2.2 lets a server do.
 */
export function normalizeResource(type: ResourceTypeDef, input: unknown): Json {
  if (!isObject(input)) throw invalidSyntax(`Send the ${type.name} as a JSON object.`);
  const schemas = input.schemas;
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string'))) {
    throw invalidSyntax(`"schemas" must be a list of schema URNs, e.g. ["${type.schema.id}"].`);
  }
  const resource: Json = {};
  for (const [key, value] of Object.entries(input)) {
    if (key.toLowerCase() === 'schemas') continue;
    const extension = findExtension(type, key);
    if (extension) {
      if (value === null || value === undefined) continue;
      if (!isObject(value)) throw invalidValue(`"${extension.id}" must be an object of that extension's attributes.`);
      for (const [name, inner] of Object.entries(value)) {
        const attribute = findAttribute(extension.attributes, name);
        if (attribute) place(resource, { schema: extension, inExtension: true, attribute }, inner);
      }
      continue;
    }
    const slot = findSlot(type, key);
    if (slot) place(resource, slot, value);
  }
  return resource;
}

function place(resource: Json, slot: AttributeSlot, value: unknown): void {
  if (slot.attribute.mutability === 'readOnly') return;
  const normalized = normalizeValue(slot.attribute, value, slot.attribute.name);
  if (normalized === undefined) return;
  const holder = holderOf(resource, slot, true);
  if (holder) holder[slot.attribute.name] = normalized;
}

/** One attribute's value in canonical form; undefined when it leaves the attribute unassigned. */
export function normalizeValue(def: AttributeDef, value: unknown, label: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (!def.multiValued) return normalizeSingle(def, value, label);
  const items = (Array.isArray(value) ? value : [value]).map((item) => normalizeSingle(def, item, label)).filter((item) => item !== undefined);
  if (items.length > maxValues) throw invalidValue(`${label} has ${items.length} values; the limit is ${maxValues}.`);
  keepOnePrimary(items, new Set());
  return items.length > 0 ? items : undefined;
}

/** A single value: a complex value's sub-attributes in canonical form, or a scalar. */
export function normalizeSingle(def: AttributeDef, value: unknown, label: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.type !== 'complex') return normalizeScalar(def, value, label);
  const subs = def.subAttributes ?? [];
  // Clients send a complex value with a `value` sub-attribute as the bare value ("manager": "id").
  const object = isObject(value) ? value : findAttribute(subs, 'value') && !Array.isArray(value) ? { value } : undefined;
  if (!object) throw invalidValue(`${label} must be an object with ${subs.map((s) => `"${s.name}"`).join(', ')}.`);
  const result: Json = {};
  for (const [key, inner] of Object.entries(object)) {
    const sub = findAttribute(subs, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    const normalized = normalizeScalar(sub, inner, `${label}.${sub.name}`);
    if (normalized !== undefined) result[sub.name] = normalized;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

export function normalizeScalar(def: AttributeDef, value: unknown, label: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (def.type) {
    case 'boolean': {
      const flag = toBoolean(value);
      if (flag === undefined) throw invalidValue(`${label} must be true or false, not ${JSON.stringify(value).slice(0, 40)}.`);
      return flag;
    }
    case 'decimal':
    case 'integer':
      if (typeof value !== 'number' || (def.type === 'integer' && !Number.isInteger(value))) throw invalidValue(`${label} must be a${def.type === 'integer' ? 'n integer' : ' number'}.`);
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || parseInstant(value) === null) throw invalidValue(`${label} must be a date-time such as "2026-03-02T14:00:00Z".`);
      return value;
    case 'complex':
      throw invalidValue(`${label} takes an object.`);
    default: {
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text !== 'string') throw invalidValue(`${label} must be a string, not ${Array.isArray(value) ? 'a list' : typeof value}.`);
      if (text.length > maxStringLength) throw invalidValue(`${label} is longer than ${maxStringLength} characters.`);
      return text;
    }
  }
}

/**
 * At most one value of a multi-valued attribute is primary (RFC 7643 §2.4): a value the
 * operation just wrote wins, else the last one marked primary.
 */
export function keepOnePrimary(items: unknown[], preferred: ReadonlySet<unknown>): void {
  const primaries = items.filter((item) => isObject(item) && item.primary === true);
  if (primaries.length < 2) return;
  const keep = primaries.find((item) => preferred.has(item)) ?? primaries.at(-1);
  for (const item of primaries) if (item !== keep && isObject(item)) item.primary = false;
}
