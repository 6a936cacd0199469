import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attrPathKey, ScimFilterError } from './ast.ts';
import { checkFilter, evaluateFilter, matchesValueFilter, type EvaluateOptions } from './evaluate.ts';
import { parseFilter } from './parse.ts';
import { parsePatchPath } from './path.ts';

const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const bjensen = {
  schemas: [core, enterprise],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'bjensen',
  userName: 'bjensen',
  name: { formatted: 'Ms. Barbara J Jensen III', familyName: "O'Malley", givenName: 'Barbara' },
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:35Z' },
  [enterprise]: { employeeNumber: '701984', hireDate: '2020-01-01T04:00:00Z', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
};

const jsmith = {
  schemas: [core],
  userName: 'Jsmith',
  userType: 'Intern',
  title: '',
  active: false,
  nickName: null,
  emails: [{ value: 'jsmith@school.edu', type: 'home' }],
  ims: [{ value: 'js@foo.com', type: 'xmpp' }],
  phoneNumbers: [],
  meta: { lastModified: '2011-05-13T00:42:34-04:00' },
};

function matches(filter: string, resource: Record<string, unknown>, options?: EvaluateOptions): boolean {
  return evaluateFilter(parseFilter(filter), resource, options);
}

function assertInvalid(filter: string, pattern: RegExp, options?: EvaluateOptions): void {
  assert.throws(
    () => matches(filter, {}, options),
    (error: unknown) => error instanceof ScimFilterError && error.scimType === 'invalidFilter' && pattern.test(error.message),
  );
}

describe('evaluateFilter', () => {
  it('evaluates every example filter of RFC 7644 §3.4.2.2 on two users', () => {
    const examples: [string, boolean, boolean][] = [
      ['userName eq "bjensen"', true, false],
      [`name.familyName co "O'Malley"`, true, false],
      ['userName sw "J"', false, true],
      [`${core}:userName sw "J"`, false, true],
      ['title pr', true, false],
      ['meta.lastModified gt "2011-05-13T04:42:34Z"', true, false],
      ['meta.lastModified ge "2011-05-13T04:42:34Z"', true, true],
      ['meta.lastModified lt "2011-05-13T04:42:34Z"', false, false],
      ['meta.lastModified le "2011-05-13T04:42:34Z"', false, true],
      ['title pr and userType eq "Employee"', true, false],
      ['title pr or userType eq "Intern"', true, true],
      [`schemas eq "${enterprise}"`, true, false],
      ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true, false],
      ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false, true],
      ['userType eq "Employee" and (emails.type eq "work")', true, false],
      ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true, false],
      ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', true, true],
    ];
    for (const [filter, forBjensen, forJsmith] of examples) {
      assert.equal(matches(filter, bjensen), forBjensen, `${filter} on bjensen`);
      assert.equal(matches(filter, jsmith), forJsmith, `${filter} on jsmith`);
    }
  });

  it('compares strings case-insensitively unless the attribute is case-exact', () => {
    assert.equal(matches('userName eq "BJensen"', bjensen), true);
    assert.equal(matches('userName eq "BJensen"', bjensen, { caseExact: (path) => attrPathKey(path) === 'username' }), false);
    assert.equal(matches('externalId eq "BJENSEN"', bjensen), false);
    assert.equal(matches('externalId eq "bjensen"', bjensen), true);
    assert.equal(matches('userName gt "BJ" and userName lt "bk"', bjensen), true);
  });

  it('matches attribute names in any case, including schema URNs and extension members', () => {
    assert.equal(matches('USERNAME eq "bjensen" and Name.FAMILYNAME pr and EMAILS[TYPE eq "work"]', bjensen), true);
    assert.equal(matches(`${enterprise.toUpperCase()}:EmployeeNumber eq "701984"`, bjensen), true);
    assert.equal(matches(`${enterprise}:employeeNumber pr`, jsmith), false);
    assert.equal(matches(`${core}:userName pr`, { userName: 'x', schemas: [enterprise] }), false);
  });

  it('matches a multi-valued attribute when any value matches, and a value path only within one value', () => {
    assert.equal(matches('emails.type eq "home"', bjensen), true);
    assert.equal(matches('emails.type eq "home" and emails.value co "example.com"', bjensen), true);
    assert.equal(matches('emails[type eq "home" and value co "example.com"]', bjensen), false);
    assert.equal(matches('emails[type eq "work"].value ew "@EXAMPLE.COM"', bjensen), true);
    assert.equal(matches('emails[primary eq true and type eq "home"]', bjensen), false);
    assert.equal(matches(`${enterprise}:manager eq "26118915-6090-4610-87e4-49d8ca9f808d"`, bjensen), true);
  });

  it('treats ne as the negation of eq, and eq null as absent', () => {
    assert.equal(matches('emails.type ne "work"', bjensen), false);
    assert.equal(matches('emails.type ne "other"', bjensen), true);
    assert.equal(matches('nickName ne "babs"', bjensen), true);
    assert.equal(matches('nickName eq null', jsmith), true);
    assert.equal(matches('title eq null', jsmith), true);
    assert.equal(matches('title ne null', bjensen), true);
  });

  it('finds no value in null, empty strings, empty lists and empty objects', () => {
    const resource = { a: null, b: '', c: [], d: {}, e: [null, ''], f: { x: null }, g: false, h: 0, i: [{ value: 'x' }] };
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'missing']) assert.equal(matches(`${name} pr`, resource), false, name);
    for (const name of ['g', 'h', 'i', 'i.value']) assert.equal(matches(`${name} pr`, resource), true, name);
  });

  it('compares date-times as instants, whatever their offsets', () => {
    assert.equal(matches('meta.created eq "2010-01-23T05:56:22+01:00"', bjensen), true);
    assert.equal(matches('meta.created lt "2010-01-23T05:56:22.001+01:00"', bjensen), true);
    const hireDate = `${enterprise}:hireDate`;
    const options: EvaluateOptions = { typeOf: (path) => (attrPathKey(path) === hireDate.toLowerCase() ? 'dateTime' : 'string') };
    assert.equal(matches(`${hireDate} gt "2019-12-31T23:00:00-05:00"`, bjensen, options), false);
    assert.equal(matches(`${hireDate} ge "2019-12-31T23:00:00-05:00"`, bjensen, options), true);
    assert.equal(matches(`${hireDate} gt "2019-12-31T23:00:00-05:00"`, bjensen), true, 'as a string, 2020 sorts after 2019');
    assertInvalid('meta.lastModified gt "yesterday"', /ISO 8601 instant/);
  });

  it('compares booleans and numbers by type, and accepts booleans sent as strings', () => {
    assert.equal(matches('active eq true', bjensen), true);
    assert.equal(matches('active eq "True"', bjensen), true);
    assert.equal(matches('active eq False', jsmith), true);
    assert.equal(matches('active ne true', jsmith), true);
    const counted = { logins: 10 };
    assert.equal(matches('logins gt 9 and logins le 10', counted), true);
    assert.equal(matches('logins eq "10"', counted), false);
    assertInvalid('logins gt "9"', /is a number/, { typeOf: () => 'number' });
  });

  it('refuses to order booleans or null, or to search inside non-strings, even where no value exists', () => {
    assertInvalid('active gt true', /booleans have no order/);
    assertInvalid('active le false', /booleans have no order/);
    assertInvalid('emails[primary gt false]', /booleans have no order/);
    assertInvalid('x gt true', /booleans have no order/);
    assertInvalid('active co "t"', /applies to text/);
    assertInvalid('active eq "yes"', /is a boolean/);
    assertInvalid('x co 5', /needs a "quoted string"/);
    assertInvalid('x lt null', /null only goes with eq/);
    assert.throws(() => matches('flag gt "a"', { flag: true }), /'flag' is a boolean; use eq or ne/);
  });
});

describe('checkFilter', () => {
  it('checks a filter once, without a resource, against the attribute types it is given', () => {
    const typeOf: EvaluateOptions['typeOf'] = (path) => (attrPathKey(path) === 'emails.primary' ? 'boolean' : 'complex');
    assert.doesNotThrow(() => checkFilter(parseFilter('emails[primary eq true] or emails co "x"'), { typeOf }));
    assert.throws(() => checkFilter(parseFilter('title pr or emails[primary ge true]'), { typeOf }), /booleans have no order/);
  });
});

describe('matchesValueFilter', () => {
  it('picks the elements a filtered PATCH path targets', () => {
    const path = parsePatchPath('emails[type eq "WORK" and primary eq "true"].value');
    assert.ok(path.valueFilter);
    const picked = bjensen.emails.filter((email) => matchesValueFilter(path.valueFilter!, email, path.attribute));
    assert.deepEqual(picked, [bjensen.emails[0]]);
    assert.equal(matchesValueFilter(path.valueFilter, 'not an object', path.attribute), false);
    assert.throws(() => matchesValueFilter(parseFilter('primary lt true'), {}, path.attribute), ScimFilterError);
  });
});
