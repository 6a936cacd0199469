import type { PatchPath } from './ast.ts';
import { FilterParser } from './parse.ts';

/**
 * Parses a PATCH operation's `path` (RFC 7644 §3.5.2): `attr`, `attr.sub`, `urn:…:attr`,
 * `attr[filter]` or `attr[filter].sub`. Errors carry `scimType: 'invalidPath'`.
 */
export function parsePatchPath(input: string): PatchPath {
  const parser = new FilterParser(input, 'invalidPath');
  const first = parser.next();
  if (first.kind !== 'word') parser.fail(first, `expected an attribute name such as 'emails' or 'name.familyName'`);
  const attribute = parser.attrPath(first, false);
  if (parser.peek().kind !== '[') {
    parser.expectEnd();
    return { attribute, valueFilter: null };
  }
  const valueFilter = parser.parseValueFilter(attribute);
  const sub = parser.parseTrailingSub();
  parser.expectEnd();
  return { attribute: { ...attribute, sub }, valueFilter };
}
