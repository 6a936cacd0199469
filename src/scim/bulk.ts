import type { ScimCall } from './scim-call.ts';
import type { ResourceResponse, ScimDispatch } from './scim-dispatch.ts';
import { invalidSyntax, invalidValue, ScimError, scimErrorBody, toScimError } from './scim-errors.ts';
import { findKey, isObject, type Json } from './scim-json.ts';
import { bulkLimits } from './schema/discovery.ts';

const bulkRequestSchema = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const bulkResponseSchema = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

interface BulkOperation {
  index: number;
  method: string;
  bulkId: string | null;
  version: string | undefined;
  path: string;
  data: unknown;
}

const bulkReference = /^bulkId:(.+)$/;

function member(object: Json, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

function readOperations(body: unknown): { operations: BulkOperation[]; failOnErrors: number | null } {
  if (!isObject(body)) throw invalidSyntax(`Send a BulkRequest: {"schemas":["${bulkRequestSchema}"],"Operations":[…]}.`);
  const raw = member(body, 'Operations');
  if (!Array.isArray(raw)) throw invalidSyntax('"Operations" must be a list of {"method","path","bulkId","data"}.');
  if (raw.length > bulkLimits.maxOperations) throw new ScimError(413, null, `A bulk request may carry at most ${bulkLimits.maxOperations} operations (maxOperations); this one has ${raw.length}.`);
  const fail = member(body, 'failOnErrors');
  if (fail !== undefined && (typeof fail !== 'number' || !Number.isInteger(fail) || fail < 1)) throw invalidSyntax('"failOnErrors" must be an integer of 1 or more.');
  const operations = raw.map((op, index): BulkOperation => {
    const entry = isObject(op) ? op : {};
    const method = member(entry, 'method');
    const bulkId = member(entry, 'bulkId');
    const version = member(entry, 'version');
    const path = member(entry, 'path');
    return {
      index, method: typeof method === 'string' ? method.toUpperCase() : '', bulkId: typeof bulkId === 'string' ? bulkId : null,
      version: typeof version === 'string' ? version : undefined, path: typeof path === 'string' ? path : '', data: member(entry, 'data'),
    };
  });
  return { operations, failOnErrors: typeof fail === 'number' ? fail : null };
}

/** Every `bulkId:x` the operation refers to, in its path and anywhere in its data. */
function referencesOf(operation: BulkOperation): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const match = bulkReference.exec(value);
      if (match?.[1]) found.add(match[1]);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) Object.values(value).forEach(visit);
  };
  operation.path.split('/').forEach(visit);
  visit(operation.data);
  return found;
}

function resolve(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string') {
    const match = bulkReference.exec(value);
    return match?.[1] && ids.has(match[1]) ? ids.get(match[1]) : value;
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, ids));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner, ids)]));
  return value;
}

/**
 * Runs a bulk request (RFC 7644 §3.7): each operation on its own, in order, except that one
 * referring to a `bulkId` a later POST defines waits for it. Stops after `failOnErrors` errors.
 */
export async function runBulk(dispatch: ScimDispatch, call: ScimCall, body: unknown, onUnexpected: (error: unknown) => void): Promise<Json> {
  const { operations, failOnErrors } = readOperations(body);
  const results = new Map<number, Json>();
  const created = new Map<string, string>();
  const definedBy = new Map<string, BulkOperation>();
  for (const op of operations) if (op.method === 'POST' && op.bulkId !== null && !definedBy.has(op.bulkId)) definedBy.set(op.bulkId, op);
  let errors = 0;
  let waiting = operations;

  const execute = async (op: BulkOperation): Promise<void> => {
    let response: ResourceResponse;
    try {
      response = await dispatch(call, checkedRequest(op, created, definedBy));
    } catch (error) {
      const scim = toScimError(error);
      if (!scim) onUnexpected(error);
      const failure = scim ?? new ScimError(500, null, `Operation ${op.index + 1} failed on our side; quote request id ${call.requestId} when you report it.`);
      errors += 1;
      results.set(op.index, { method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}), status: String(failure.status), response: scimErrorBody(failure) });
      return;
    }
    if (op.method === 'POST' && op.bulkId && response.body && typeof response.body.id === 'string') created.set(op.bulkId, response.body.id);
    results.set(op.index, {
      method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}), ...(response.etag ? { version: response.etag } : {}),
      ...(response.location ? { location: response.location } : {}), status: String(response.status),
    });
  };

  while (waiting.length > 0 && (failOnErrors === null || errors < failOnErrors)) {
    const later: BulkOperation[] = [];
    let progressed = false;
    for (const op of waiting) {
      if (failOnErrors !== null && errors >= failOnErrors) break;
      const blocked = [...referencesOf(op)].some((ref) => !created.has(ref) && definedBy.has(ref) && !results.has(definedBy.get(ref)?.index ?? -1));
      if (blocked) {
        later.push(op);
        continue;
      }
      await execute(op);
      progressed = true;
    }
    if (!progressed) {
      // What is left refers in a circle, or to POSTs that failed: each fails on its own.
      for (const op of later) await execute(op);
      break;
    }
    waiting = later;
  }
  return { schemas: [bulkResponseSchema], Operations: [...results.entries()].sort(([a], [b]) => a - b).map(([, result]) => result) };
}

/** The operation as a resource request, with every `bulkId:x` it names replaced by the id x got. */
function checkedRequest(op: BulkOperation, created: Map<string, string>, definedBy: Map<string, BulkOperation>) {
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method)) throw invalidSyntax(`Operation ${op.index + 1}: "method" must be POST, PUT, PATCH or DELETE.`);
  if (op.method === 'POST' && op.bulkId === null) throw invalidSyntax(`Operation ${op.index + 1}: a POST needs a "bulkId".`);
  if (op.method === 'POST' && op.bulkId !== null && definedBy.get(op.bulkId) !== op) throw invalidValue(`Operation ${op.index + 1}: bulkId "${op.bulkId}" is used by an earlier POST.`);
  const unresolved = [...referencesOf(op)].filter((ref) => !created.has(ref));
  if (unresolved.length > 0) throw new ScimError(409, 'invalidValue', `Operation ${op.index + 1} refers to bulkId "${unresolved[0] ?? ''}", which no successful POST of this request defines.`);
  const segments = op.path.split('/').filter((s) => s !== '').map((segment) => resolve(segment, created) as string);
  const [endpoint, id = null, ...rest] = segments;
  if (!endpoint || rest.length > 0 || (op.method === 'POST') !== (id === null)) {
    throw invalidSyntax(`Operation ${op.index + 1}: "path" must be ${op.method === 'POST' ? '"/Users" or "/Groups"' : '"/Users/{id}" or "/Groups/{id}"'}.`);
  }
  return { method: op.method, endpoint, id, query: {}, body: resolve(op.data, created), preconditions: { ifMatch: op.version } };
}
