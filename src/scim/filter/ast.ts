/**
 * The syntax tree of a SCIM filter (RFC 7644 §3.4.2.2) and of a PATCH path (§3.5.2).
 *
 * Names keep the spelling the client sent, so messages can quote it back. SCIM names are
 * case-insensitive, so every comparison of names goes through the canonical form: the lower-cased
 * text that `attrPathKey` returns, e.g. `name.familyname` or
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber`.
 */

export type AttributeType = 'string' | 'dateTime' | 'boolean' | 'number' | 'complex' | 'reference';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export const compareOperators: readonly CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/** The operators that order values; they make no sense on booleans or null. */
export const orderingOperators: readonly CompareOperator[] = ['gt', 'ge', 'lt', 'le'];

/** The operators that look inside a string. */
export const substringOperators: readonly CompareOperator[] = ['co', 'sw', 'ew'];

export type CompareValue = string | number | boolean | null;

/**
 * `[schema ":"] name ["." sub]`. Inside a value filter (`emails[type eq "work"]`) paths are
 * relative to one element: `schema` and `sub` are null and `name` is the sub-attribute.
 */
export interface AttrPath {
  readonly schema: string | null;
  readonly name: string;
  readonly sub: string | null;
}

/**
 * `path op value`. Semantics: true when any value of a multi-valued attribute matches; `ne` is
 * the negation of `eq` (so an absent attribute is `ne` anything); `eq null` means "not present".
 */
export interface CompareFilter {
  readonly kind: 'compare';
  readonly path: AttrPath;
  readonly op: CompareOperator;
  readonly value: CompareValue;
}

/** `path pr`: the attribute has a value that is not null, not "", not [] and not {}. */
export interface PresentFilter {
  readonly kind: 'present';
  readonly path: AttrPath;
}

/** `and` / `or` chains are kept flat: `a and b and c` is one node with three filters. */
export interface LogicalFilter {
  readonly kind: 'and' | 'or';
  readonly filters: readonly Filter[];
}

export interface NotFilter {
  readonly kind: 'not';
  readonly filter: Filter;
}

/** `path[filter]`: some element of the (multi-valued, complex) attribute matches `filter`. */
export interface ValuePathFilter {
  readonly kind: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
}

export type Filter = CompareFilter | PresentFilter | LogicalFilter | NotFilter | ValuePathFilter;

/**
 * A PATCH target. `attribute.sub` is the sub-attribute to change (`name.familyName`, or `value`
 * in `emails[type eq "work"].value`); `valueFilter`, when set, picks the elements of the
 * multi-valued attribute `attribute.name` the operation applies to.
 */
export interface PatchPath {
  readonly attribute: AttrPath;
  readonly valueFilter: Filter | null;
}

export const filterLimits = { maxLength: 4096, maxDepth: 32 } as const;

export type ScimFilterErrorType = 'invalidFilter' | 'invalidPath';

/** A filter or path the client must fix; SCIM routes answer it with 400 and `scimType`. */
export class ScimFilterError extends Error {
  constructor(
    readonly scimType: ScimFilterErrorType,
    message: string,
    /** 1-based character position in the filter or path, when the error is at one place. */
    readonly position: number | null = null,
  ) {
    super(message);
    this.name = 'ScimFilterError';
  }
}

/** The path as SCIM writes it, in the client's spelling: `urn:…:User:name.familyName`. */
export function formatAttrPath(path: AttrPath): string {
  const prefix = path.schema === null ? '' : `${path.schema}:`;
  const suffix = path.sub === null ? '' : `.${path.sub}`;
  return `${prefix}${path.name}${suffix}`;
}

/** The canonical, lower-cased form of a path, used whenever two names are compared. */
export function attrPathKey(path: AttrPath): string {
  return formatAttrPath(path).toLowerCase();
}
