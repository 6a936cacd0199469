import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScimFilterError, type PatchPath } from './ast.ts';
import { parsePatchPath } from './path.ts';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function assertRejects(path: string, position: number | null, pattern: RegExp): void {
  assert.throws(
    () => parsePatchPath(path),
    (error: unknown) => {
      assert.ok(error instanceof ScimFilterError, `expected a ScimFilterError for ${path}`);
      assert.equal(error.scimType, 'invalidPath');
      assert.equal(error.position, position);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('parsePatchPath', () => {
  it('parses plain, sub-attribute and schema-qualified paths', () => {
    const cases: [string, PatchPath][] = [
      ['members', { attribute: { schema: null, name: 'members', sub: null }, valueFilter: null }],
      ['name.familyName', { attribute: { schema: null, name: 'name', sub: 'familyName' }, valueFilter: null }],
      [`${enterprise}:manager`, { attribute: { schema: enterprise, name: 'manager', sub: null }, valueFilter: null }],
      [`${enterprise}:manager.value`, { attribute: { schema: enterprise, name: 'manager', sub: 'value' }, valueFilter: null }],
    ];
    for (const [path, expected] of cases) assert.deepEqual(parsePatchPath(path), expected, path);
  });

  it('parses the filtered paths of RFC 7644 §3.5.2', () => {
    assert.deepEqual(parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]'), {
      attribute: { schema: null, name: 'members', sub: null },
      valueFilter: { kind: 'compare', path: { schema: null, name: 'value', sub: null }, op: 'eq', value: '2819c223-7f76-453a-919d-413861904646' },
    });
    assert.deepEqual(parsePatchPath('addresses[type eq "work"].streetAddress'), {
      attribute: { schema: null, name: 'addresses', sub: 'streetAddress' },
      valueFilter: { kind: 'compare', path: { schema: null, name: 'type', sub: null }, op: 'eq', value: 'work' },
    });
    const filtered = parsePatchPath('emails[type eq "work" and value ew "example.com"]');
    assert.equal(filtered.valueFilter?.kind, 'and');
  });

  it('accepts the capitalised operators and booleans real clients send inside the filter', () => {
    const path = parsePatchPath('emails[Type EQ "work" And Primary Eq True].Value');
    assert.deepEqual(path.attribute, { schema: null, name: 'emails', sub: 'Value' });
    assert.deepEqual(path.valueFilter, {
      kind: 'and',
      filters: [
        { kind: 'compare', path: { schema: null, name: 'Type', sub: null }, op: 'eq', value: 'work' },
        { kind: 'compare', path: { schema: null, name: 'Primary', sub: null }, op: 'eq', value: true },
      ],
    });
  });

  it('refuses paths that are not an attribute, with invalidPath and a position', () => {
    assertRejects('', 1, /path is empty/);
    assertRejects('"emails"', 1, /expected an attribute name/);
    assertRejects('emails.value[type eq "work"]', 13, /must follow the attribute itself/);
    assertRejects('emails[type eq "work"] and x', 24, /expected the end of the path, found 'and'/);
    assertRejects('emails[type eq "work"', 22, /to close the '\[' at position 7/);
    assertRejects('emails[type eq "work"].', 24, /expected a sub-attribute name after '\]\.'/);
    assertRejects('emails[type eq "work"].value.x', 24, /expected a sub-attribute name/);
    assertRejects('emails[]', 8, /expected an attribute name, 'not' or '\(' after '\['/);
    assertRejects('name.familyName.x', 1, /not an attribute path/);
    assertRejects(`emails[value eq "${'x'.repeat(4096)}"]`, null, /limit is 4096/);
  });
});
