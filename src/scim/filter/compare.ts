import {
  attrPathKey,
  formatAttrPath,
  orderingOperators,
  ScimFilterError,
  substringOperators,
  type AttributeType,
  type AttrPath,
  type CompareFilter,
  type CompareOperator,
  type CompareValue,
} from './ast.ts';

/** What evaluation knows of the schema. Both callbacks receive absolute paths (`emails.type`). */
export interface AttributeFacts {
  readonly typeOf: (path: AttrPath) => AttributeType;
  readonly caseExact: (path: AttrPath) => boolean;
}

/**
 * Types of the RFC 7643 core attributes that are not strings: `active` and every `primary`
 * are booleans, `meta.created` and `meta.lastModified` date-times, `$ref` and `meta.location`
 * references. Everything else is taken for a string.
 */
export function defaultTypeOf(path: AttrPath): AttributeType {
  const key = attrPathKey({ ...path, schema: null });
  const sub = path.sub?.toLowerCase();
  if (key === 'active' || sub === 'primary') return 'boolean';
  if (key === 'meta.created' || key === 'meta.lastmodified') return 'dateTime';
  if (key === 'meta.location' || key === '$ref' || sub === '$ref') return 'reference';
  return 'string';
}

/** RFC 7643 makes `id`, `externalId` and references case-exact; other strings are not. */
export function defaultCaseExact(path: AttrPath): boolean {
  const key = attrPathKey({ ...path, schema: null });
  return key === 'id' || key === 'externalid' || defaultTypeOf(path) === 'reference';
}

/** The type a comparison sees: a complex attribute named without a sub-attribute compares its `value`. */
function comparedType(path: AttrPath, typeOf: AttributeFacts['typeOf']): AttributeType {
  const type = typeOf(path);
  return type === 'complex' && path.sub === null ? typeOf({ ...path, sub: 'value' }) : type;
}

/**
 * Refuses comparisons that cannot mean anything, whatever the data: ordering booleans or null,
 * substrings of numbers, a date-time against text that is not an instant.
 */
export function checkComparison(node: CompareFilter, path: AttrPath, typeOf: AttributeFacts['typeOf']): void {
  const { op, value } = node;
  const name = formatAttrPath(path);
  const type = comparedType(path, typeOf);
  const reject = (why: string): never => {
    throw new ScimFilterError('invalidFilter', `Cannot evaluate '${name} ${op} ${JSON.stringify(value)}': ${why}.`);
  };
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') reject('null only goes with eq (not present) or ne (present)');
    return;
  }
  if (orderingOperators.includes(op) && (type === 'boolean' || typeof value === 'boolean')) reject('booleans have no order; use eq or ne');
  if (substringOperators.includes(op) && typeof value !== 'string') reject(`${op} needs a "quoted string" value`);
  if (substringOperators.includes(op) && (type === 'boolean' || type === 'number')) reject(`${op} applies to text, and '${name}' is a ${type}`);
  if (type === 'boolean' && toBoolean(value) === null) reject(`'${name}' is a boolean; compare it with true or false`);
  if (type === 'number' && typeof value !== 'number') reject(`'${name}' is a number; compare it with a number`);
  if (type === 'dateTime' && !substringOperators.includes(op) && (typeof value !== 'string' || parseInstant(value) === null)) {
    reject(`'${name}' is a date-time; compare it with an ISO 8601 instant such as "2011-05-13T04:42:34Z"`);
  }
}

/**
 * Compares one attribute value (never null, never an array) with a filter's non-null value;
 * `ne` is evaluated as "not eq" by the caller. Strings compare by UTF-16 code units, after
 * lower-casing unless the attribute is case-exact.
 */
export function compareScalar(actual: unknown, op: Exclude<CompareOperator, 'ne'>, expected: CompareValue, path: AttrPath, facts: AttributeFacts): boolean {
  if (typeof actual === 'boolean') {
    if (op !== 'eq') {
      const name = formatAttrPath(path);
      throw new ScimFilterError('invalidFilter', `Cannot evaluate '${name} ${op} ${JSON.stringify(expected)}': '${name}' is a boolean; use eq or ne.`);
    }
    return toBoolean(expected) === actual;
  }
  if (typeof actual === 'number') return typeof expected === 'number' && op !== 'co' && op !== 'sw' && op !== 'ew' && order(op, actual, expected);
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  const exact = facts.caseExact(path);
  const a = exact ? actual : actual.toLowerCase();
  const b = exact ? expected : expected.toLowerCase();
  if (op === 'co') return a.includes(b);
  if (op === 'sw') return a.startsWith(b);
  if (op === 'ew') return a.endsWith(b);
  if (facts.typeOf(path) !== 'dateTime') return order(op, a, b);
  const at = parseInstant(actual);
  const bound = parseInstant(expected);
  return at !== null && bound !== null && order(op, at, bound);
}

function order<T extends string | number>(op: 'eq' | 'gt' | 'ge' | 'lt' | 'le', a: T, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
  }
}

/** Real clients send booleans as strings ("False"); both spellings mean the same. */
function toBoolean(value: CompareValue): boolean | null {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.toLowerCase() : '';
  return text === 'true' ? true : text === 'false' ? false : null;
}

const isoInstant = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/i;

/**
 * Milliseconds since the epoch of an xsd:dateTime, or null when the text is not one. A missing
 * offset is read as UTC, so the result never depends on the server's time zone.
 */
export function parseInstant(text: string): number | null {
  const match = isoInstant.exec(text);
  if (!match) return null;
  const [, date, time = '00:00', fraction = '', zone = 'Z'] = match;
  const millis = Date.parse(`${date}T${time}${fraction.slice(0, 4)}${zone.toUpperCase()}`);
  return Number.isNaN(millis) ? null : millis;
}
