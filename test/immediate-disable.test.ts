import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliEnv, freePort, runCli, startCli, stopChild, waitFor } from './helpers/cli-process.ts';
import { workerDn, workerUid, writeDirectoryLdif } from './helpers/ldif.ts';
import { type Slapd, modifyLdif, startSlapd } from './helpers/slapd.ts';
import { missingTools, slapdTools } from './helpers/system-tools.ts';

const ldapWorkers = 30;

describe('a disable reaches effective access within seconds while gatehouse serve runs', { skip: missingTools(...slapdTools) }, () => {
  let dataDir: string;
  let slapd: Slapd;
  let server: ChildProcess | undefined;
  let base: string;
  let token: string;

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  async function created(path: string, body: unknown): Promise<any> {
    const response = await api('POST', path, body);
    assert.equal(response.status, 201, `POST ${path}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  interface Access { active: boolean; reasons: string[]; functions: unknown[]; units: unknown[] }
  const accessOf = async (workerId: string) => (await api('GET', `/workers/${workerId}/effective-access?application=CONNECTIONS`)).body as Access;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-immediate-'));
    const ldif = join(dataDir, 'directory.ldif');
    await writeDirectoryLdif(ldif, { count: ldapWorkers });
    const [tokenRun, started] = await Promise.all([
      runCli(['token', 'create', '--role', 'state_admin', '--name', 'immediate disable test'], cliEnv(dataDir)),
      startSlapd({ bulkLdifFile: ldif }),
    ]);
    slapd = started;
    assert.equal(tokenRun.status, 0, tokenRun.stderr);
    token = tokenRun.stdout.trim();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = startCli(['serve', '--no-demo'], cliEnv(dataDir, { PORT: String(port), HOST: '127.0.0.1', GATEHOUSE_LDAP_POLL_SECONDS: '1' })).child;
    await waitFor('the server answering /healthz', 30_000, async () => {
      assert.equal(server?.exitCode, null, 'the server exited before it answered');
      return (await fetch(`${base}/healthz`).catch(() => null))?.ok ? true : undefined;
    });
  });

  after(async () => {
    await stopChild(server);
    await slapd?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('empties effective access in the request that disables a worker in the built-in directory', async () => {
    const agency = await created('/agencies', { code: 'BUILTIN', name: 'Built-in County', kind: 'district' });
    const unit = await created(`/agencies/${agency.id}/units`, { code: 'C10', name: 'Child protective C10' });
    const worker = await created(`/agencies/${agency.id}/workers`, { loginId: 'jsmith', firstName: 'Jo', lastName: 'Smith', unitId: unit.id, jobType: 'cps_caseworker' });
    const applications = (await api('GET', '/applications')).body.items as { id: string; code: string }[];
    const connections = applications.find((a) => a.code === 'CONNECTIONS');
    assert.ok(connections, 'serve creates the CONNECTIONS application');
    const accounts = (await api('GET', `/workers/${worker.id}/accounts`)).body.items as { applicationId: string }[];
    assert.deepEqual(accounts.map((a) => a.applicationId), [connections.id], 'registering the worker opened the CONNECTIONS account');
    assert.equal((await accessOf(worker.id)).active, true);

    const start = Date.now();
    const disabled = await api('POST', `/workers/${worker.id}/disable`, { reason: 'left the agency today' });
    assert.equal(disabled.status, 200);
    const access = await accessOf(worker.id);
    assert.ok(Date.now() - start < 2000, `took ${Date.now() - start} ms`);
    assert.deepEqual([access.active, access.functions, access.units], [false, [], []]);
    assert.deepEqual(access.reasons, ['directory_disabled', 'account_disabled']);
  });

  it('empties effective access within seconds of a lock in slapd, through the LDAP poll', async () => {
    const agency = await created('/agencies', { code: 'LDAPCO', name: 'LDAP County', kind: 'district' });
    for (let unit = 1; unit <= Math.ceil(ldapWorkers / 10); unit++) await created(`/agencies/${agency.id}/units`, { code: `U00${unit}`, name: `Unit ${unit}` });
    const source = await created(`/agencies/${agency.id}/sources`, {
      name: 'ldap', kind: 'ldap',
      config: {
        url: slapd.url, bindDn: slapd.bindDn, bindPassword: slapd.password, baseDn: `ou=people,${slapd.baseDn}`,
        enabledRule: { kind: 'attributeAbsent', attribute: 'pwdAccountLockedTime' },
      },
    });
    const login = workerUid(3);
    const worker = await waitFor('the first poll registering the LDAP workers', 20_000, async () => {
      const found = await api('GET', `/agencies/${agency.id}/workers?search=${login}`);
      return found.body.items?.[0] as { id: string } | undefined;
    }, 100);
    const runs = await api('GET', `/sync/runs?sourceId=${source.id}`);
    assert.ok(runs.body.items.some((r: { trigger: string; status: string }) => r.trigger === 'poll' && r.status === 'succeeded'));
    await waitFor('the new worker getting access', 5000, async () => ((await accessOf(worker.id)).active ? true : undefined));

    const start = Date.now();
    await modifyLdif(slapd, `dn: ${workerDn(3)}\nchangetype: modify\nadd: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z\n`);
    const access = await waitFor('effective access emptying', 10_000, async () => {
      const current = await accessOf(worker.id);
      return current.active ? undefined : current;
    });
    const elapsed = Date.now() - start;
    assert.ok(elapsed < 5000, `the lock took ${elapsed} ms to reach effective access`);
    assert.deepEqual([access.functions, access.units], [[], []]);
    assert.ok(access.reasons.includes('directory_disabled'));
  });
});
