import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { missingTools } from './helpers/system-tools.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'gatehouse.mjs');

/** The environment of a fresh install: no database URL or Gatehouse settings from the caller's shell. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'DATABASE_URL' && !key.startsWith('GATEHOUSE_')));
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

/** Polls until the server answers /healthz, or fails after `ms`. */
async function waitForHealth(base: string, server: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    assert.equal(server.exitCode, null, 'the server exited before it answered');
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(100);
  }
  throw new Error(`The server did not answer ${base}/healthz within ${ms} ms.`);
}

describe('gatehouse CLI', () => {
  let dataDir: string;
  let server: ChildProcess | undefined;
  const tokens = new Map<string, string>();

  function cli(...args: string[]) {
    const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, env: cleanEnv({ GATEHOUSE_DATA_DIR: dataDir }), encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  });

  after(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, delay(5000).then(() => server?.kill('SIGKILL'))]);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists its commands in --help', () => {
    const help = cli('--help');
    assert.equal(help.status, 0);
    for (const command of ['serve', 'migrate', 'demo', 'token', 'audit']) assert.match(help.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('exits 2 with a clear message when a lan_admin token is asked for without an agency', () => {
    const result = cli('token', 'create', '--role', 'lan_admin');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /lan_admin token belongs to one agency; give the agency/);
    assert.equal(result.stdout, '');
  });

  it('loads the demo and prints a token per role, after which the audit chain verifies', () => {
    const demo = cli('demo', '--seed', '3');
    assert.equal(demo.status, 0, demo.stderr);
    assert.match(demo.stdout, /CEDAR/);
    assert.match(demo.stdout, /HARBOR/);
    for (const match of demo.stdout.matchAll(/^\s+(\w+)\s+(\S+)\s+(gh_\S+)/gm)) tokens.set(`${match[1]} ${match[2]}`, match[3] ?? '');
    assert.equal(tokens.size, 9);

    const verify = cli('audit', 'verify');
    assert.equal(verify.status, 0, verify.stderr);
    assert.match(verify.stdout, /Audit chain intact/);

    const again = cli('demo');
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already in this database/);
  });

  it('imports workers into the built-in directory from a CSV file, refusing the whole file when a row is invalid', () => {
    const header = 'external_id,login_id,first_name,last_name,email,unit_code,job_type,supervisor_external_id,enabled,hire_date,termination_date';
    const bad = join(dataDir, 'bad.csv');
    writeFileSync(bad, `${header}\nHR-1,imp.one,Ima,One,,C10,cps_caseworker,,1,2026-01-05,\nHR-2,imp two,Ima,Two,,C10,cps_caseworker,,1,2026-01-05,\n`);
    const refused = cli('directory', 'import', bad, '--agency', 'CEDAR');
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /line 3: login id "imp two"/);

    const good = join(dataDir, 'good.csv');
    writeFileSync(good, `${header}\nHR-1,imp.one,Ima,One,,C10,cps_caseworker,HR-2,1,2026-01-05,\nHR-2,imp.two,Ima,Two,,C10,cps_supervisor,,1,2026-01-05,\n`);
    const imported = cli('directory', 'import', good, '--agency', 'CEDAR');
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /registered 2 \| updated 0/);
    assert.match(cli('directory', 'import', good, '--agency', 'CEDAR').stdout, /registered 0 \| updated 0 .* unchanged 2/);
  });

  it('fails audit verify, naming the event, once one audit row is altered with sqlite3', { skip: missingTools('/usr/bin/sqlite3') }, () => {
    execFileSync('/usr/bin/sqlite3', [join(dataDir, 'gatehouse.sqlite'), "update audit_events set reason='x' where seq=5"]);
    const verify = cli('audit', 'verify');
    assert.equal(verify.status, 1);
    assert.match(verify.stderr, /BROKEN at event 5\b/);
  });

  it("serves /healthz and /openapi.json, and answers 404 to a token of one agency asking for another agency's worker", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [bin, 'serve'], { cwd: root, env: cleanEnv({ GATEHOUSE_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' }), stdio: 'ignore' });
    await waitForHealth(base, server, 30_000);
    const openapi = await fetch(`${base}/openapi.json`);
    assert.equal(openapi.status, 200);
    assert.equal(((await openapi.json()) as { openapi: string }).openapi, '3.1.0');

    const get = async (path: string, token: string | undefined) => {
      const response = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as any };
    };
    const agencies = await get('/agencies', tokens.get('state_admin statewide'));
    const idOf = (code: string) => agencies.body.items.find((a: { code: string }) => a.code === code)?.id as string;
    const harborWorker = (await get(`/agencies/${idOf('HARBOR')}/workers?limit=1`, tokens.get('state_admin statewide'))).body.items[0].id as string;
    const cedarWorker = (await get(`/agencies/${idOf('CEDAR')}/workers?limit=1`, tokens.get('state_admin statewide'))).body.items[0].id as string;

    const cedarAdmin = tokens.get('lan_admin CEDAR');
    assert.equal((await get(`/workers/${cedarWorker}`, cedarAdmin)).status, 200);
    const hidden = await get(`/workers/${harborWorker}`, cedarAdmin);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error.code, 'worker.not_found');
  });
});
