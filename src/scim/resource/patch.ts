import type { AttrPath, Filter, PatchPath } from '../filter/ast.ts';
import { matchesValueFilter } from '../filter/evaluate.ts';
import { parsePatchPath } from '../filter/path.ts';
import { invalidSyntax, invalidValue, ScimError } from '../scim-errors.ts';
import { cloneJson, findKey, isObject, jsonEqual, type Json } from '../scim-json.ts';
import { assertKnownPaths, evaluateOptionsFor, findAttribute, findExtension, type AttributeDef, type ResourceTypeDef } from '../schema/attributes.ts';
import { findSlot, holderOf, keepOnePrimary, normalizeScalar, normalizeSingle, normalizeValue, type AttributeSlot } from './normalize.ts';

const patchOpSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const maxPatchOperations = 1000;

type OpKind = 'add' | 'remove' | 'replace';

interface Operation {
  kind: OpKind;
  path: string | null;
  value: unknown;
}

const noTarget = (detail: string) => new ScimError(400, 'noTarget', detail);
const mutability = (detail: string) => new ScimError(400, 'mutability', detail);

/** Reads a PatchOp body; op names are case-insensitive ("Replace"), as real clients send them. */
export function readPatchRequest(body: unknown): Operation[] {
  if (!isObject(body)) throw invalidSyntax('Send a PatchOp: {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[…]}.');
  const schemas = body.schemas;
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === patchOpSchema.toLowerCase()))) {
    throw invalidSyntax(`"schemas" must be ["${patchOpSchema}"].`);
  }
  const key = findKey(body, 'Operations');
  const operations = key === undefined ? undefined : body[key];
  if (!Array.isArray(operations) || operations.length === 0) throw invalidSyntax('"Operations" must be a non-empty list of {"op","path","value"}.');
  if (operations.length > maxPatchOperations) throw invalidValue(`A PATCH may carry at most ${maxPatchOperations} operations; this one has ${operations.length}.`);
  return operations.map((raw, index) => {
    if (!isObject(raw)) throw invalidSyntax(`Operation ${index + 1} must be an object {"op","path","value"}.`);
    const op = raw[findKey(raw, 'op') ?? 'op'];
    const kind = typeof op === 'string' ? op.trim().toLowerCase() : '';
    if (kind !== 'add' && kind !== 'remove' && kind !== 'replace') throw invalidSyntax(`Operation ${index + 1}: "op" must be "add", "remove" or "replace", not ${JSON.stringify(op)}.`);
    const path = raw[findKey(raw, 'path') ?? 'path'];
    if (path !== undefined && path !== null && typeof path !== 'string') throw invalidSyntax(`Operation ${index + 1}: "path" must be a string.`);
    return { kind, path: typeof path === 'string' && path.trim() !== '' ? path.trim() : null, value: raw[findKey(raw, 'value') ?? 'value'] };
  });
}

/**
 * Applies PATCH operations (RFC 7644 §3.5.2) to a canonical resource and returns the result; the
 * input is not changed. Operations apply in order and all or none take effect.
 */
export function applyPatch(type: ResourceTypeDef, current: Json, operations: Operation[]): Json {
  const resource = cloneJson(current);
  const patcher = new Patcher(type, resource);
  for (const operation of operations) patcher.apply(operation);
  return resource;
}

class Patcher {
  private readonly options;

  constructor(
    private readonly type: ResourceTypeDef,
    private readonly resource: Json,
  ) {
    this.options = evaluateOptionsFor(type);
  }

  apply(operation: Operation): void {
    const { kind, path, value } = operation;
    if (path === null) {
      if (kind === 'remove') throw noTarget('A remove operation needs a "path" naming what to remove.');
      if (!isObject(value)) throw invalidValue(`Without a "path", an ${kind} operation's "value" must be an object of attributes, e.g. {"active":false}.`);
      for (const [key, inner] of Object.entries(value)) this.applyMember(kind, key, inner);
      return;
    }
    const extension = findExtension(this.type, path);
    if (extension) return this.applyExtension(kind, extension.id, value);
    this.applyPath(kind, parsePatchPath(path), value, false);
  }

  /** A member of a path-less value: `active`, `name.givenName`, an extension URN, or `urn:…:attr`. */
  private applyMember(kind: OpKind, key: string, value: unknown): void {
    if (key.toLowerCase() === 'schemas') return;
    const extension = findExtension(this.type, key);
    if (extension) return this.applyExtension(kind, extension.id, value);
    this.applyPath(kind, parsePatchPath(key), value, true);
  }

  private applyExtension(kind: OpKind, urn: string, value: unknown): void {
    if (kind === 'remove') {
      delete this.resource[urn];
      return;
    }
    if (!isObject(value)) throw invalidValue(`The value for "${urn}" must be an object of that extension's attributes.`);
    for (const [key, inner] of Object.entries(value)) this.applyPath(kind, parsePatchPath(`${urn}:${key}`), inner, true);
  }

  private applyPath(kind: OpKind, path: PatchPath, value: unknown, inValueObject: boolean): void {
    const { attribute: attrPath, valueFilter } = path;
    const slot = findSlot(this.type, attrPath.schema === null ? attrPath.name : `${attrPath.schema}:${attrPath.name}`);
    if (!slot) {
      // Unknown members of a path-less value are ignored like unknown attributes of a POST.
      if (inValueObject) return;
      throw new ScimError(400, 'invalidPath', `"${attrPath.name}" is not an attribute of ${this.type.name}; see /Schemas for the attributes.`);
    }
    const def = slot.attribute;
    const sub = attrPath.sub === null ? null : (findAttribute(def.subAttributes, attrPath.sub) ?? null);
    if (attrPath.sub !== null && !sub) throw new ScimError(400, 'invalidPath', `"${def.name}" has no sub-attribute "${attrPath.sub}".`);
    const label = sub ? `${def.name}.${sub.name}` : def.name;
    const holder = holderOf(this.resource, slot, kind !== 'remove');
    this.assertWritable(slot, sub, label, valueFilter !== null, inValueObject, holder, value);
    if (!holder || ((def.mutability === 'readOnly' || sub?.mutability === 'readOnly') && inValueObject)) return;
    if (valueFilter) return this.applyFiltered(kind, slot, sub, valueFilter, holder, value, label);
    if (sub) return this.applySub(kind, def, sub, holder, value, label);
    this.applyWhole(kind, def, holder, value, label);
  }

  private assertWritable(slot: AttributeSlot, sub: AttributeDef | null, label: string, filtered: boolean, inValueObject: boolean, holder: Json | undefined, value: unknown): void {
    const def = slot.attribute;
    if (def.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
      // Clients echo read-only attributes back in a path-less value (Okta sends "id"): fine if unchanged.
      const currentValue = holder?.[def.name];
      const same = sub ? isObject(currentValue) && jsonEqual(currentValue[sub.name], value) : jsonEqual(currentValue, value);
      if (inValueObject && same) return;
      throw mutability(`${label} is read-only; leave it out of the request.`);
    }
    if (sub?.mutability === 'immutable' && filtered) throw mutability(`${label} cannot change once set; remove the value and add a new one.`);
  }

  /** `attr`: the whole attribute. */
  private applyWhole(kind: OpKind, def: AttributeDef, holder: Json, value: unknown, label: string): void {
    if (kind === 'remove') {
      if (def.required) throw mutability(`${label} is required and cannot be removed.`);
      // Clients remove listed values with {"op":"remove","path":"members","value":[{"value":"id"}]}.
      if (def.multiValued && value !== undefined && value !== null) return this.removeListed(def, holder, value, label);
      delete holder[def.name];
      return;
    }
    const normalized = normalizeValue(def, value, label);
    if (normalized === undefined) {
      if (kind === 'add') return;
      if (def.required) throw mutability(`${label} is required; give it a value.`);
      delete holder[def.name];
      return;
    }
    const existing = holder[def.name];
    if (def.multiValued) {
      const incoming = normalized as unknown[];
      if (kind === 'replace' || !Array.isArray(existing)) {
        holder[def.name] = incoming;
        return;
      }
      const merged: unknown[] = [...(existing as unknown[])];
      const touched = new Set<unknown>();
      for (const item of incoming) {
        const same = merged.findIndex((old) => this.sameValue(def, old, item));
        if (same < 0) {
          merged.push(item);
          touched.add(item);
        } else if (isObject(merged[same]) && isObject(item)) {
          // The value already there stays as it is spelled; other sub-attributes given are taken.
          const old = merged[same];
          merged[same] = { ...old, ...item, ...(old.value === undefined ? {} : { value: old.value }) };
          touched.add(merged[same]);
        }
      }
      keepOnePrimary(merged, touched);
      holder[def.name] = merged;
      return;
    }
    holder[def.name] = def.type === 'complex' && isObject(existing) && isObject(normalized) ? { ...existing, ...normalized } : normalized;
  }

  /** `attr.sub` without a filter: a sub-attribute of a single complex attribute. */
  private applySub(kind: OpKind, def: AttributeDef, sub: AttributeDef, holder: Json, value: unknown, label: string): void {
    const existing = holder[def.name];
    if (def.multiValued) {
      if (kind !== 'remove') throw new ScimError(400, 'invalidPath', `Say which ${def.name} value to change with a filter, e.g. ${def.name}[type eq "work"].${sub.name}.`);
      if (!Array.isArray(existing)) return;
      const left = (existing as unknown[]).map((item) => (isObject(item) ? withoutKey(item, sub.name) : item)).filter((item) => !isObject(item) || Object.keys(item).length > 0);
      setOrDelete(holder, def.name, left);
      return;
    }
    if (kind === 'remove') {
      if (isObject(existing)) setOrDelete(holder, def.name, withoutKey(existing, sub.name));
      return;
    }
    const normalized = normalizeScalar(sub, value, label);
    const base = isObject(existing) ? existing : {};
    setOrDelete(holder, def.name, normalized === undefined ? withoutKey(base, sub.name) : { ...base, [sub.name]: normalized });
  }

  /** `attr[filter]` or `attr[filter].sub`: the values of a multi-valued attribute the filter picks. */
  private applyFiltered(kind: OpKind, slot: AttributeSlot, sub: AttributeDef | null, filter: Filter, holder: Json, value: unknown, label: string): void {
    const def = slot.attribute;
    if (!def.multiValued || def.type !== 'complex') throw new ScimError(400, 'invalidPath', `${def.name} is not a multi-valued complex attribute, so it takes no [filter].`);
    const parent: AttrPath = { schema: slot.inExtension ? slot.schema.id : null, name: def.name, sub: null };
    assertKnownPaths(this.type, filter, 'invalidPath', parent);
    const existing = Array.isArray(holder[def.name]) ? (holder[def.name] as unknown[]) : [];
    const matching = new Set(existing.filter((item) => matchesValueFilter(filter, item, parent, this.options)));
    if (kind === 'remove') {
      if (matching.size === 0) throw noTarget(`No value of ${def.name} matches the filter; nothing to remove.`);
      const left = sub ? existing.map((item) => (matching.has(item) && isObject(item) ? withoutKey(item, sub.name) : item)) : existing.filter((item) => !matching.has(item));
      setOrDelete(holder, def.name, left);
      return;
    }
    const incoming = sub ? normalizeScalar(sub, value, label) : normalizeSingle(def, value, label);
    if (incoming === undefined) throw invalidValue(`Give a value for ${label}.`);
    if (matching.size === 0) {
      // RFC 7644 §3.5.2.3: a replace on an attribute with no values at all is an add.
      if (kind === 'replace' && existing.length > 0) throw noTarget(`No value of ${def.name} matches the filter; nothing to replace.`);
      const seed = equalityConditions(def, filter, label);
      if (!seed) throw noTarget(`No value of ${def.name} matches the filter, and the filter does not describe a new value (use eq conditions joined by and).`);
      const created: Json = { ...seed, ...(sub ? { [sub.name]: incoming } : (incoming as Json)) };
      const list = [...existing, created];
      keepOnePrimary(list, new Set([created]));
      holder[def.name] = list;
      return;
    }
    const touched = new Set<unknown>();
    const list = existing.map((item) => {
      if (!matching.has(item) || !isObject(item)) return item;
      const updated = sub ? { ...item, [sub.name]: incoming } : { ...item, ...(incoming as Json) };
      touched.add(updated);
      return updated;
    });
    keepOnePrimary(list, touched);
    holder[def.name] = list;
  }

  private removeListed(def: AttributeDef, holder: Json, value: unknown, label: string): void {
    const listed = normalizeValue(def, value, label);
    const existing = holder[def.name];
    if (!Array.isArray(listed) || !Array.isArray(existing)) return;
    setOrDelete(holder, def.name, existing.filter((item) => !listed.some((gone) => this.sameValue(def, item, gone))));
  }

  /** Two values of a multi-valued attribute are the same when their `value` (and `type`, if both have one) agree. */
  private sameValue(def: AttributeDef, a: unknown, b: unknown): boolean {
    if (!isObject(a) || !isObject(b) || a.value === undefined || b.value === undefined) return jsonEqual(a, b);
    const caseExact = findAttribute(def.subAttributes, 'value')?.caseExact ?? false;
    const sameText = caseExact || typeof a.value !== 'string' || typeof b.value !== 'string' ? a.value === b.value : a.value.toLowerCase() === b.value.toLowerCase();
    return sameText && (a.type === undefined || b.type === undefined || a.type === b.type);
  }
}

/** The new value a filter of `eq` conditions describes: `[type eq "work"]` gives {type:"work"}. */
function equalityConditions(def: AttributeDef, filter: Filter, label: string): Json | null {
  if (filter.kind === 'and') {
    const parts = filter.filters.map((f) => equalityConditions(def, f, label));
    return parts.every((p) => p !== null) ? Object.assign({}, ...parts) as Json : null;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null || filter.path.sub !== null) return null;
  const sub = findAttribute(def.subAttributes, filter.path.name);
  if (!sub || sub.mutability === 'readOnly') return null;
  return { [sub.name]: normalizeScalar(sub, filter.value, `${label}.${sub.name}`) };
}

function withoutKey(object: Json, key: string): Json {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

function setOrDelete(holder: Json, name: string, value: unknown): void {
  const empty = value === undefined || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
  if (empty) delete holder[name];
  else holder[name] = value;
}
