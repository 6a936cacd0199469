import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attrPathKey, ScimFilterError, type AttrPath, type CompareOperator, type CompareValue, type Filter } from './ast.ts';
import { parseFilter } from './parse.ts';

const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function at(text: string): AttrPath {
  const colon = text.lastIndexOf(':');
  const [name = '', sub = null] = text.slice(colon + 1).split('.');
  return { schema: colon < 0 ? null : text.slice(0, colon), name, sub };
}
const cmp = (path: string, op: CompareOperator, value: CompareValue): Filter => ({ kind: 'compare', path: at(path), op, value });
const pr = (path: string): Filter => ({ kind: 'present', path: at(path) });
const and = (...filters: Filter[]): Filter => ({ kind: 'and', filters });
const or = (...filters: Filter[]): Filter => ({ kind: 'or', filters });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const valuePath = (path: string, filter: Filter): Filter => ({ kind: 'valuePath', path: at(path), filter });

/** Asserts that parsing fails with invalidFilter at `position` and a message matching `pattern`. */
function assertRejects(filter: string, position: number | null, pattern: RegExp): void {
  assert.throws(
    () => parseFilter(filter),
    (error: unknown) => {
      assert.ok(error instanceof ScimFilterError, `expected a ScimFilterError for ${filter}`);
      assert.equal(error.scimType, 'invalidFilter');
      assert.equal(error.position, position);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('parseFilter', () => {
  it('parses every example filter of RFC 7644 §3.4.2.2', () => {
    const examples: [string, Filter][] = [
      ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
      [`name.familyName co "O'Malley"`, cmp('name.familyName', 'co', "O'Malley")],
      ['userName sw "J"', cmp('userName', 'sw', 'J')],
      [`${core}:userName sw "J"`, cmp(`${core}:userName`, 'sw', 'J')],
      ['title pr', pr('title')],
      ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z')],
      ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'ge', '2011-05-13T04:42:34Z')],
      ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'lt', '2011-05-13T04:42:34Z')],
      ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'le', '2011-05-13T04:42:34Z')],
      ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
      ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
      [`schemas eq "${enterprise}"`, cmp('schemas', 'eq', enterprise)],
      [
        'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
        and(cmp('userType', 'eq', 'Employee'), or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org'))),
      ],
      [
        'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
        and(cmp('userType', 'ne', 'Employee'), not(or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org')))),
      ],
      ['userType eq "Employee" and (emails.type eq "work")', and(cmp('userType', 'eq', 'Employee'), cmp('emails.type', 'eq', 'work'))],
      [
        'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
        and(cmp('userType', 'eq', 'Employee'), valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com')))),
      ],
      [
        'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
        or(
          valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
          valuePath('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
        ),
      ],
    ];
    for (const [filter, expected] of examples) assert.deepEqual(parseFilter(filter), expected, filter);
  });

  it('accepts operators and keywords in any case, as real clients send them', () => {
    assert.deepEqual(parseFilter('userName EQ "x"'), cmp('userName', 'eq', 'x'));
    assert.deepEqual(parseFilter('userName Eq "x"'), cmp('userName', 'eq', 'x'));
    assert.deepEqual(parseFilter('title PR AND NOT (active Eq True) OR x Ne NULL'), or(and(pr('title'), not(cmp('active', 'eq', true))), cmp('x', 'ne', null)));
    assert.deepEqual(parseFilter('active eq False'), cmp('active', 'eq', false));
  });

  it('keeps attribute names as written and compares them through their lower-cased key', () => {
    const filter = parseFilter(`${enterprise}:employeeNumber eq "701984"`);
    assert.deepEqual(filter, cmp(`${enterprise}:employeeNumber`, 'eq', '701984'));
    assert.ok(filter.kind === 'compare');
    assert.equal(attrPathKey(filter.path), 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber');
    assert.deepEqual(parseFilter('NAME.FamilyName pr'), pr('NAME.FamilyName'));
  });

  it('binds not tighter than and, and and tighter than or', () => {
    assert.deepEqual(parseFilter('a pr or b pr and c pr'), or(pr('a'), and(pr('b'), pr('c'))));
    assert.deepEqual(parseFilter('a pr and b pr or c pr'), or(and(pr('a'), pr('b')), pr('c')));
    assert.deepEqual(parseFilter('(a pr or b pr) and c pr'), and(or(pr('a'), pr('b')), pr('c')));
    assert.deepEqual(parseFilter('not (a pr) and b pr'), and(not(pr('a')), pr('b')));
    assert.deepEqual(parseFilter('a pr and b pr and c pr or d pr or e pr'), or(and(pr('a'), pr('b'), pr('c')), pr('d'), pr('e')));
  });

  it('reads JSON strings with escapes, numbers and null', () => {
    assert.deepEqual(parseFilter('displayName eq "say \\"hi\\" \\\\ \\u00e9\\n"'), cmp('displayName', 'eq', 'say "hi" \\ é\n'));
    assert.deepEqual(parseFilter('x gt -1.5e3'), cmp('x', 'gt', -1500));
    assert.deepEqual(parseFilter('x eq 0'), cmp('x', 'eq', 0));
    assert.deepEqual(parseFilter('x eq null'), cmp('x', 'eq', null));
    assert.deepEqual(parseFilter('  x\teq\n"y"  '), cmp('x', 'eq', 'y'));
  });

  it('reads a value path followed by a sub-attribute comparison as one value filter', () => {
    assert.deepEqual(
      parseFilter('emails[type eq "work"].value co "@example.com"'),
      valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
    );
    assert.deepEqual(parseFilter('emails[not (primary eq true)]'), valuePath('emails', not(cmp('primary', 'eq', true))));
    assert.deepEqual(parseFilter(`${enterprise}:manager[value eq "26118915"]`), valuePath(`${enterprise}:manager`, cmp('value', 'eq', '26118915')));
  });

  it('reads an attribute called not, and or or where an attribute belongs', () => {
    assert.deepEqual(parseFilter('not pr and or eq 1'), and(pr('not'), cmp('or', 'eq', 1)));
  });

  it('names the position of an unterminated string', () => {
    assertRejects('userName eq "bjensen', 13, /unterminated string/);
  });

  it('asks for a value when it is missing', () => {
    assertRejects('userName eq', 12, /expected a value after 'eq'.*found the end of the input/);
    assertRejects('userName eq and title pr', 13, /expected a value after 'eq'.*found 'and'; put text in double quotes/);
    assertRejects('userName eq bjensen', 13, /put text in double quotes, e\.g\. "bjensen"/);
  });

  it('lists the operators when one is unknown or missing', () => {
    assertRejects('userName eqq "x"', 10, /unknown operator 'eqq'; expected one of eq, ne, co, sw, ew, gt, ge, lt, le or pr/);
    assertRejects('userName', 9, /expected an operator .* after 'userName', found the end of the input/);
    assertRejects('userName = "x"', 10, /unexpected character '='/);
  });

  it('refuses a dangling and, or and not', () => {
    assertRejects('title pr and', 13, /expected an attribute name, 'not' or '\(' after 'and', found the end of the input/);
    assertRejects('title pr or ', 13, /after 'or', found the end of the input/);
    assertRejects('and title pr', 5, /unknown operator 'title'/);
    assertRejects('not title pr', 5, /expected '\(' after 'not', found 'title'/);
  });

  it('refuses unbalanced parentheses and brackets', () => {
    assertRejects('(title pr', 10, /expected 'and', 'or' or '\)' to close the '\(' at position 1/);
    assertRejects('title pr)', 9, /unexpected '\)': there is no matching '\('/);
    assertRejects('emails[type eq "work"', 22, /expected 'and', 'or' or ']' to close the '\[' at position 7/);
    assertRejects('emails type eq "work"]', 8, /unknown operator 'type'/);
    assertRejects('title pr]', 9, /unexpected ']': there is no matching '\['/);
    assertRejects('(title pr))', 11, /no matching '\('/);
    assertRejects('()', 2, /expected an attribute name, 'not' or '\(' after '\(', found '\)'/);
  });

  it('refuses malformed names, numbers, escapes and quotes', () => {
    assertRejects('a.b.c pr', 1, /'a\.b\.c' is not an attribute path/);
    assertRejects('foo:bar pr', 1, /'foo' is not a schema URN/);
    assertRejects('x eq 01', 6, /malformed number '01'/);
    assertRejects('x eq 1abc', 6, /malformed number '1abc'/);
    assertRejects('x eq "\\q"', 7, /invalid escape '\\q'/);
    assertRejects("userName eq 'bjensen'", 13, /double quotes/);
    assertRejects('x eq "a\nb"', 8, /control character/);
    assertRejects('title pr title pr', 10, /expected 'and', 'or' or the end of the filter, found 'title'/);
  });

  it('refuses nested value filters and qualified names inside brackets', () => {
    assertRejects('emails[type[value eq "x"]]', 12, /value filters cannot nest/);
    assertRejects('emails[emails.type eq "work"]', 8, /inside \[ \] name one sub-attribute/);
    assertRejects('emails.type[value eq "x"]', 12, /must follow the attribute itself/);
    assertRejects('emails[type eq "work"].value', 29, /expected an operator .* after 'value'/);
  });

  it('refuses an empty filter, one over 4096 characters and one nested deeper than 32 levels', () => {
    assertRejects('   ', 1, /empty/);
    assertRejects(`userName eq "${'x'.repeat(4090)}"`, null, /4104 characters long; the limit is 4096/);
    const nested = (levels: number) => `${'('.repeat(levels)}title pr${')'.repeat(levels)}`;
    assert.deepEqual(parseFilter(nested(32)), pr('title'));
    assertRejects(nested(33), 33, /nests more than 32 levels/);
    assertRejects(`${'not ('.repeat(33)}title pr${')'.repeat(33)}`, 165, /nests more than 32 levels/);
  });
});
