import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDisabledWorker, workerDn, workerEntryUuid, workerUid, writeDirectoryLdif } from '../../../../test/helpers/ldif.ts';
import { type Slapd, loadLdif, modifyLdif, startSlapd } from '../../../../test/helpers/slapd.ts';
import type { DirectoryRecord } from '../../directory-record.ts';
import { type LdapReadSummary, LdapSourceError, readLdapDirectory } from './ldap-source.ts';
import { ldapSourceConfigSchema } from './ldap-source.schemas.ts';
import { missingTools, slapdTools } from '../../../../test/helpers/system-tools.ts';

const workerCount = 1200;
const people = 'ou=people,dc=gatehouse,dc=test';

const extraEntries = `dn: ou=ad,dc=gatehouse,dc=test
objectClass: organizationalUnit
ou: ad

dn: cn=Pat Boss,ou=ad,dc=gatehouse,dc=test
objectClass: inetOrgPerson
objectClass: adUser
cn: Pat Boss
sn: Boss
givenName: Pat
sAMAccountName: pboss
objectGUID:: AQIDBAUGBwgJCgsMDQ4PEA==
department: Child Protective Services
title: Supervisor II
userAccountControl: 512

dn: cn=Lee Line,ou=ad,dc=gatehouse,dc=test
objectClass: inetOrgPerson
objectClass: adUser
cn: Lee Line
sn: Line
givenName: Lee
mail: lee.line@example.org
sAMAccountName: lline
objectGUID:: EBESExQVFhcYGRobHB0eHw==
department: child protective services
title: Caseworker I
manager: CN=Pat Boss, OU=ad,DC=gatehouse,DC=test
userAccountControl: 66050

dn: ou=odd,dc=gatehouse,dc=test
objectClass: organizationalUnit
ou: odd

dn: cn=No Login,ou=odd,dc=gatehouse,dc=test
objectClass: inetOrgPerson
cn: No Login
sn: Login
givenName: No

dn: uid=x,ou=odd,dc=gatehouse,dc=test
objectClass: inetOrgPerson
uid: x
cn: Too Short
sn: Short
givenName: Too

dn: uid=odd01,ou=odd,dc=gatehouse,dc=test
objectClass: inetOrgPerson
uid: odd01
cn: Odd One
sn: One
givenName: Odd
mail: not-an-address
title: Head of Everything
employeeType: Head of Everything
manager: uid=ghost,ou=odd,dc=gatehouse,dc=test

dn: cn=unit-one,ou=groups,dc=gatehouse,dc=test
objectClass: posixGroup
cn: unit-one
gidNumber: 5001
memberUid: w0000001
memberUid: W0000002
`;

async function readAll(config: ReturnType<typeof ldapSourceConfigSchema.parse>, options: { modifiedSince?: string } = {}) {
  const reader = readLdapDirectory(config, options);
  const batches: DirectoryRecord[][] = [];
  let step = await reader.next();
  while (!step.done) {
    batches.push(step.value);
    step = await reader.next();
  }
  const summary: LdapReadSummary = step.value;
  return { batches, records: batches.flat(), summary };
}

describe('LDAP directory source against a real slapd', { skip: missingTools(...slapdTools) }, () => {
  let slapd: Slapd;
  let dataDir: string;
  const configFor = (overrides: Record<string, unknown> = {}) =>
    ldapSourceConfigSchema.parse({ url: slapd.url, bindDn: slapd.bindDn, bindPassword: slapd.password, baseDn: people, ...overrides });
  const disabledUids = (records: DirectoryRecord[]) => records.filter((r) => !r.enabled).map((r) => r.loginId).sort();
  const expectedDisabled = Array.from({ length: workerCount }, (_, i) => i + 1).filter(isDisabledWorker).map(workerUid);

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-ldap-test-'));
    const ldif = join(dataDir, 'directory.ldif');
    await writeDirectoryLdif(ldif, { count: workerCount });
    slapd = await startSlapd({ bulkLdifFile: ldif });
    await loadLdif(slapd, extraEntries);
  });

  after(async () => {
    await slapd?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads every entry of a large directory page by page', async () => {
    const { batches, records, summary } = await readAll(configFor({ pageSize: 100 }));
    assert.equal(records.length, workerCount);
    assert.equal(new Set(records.map((r) => r.loginId)).size, workerCount);
    assert.ok(batches.length >= workerCount / 100, `expected one batch per page, got ${batches.length}`);
    assert.equal(summary.entries, workerCount);
    assert.deepEqual(summary.problems, []);
    assert.equal(summary.watermark, '2025-01-01T00:00:00.000Z');
  });

  it('maps the attributes and turns the manager DN into the supervisor external id', async () => {
    const { records } = await readAll(configFor({ pageSize: 100 }));
    const byLogin = new Map(records.map((r) => [r.loginId, r]));
    assert.deepEqual(byLogin.get('w0000001'), {
      externalId: workerEntryUuid(1),
      loginId: 'w0000001',
      firstName: 'Ben',
      lastName: 'Hughes',
      email: 'w0000001@gatehouse.test',
      unitCode: 'U001',
      jobType: 'preventive_worker',
      supervisorExternalId: workerEntryUuid(10),
      enabled: true,
      hireDate: null,
      terminationDate: null,
    });
    assert.equal(byLogin.get('w0000010')?.supervisorExternalId, null);
    assert.equal(byLogin.get('w0000020')?.supervisorExternalId, workerEntryUuid(10));
    assert.equal(byLogin.get('w0001199')?.supervisorExternalId, workerEntryUuid(1200));
    const position = (login: string) => records.findIndex((r) => r.loginId === login);
    assert.ok(position('w0000010') < position('w0000001'), 'a supervisor read after its reports comes before them');
  });

  it('maps job types and units through their maps, ignoring case', async () => {
    const { records } = await readAll(
      configFor({ mapping: { jobType: 'title' }, jobTypeMap: { 'cps caseworker': 'cps_caseworker', 'CPS Supervisor': 'cps_supervisor' }, unitMap: { u001: 'N01' } }),
    );
    const byLogin = new Map(records.map((r) => [r.loginId, r]));
    assert.equal(byLogin.get('w0000003')?.jobType, 'cps_caseworker');
    assert.equal(byLogin.get('w0000010')?.jobType, 'cps_supervisor');
    assert.equal(byLogin.get('w0000003')?.unitCode, 'N01');
    assert.equal(byLogin.get('w0000011')?.unitCode, null);
  });

  it('treats a worker with pwdAccountLockedTime as disabled under an attributeAbsent rule', async () => {
    const { records } = await readAll(configFor({ enabledRule: { kind: 'attributeAbsent', attribute: 'pwdAccountLockedTime' } }));
    assert.deepEqual(disabledUids(records), expectedDisabled);
  });

  it('treats a worker whose attribute holds the value, in any case, as disabled under an attributeEquals rule', async () => {
    const { records } = await readAll(configFor({ enabledRule: { kind: 'attributeEquals', attribute: 'description', value: 'DISABLED' } }));
    assert.deepEqual(disabledUids(records), expectedDisabled);
  });

  it('enables only members of the group under a groupMember rule, by member DN or memberUid', async () => {
    const byDn = await readAll(configFor({ enabledRule: { kind: 'groupMember', groupDn: 'cn=gatehouse-users,ou=groups,dc=gatehouse,dc=test' } }));
    assert.deepEqual(disabledUids(byDn.records), expectedDisabled);
    const byUid = await readAll(configFor({ filter: '(ou=U001)', enabledRule: { kind: 'groupMember', groupDn: 'cn=unit-one,ou=groups,dc=gatehouse,dc=test' } }));
    assert.deepEqual(byUid.records.filter((r) => r.enabled).map((r) => r.loginId).sort(), ['w0000001', 'w0000002']);
  });

  it('enables everyone under the always rule', async () => {
    const { records } = await readAll(configFor());
    assert.deepEqual(disabledUids(records), []);
  });

  it('reads Active Directory-shaped entries: sAMAccountName, objectGUID, department and userAccountControl', async () => {
    const { records, summary } = await readAll(
      configFor({
        baseDn: 'ou=ad,dc=gatehouse,dc=test',
        filter: '(objectClass=adUser)',
        mapping: { loginId: 'sAMAccountName', jobType: 'title', unit: 'department', externalId: 'objectGUID' },
        jobTypeMap: { 'Supervisor II': 'cps_supervisor', 'Caseworker I': 'cps_caseworker' },
        unitMap: { 'Child Protective Services': 'CPS1' },
        enabledRule: { kind: 'userAccountControl' },
      }),
    );
    assert.deepEqual(summary.problems, []);
    const byLogin = new Map(records.map((r) => [r.loginId, r]));
    assert.deepEqual(byLogin.get('pboss'), {
      externalId: '04030201-0605-0807-090a-0b0c0d0e0f10',
      loginId: 'pboss',
      firstName: 'Pat',
      lastName: 'Boss',
      email: null,
      unitCode: 'CPS1',
      jobType: 'cps_supervisor',
      supervisorExternalId: null,
      enabled: true,
      hireDate: null,
      terminationDate: null,
    });
    const lee = byLogin.get('lline');
    assert.equal(lee?.externalId, '13121110-1514-1716-1819-1a1b1c1d1e1f');
    assert.equal(lee?.supervisorExternalId, '04030201-0605-0807-090a-0b0c0d0e0f10');
    assert.equal(lee?.unitCode, 'CPS1');
    assert.equal(lee?.enabled, false);
  });

  it('reports entries it cannot map as problems and yields the rest', async () => {
    const { records, summary } = await readAll(configFor({ baseDn: 'ou=odd,dc=gatehouse,dc=test' }));
    assert.deepEqual(records.map((r) => r.loginId), ['odd01']);
    assert.deepEqual(records[0] && { email: records[0].email, jobType: records[0].jobType, supervisor: records[0].supervisorExternalId }, { email: null, jobType: null, supervisor: null });
    const reasons = summary.problems.map((p) => `${p.ref}: ${p.reason}`).sort();
    assert.equal(reasons.length, 5);
    assert.match(reasons[0] ?? '', /^cn=No Login,ou=odd,dc=gatehouse,dc=test: left out: has no uid/);
    assert.match(reasons[1] ?? '', /^uid=odd01,.*employeeType "Head of Everything" is not a job type code/);
    assert.match(reasons[2] ?? '', /^uid=odd01,.*mail "not-an-address" is not an email address/);
    assert.match(reasons[3] ?? '', /^uid=odd01,.*the manager "uid=ghost,ou=odd,dc=gatehouse,dc=test" is not a worker of this source/);
    assert.match(reasons[4] ?? '', /^uid=x,ou=odd,dc=gatehouse,dc=test: left out: uid "x" is not a valid login id/);
  });

  it('reads only entries modified since the watermark on an incremental run', async () => {
    const full = await readAll(configFor());
    await modifyLdif(slapd, `dn: ${workerDn(5)}\nchangetype: modify\nreplace: employeeType\nemployeeType: cps_caseworker\n`);
    const changed = await readAll(configFor(), { modifiedSince: full.summary.watermark ?? '' });
    const since2025 = await readAll(configFor(), { modifiedSince: '2025-01-01T00:00:01.000Z' });
    assert.equal(changed.records.length, workerCount, 'the watermark second itself is read again');
    assert.deepEqual(since2025.records, [{ ...full.records.find((r) => r.loginId === 'w0000005'), jobType: 'cps_caseworker' }]);
    assert.equal(since2025.records[0]?.supervisorExternalId, workerEntryUuid(10), 'a manager outside the changed entries is looked up');
    assert.ok((since2025.summary.watermark ?? '') > '2025-01-01T00:00:01.000Z');
    const again = await readAll(configFor(), { modifiedSince: since2025.summary.watermark ?? '' });
    assert.deepEqual(again.records.map((r) => r.loginId), ['w0000005']);
    const nothing = await readAll(configFor(), { modifiedSince: '2099-01-01T00:00:00.250Z' });
    assert.deepEqual(nothing.records, []);
    assert.equal(nothing.summary.watermark, '2099-01-01T00:00:00.000Z', 'a run that finds nothing keeps the watermark');
  });

  it('closes the connection cleanly when the caller stops after the first batch', async () => {
    let seen = 0;
    for await (const batch of readLdapDirectory(configFor({ pageSize: 50 }))) {
      seen += batch.length;
      break;
    }
    assert.ok(seen > 0 && seen < workerCount);
    const { records } = await readAll(configFor({ pageSize: 500 }));
    assert.equal(records.length, workerCount);
  });

  it('names the bind DN and what to check when the password is wrong', async () => {
    await assert.rejects(readAll(configFor({ bindPassword: 'not-the-password' })), (error: unknown) => {
      assert.ok(error instanceof LdapSourceError);
      assert.equal(error.code, 'ldap.bind_refused');
      assert.match(error.message, /refused the bind as "cn=admin,dc=gatehouse,dc=test".*check the bind DN and its password/);
      return true;
    });
  });

  it('says which server could not be reached and what to check', async () => {
    await assert.rejects(readAll(configFor({ url: 'ldap://127.0.0.1:1', timeoutMs: 2000 })), (error: unknown) => {
      assert.ok(error instanceof LdapSourceError);
      assert.equal(error.code, 'ldap.unreachable');
      assert.match(error.message, /Could not talk to the LDAP server at ldap:\/\/127\.0\.0\.1:1 .*check the URL \(host and port\)/);
      return true;
    });
  });

  it('says when the base DN or the group of the enabled rule does not exist', async () => {
    await assert.rejects(readAll(configFor({ baseDn: 'ou=nowhere,dc=gatehouse,dc=test' })), { code: 'ldap.base_not_found' });
    await assert.rejects(readAll(configFor({ enabledRule: { kind: 'groupMember', groupDn: 'cn=nobody,ou=groups,dc=gatehouse,dc=test' } })), { code: 'ldap.group_not_found' });
  });
});

describe('LDAP source configuration', () => {
  const base = { url: 'ldaps://dc1.example.org:636', bindDn: 'cn=sync,dc=example,dc=org', bindPassword: 'secret', baseDn: 'dc=example,dc=org' };

  it('fills in the defaults for an OpenLDAP directory', () => {
    const config = ldapSourceConfigSchema.parse(base);
    assert.equal(config.filter, '(objectClass=inetOrgPerson)');
    assert.equal(config.pageSize, 500);
    assert.deepEqual(config.mapping, { loginId: 'uid', email: 'mail', firstName: 'givenName', lastName: 'sn', jobType: 'employeeType', unit: 'ou', supervisor: 'manager', externalId: 'entryUUID' });
    assert.deepEqual(config.enabledRule, { kind: 'always' });
  });

  it('refuses a page size over 5000, a malformed filter, unknown fields and map keys differing only in case', () => {
    const result = ldapSourceConfigSchema.safeParse({ ...base, pageSize: 5001, filter: 'objectClass=person(', colour: 'red', unitMap: { Foo: 'A', foo: 'B' } });
    assert.equal(result.success, false);
    assert.deepEqual([...new Set(result.error?.issues.map((i) => i.path[0] ?? ''))].sort(), ['', 'filter', 'pageSize', 'unitMap']);
  });
});
