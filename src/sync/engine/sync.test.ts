import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, it } from 'node:test';
import { ensureBuiltinApplications } from '../../domain/applications/applications.service.ts';
import { newId } from '../../shared/ids.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addUnit, createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit, type TestKit } from '../../../test/helpers/kit.ts';
import type { SyncOptions } from './sync.service.ts';

const header = 'external_id,login_id,first_name,last_name,email,unit_code,job_type,supervisor_external_id,enabled,hire_date,termination_date';
const files = mkdtempSync(join(tmpdir(), 'gatehouse-sync-test-'));
after(() => rmSync(files, { recursive: true, force: true }));

interface Row {
  id: number;
  login?: string;
  unit?: string;
  job?: string;
  supervisor?: number;
  enabled?: boolean;
}

function csvLine(row: Row): string {
  const login = row.login ?? `w${row.id}`;
  return [
    `E${row.id}`, login, 'Pat', `Last${row.id}`, `${login}@example.org`, row.unit ?? 'C10', row.job ?? 'cps_caseworker',
    row.supervisor === undefined ? '' : `E${row.supervisor}`, row.enabled === false ? '0' : '1', '2020-01-01', '',
  ].join(',');
}

/** Workers 1..count in unit C10, all reporting to worker 1. */
function rows(count: number, change: (row: Row) => Row = (r) => r): Row[] {
  return Array.from({ length: count }, (_, i) => change({ id: i + 1, ...(i === 0 ? {} : { supervisor: 1 }) }));
}

async function writeCsv(lines: (Row | string)[]): Promise<string> {
  const path = join(files, `${newId()}.csv`);
  await writeFile(path, `${[header, ...lines.map((l) => (typeof l === 'string' ? l : csvLine(l)))].join('\n')}\n`);
  return path;
}

async function setup(kit: TestKit) {
  const agency = await createAgency(kit, 'MONROE');
  await ensureBuiltinApplications(kit.db, kit.clock.now().toISOString());
  const units = { C10: await addUnit(kit, agency.id, 'C10'), C20: await addUnit(kit, agency.id, 'C20') };
  const source = await kit.services.sources.create(kit.system, agency.id, { name: 'hr-feed', kind: 'csv', config: {}, schedule: '0 2 * * *', enabled: true });
  const connections = await kit.db.selectFrom('applications').select('id').where('code', '=', 'CONNECTIONS').executeTakeFirstOrThrow();
  /** Syncs the source from a CSV of these rows, a minute after the previous sync. */
  const sync = async (lines: (Row | string)[], options: SyncOptions = {}) => {
    kit.clock.advance(60_000);
    const run = await kit.services.sync.run(kit.system, source.id, { input: await writeCsv(lines), ...options });
    if (run.planFile) await rm(run.planFile, { force: true });
    return run;
  };
  return { agency, units, source, connectionsId: connections.id, sync };
}

async function workerByLogin(kit: TestKit, login: string) {
  return kit.db.selectFrom('workers').selectAll().where('login_key', '=', login.toLowerCase()).executeTakeFirst();
}

/** "status" or "status:disabled_by" of each of the worker's accounts, by application code. */
async function accountStates(kit: TestKit, workerId: string): Promise<Record<string, string>> {
  const accounts = await kit.db
    .selectFrom('accounts')
    .innerJoin('applications', 'applications.id', 'accounts.application_id')
    .select(['applications.code', 'accounts.status', 'accounts.disabled_by'])
    .where('accounts.worker_id', '=', workerId)
    .execute();
  return Object.fromEntries(accounts.map((a) => [a.code, a.disabled_by ? `${a.status}:${a.disabled_by}` : a.status]));
}

async function count(kit: TestKit, table: 'workers' | 'accounts' | 'audit_events' | 'lifecycle_events'): Promise<number> {
  const row = await kit.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Polls a run started through the API until it has finished. */
async function pollRun(kit: TestKit, token: string, id: string) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const got = await kit.call('GET', `/api/v1/sync/runs/${id}`, { token });
    if (got.body.status !== 'running') return got;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`sync run ${id} did not finish`);
}

describeEachDatabase('directory sync engine', (current) => {
  it('registers joiners with an active CONNECTIONS account in N01, no grants, and an audit event each', async () => {
    const kit = createTestKit(current());
    const { agency, connectionsId, sync } = await setup(kit);
    const run = await sync(rows(5, (r) => (r.id === 5 ? { ...r, unit: 'C20', job: 'homefinder' } : r)));
    assert.equal(run.status, 'succeeded');
    assert.equal(run.counts.joiners, 5);

    const workers = await kit.db.selectFrom('workers').selectAll().orderBy('login_id').execute();
    assert.deepEqual(workers.map((w) => [w.login_id, w.enabled, w.source]), [1, 2, 3, 4, 5].map((i) => [`w${i}`, 1, 'csv']));
    const boss = workers.find((w) => w.login_id === 'w1');
    assert.ok(workers.filter((w) => w.login_id !== 'w1').every((w) => w.supervisor_id === boss?.id));
    const accounts = await kit.db.selectFrom('accounts').selectAll().execute();
    assert.equal(accounts.length, 5);
    for (const account of accounts) {
      assert.deepEqual([account.application_id, account.unit_id, account.status, account.disabled_by], [connectionsId, agency.holdingUnitId, 'active', null]);
    }
    const grants = await kit.db.selectFrom('grants').select('id').execute();
    assert.equal(grants.length, 0);

    const events = await kit.db.selectFrom('audit_events').select(['action', 'subject_id']).where('action', 'in', ['worker.registered', 'account.opened']).execute();
    assert.deepEqual(events.filter((e) => e.action === 'worker.registered').map((e) => e.subject_id).sort(), workers.map((w) => w.id).sort());
    assert.deepEqual(events.filter((e) => e.action === 'account.opened').map((e) => e.subject_id).sort(), accounts.map((a) => a.id).sort());
    assert.equal((await kit.services.access.effectiveAccess(kit.system, boss?.id ?? '', 'CONNECTIONS')).functions.length, 0);
  });

  it('changes nothing when the same file is synced again', async () => {
    const kit = createTestKit(current());
    const { sync } = await setup(kit);
    const file = rows(8);
    await sync(file);
    const events = await count(kit, 'audit_events');
    const second = await sync(file);
    assert.equal(second.status, 'succeeded');
    assert.deepEqual(
      [second.counts.unchanged, second.counts.joiners, second.counts.updates, second.counts.disables, second.counts.repairs, second.counts.applied],
      [8, 0, 0, 0, 0, 0],
    );
    assert.equal(await count(kit, 'audit_events'), events);
  });

  it("disables every account of a worker disabled in the file, and enabling restores only the directory's disables", async () => {
    const kit = createTestKit(current());
    const { agency, units, sync } = await setup(kit);
    await sync(rows(3));
    const worker = await workerByLogin(kit, 'w2');
    assert.ok(worker);
    const now = kit.clock.now().toISOString();
    const payroll = newId();
    await kit.db.insertInto('applications').values({ id: payroll, code: 'PAYROLL', name: 'Payroll', kind: 'scim', config: '{}', created_at: now, updated_at: now }).execute();
    await addAccount(kit, worker.id, payroll, units.C10);
    const fastrack = newId();
    await kit.db.insertInto('applications').values({ id: fastrack, code: 'FASTRACK', name: 'Fastrack', kind: 'scim', config: '{}', created_at: now, updated_at: now }).execute();
    const fastrackAccount = await addAccount(kit, worker.id, fastrack, units.C10);
    const coordinator = await kit.tokenFor('security_coordinator', agency.id);
    const coordinatorDisable = await kit.call('POST', `/api/v1/accounts/${fastrackAccount}/disable`, { token: coordinator, body: { reason: 'no longer needs Fastrack' } });
    assert.equal(coordinatorDisable.status, 200);

    const disabled = await sync(rows(3, (r) => (r.id === 2 ? { ...r, enabled: false } : r)));
    assert.equal(disabled.counts.disables, 1);
    assert.equal((await workerByLogin(kit, 'w2'))?.enabled, 0);
    assert.deepEqual(await accountStates(kit, worker.id), { CONNECTIONS: 'disabled:directory', PAYROLL: 'disabled:directory', FASTRACK: 'disabled:coordinator' });
    const leaver = await kit.db.selectFrom('lifecycle_events').select(['kind', 'sync_run_id']).where('worker_id', '=', worker.id).execute();
    assert.deepEqual(leaver, [{ kind: 'leaver', sync_run_id: disabled.id }]);

    const enabled = await sync(rows(3));
    assert.equal(enabled.counts.enables, 1);
    assert.equal((await workerByLogin(kit, 'w2'))?.enabled, 1);
    assert.deepEqual(await accountStates(kit, worker.id), { CONNECTIONS: 'active', PAYROLL: 'active', FASTRACK: 'disabled:coordinator' });
  });

  it('disables a worker missing from the file, never deletes it, and enables it when it comes back', async () => {
    const kit = createTestKit(current());
    const { sync } = await setup(kit);
    await sync(rows(4));
    const run = await sync(rows(3));
    assert.deepEqual([run.counts.gone, run.counts.disables], [1, 1]);
    const gone = await workerByLogin(kit, 'w4');
    assert.equal(gone?.enabled, 0);
    assert.deepEqual(await accountStates(kit, gone?.id ?? ''), { CONNECTIONS: 'disabled:directory' });
    assert.equal(await count(kit, 'workers'), 4);
    const again = await sync(rows(3));
    assert.deepEqual([again.counts.gone, again.counts.applied], [0, 0]);
    const back = await sync(rows(4));
    assert.deepEqual([back.counts.enables, back.counts.joiners], [1, 0]);
    assert.deepEqual(await accountStates(kit, gone?.id ?? ''), { CONNECTIONS: 'active' });
    const lifecycle = await kit.db.selectFrom('lifecycle_events').select('kind').where('worker_id', '=', gone?.id ?? '').orderBy('detected_at').execute();
    assert.deepEqual(lifecycle.map((e) => e.kind), ['leaver', 'returner']);
  });

  it('records a mover lifecycle event when the job type or unit changes', async () => {
    const kit = createTestKit(current());
    const { units, sync } = await setup(kit);
    await sync(rows(3));
    const run = await sync(rows(3, (r) => (r.id === 2 ? { ...r, unit: 'C20' } : r.id === 3 ? { ...r, job: 'homefinder' } : r)));
    assert.deepEqual([run.counts.updates, run.counts.movers], [2, 2]);
    const moved = await workerByLogin(kit, 'w2');
    assert.equal(moved?.unit_id, units.C20);
    const events = await kit.db.selectFrom('lifecycle_events').select(['worker_id', 'kind', 'details']).where('kind', '=', 'mover').execute();
    const byWorker = new Map(events.map((e) => [e.worker_id, JSON.parse(e.details) as { from: unknown; to: unknown }]));
    assert.deepEqual(byWorker.get(moved?.id ?? ''), { from: { unitId: units.C10, jobType: 'cps_caseworker' }, to: { unitId: units.C20, jobType: 'cps_caseworker' } });
    assert.deepEqual(byWorker.get((await workerByLogin(kit, 'w3'))?.id ?? ''), { from: { unitId: units.C10, jobType: 'cps_caseworker' }, to: { unitId: units.C10, jobType: 'homefinder' } });
    const history = await kit.db.selectFrom('worker_history').select(['unit_id', 'valid_to']).where('worker_id', '=', moved?.id ?? '').orderBy('valid_from').execute();
    assert.deepEqual(history.map((h) => [h.unit_id, h.valid_to === null]), [[units.C10, false], [units.C20, true]]);
  });

  it('reports two records with the same key or login and applies neither, and calls an unknown unit a conflict', async () => {
    const kit = createTestKit(current());
    const { sync } = await setup(kit);
    const run = await sync([
      { id: 1 }, { id: 2 }, { id: 2, login: 'w2b' }, { id: 3, login: 'shared' }, { id: 4, login: 'SHARED' }, { id: 5, unit: 'ZZ9' },
    ]);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.counts.conflicts, 5);
    assert.deepEqual((await kit.db.selectFrom('workers').select('login_id').execute()).map((w) => w.login_id), ['w1']);
    const reasons = Object.fromEntries(run.problems.map((p) => [p.ref, p.reason]));
    assert.match(reasons.E2 ?? '', /two records share the correlation key "E2"; neither was applied/);
    assert.match(reasons.E3 ?? '', /two records share the login id/);
    assert.match(reasons.E4 ?? '', /two records share the login id/);
    assert.match(reasons.E5 ?? '', /unit "ZZ9" does not exist in the agency/);
  });

  it('holds back a login another worker of the source still holds, and never disables a worker whose record is in conflict', async () => {
    const kit = createTestKit(current());
    const { sync } = await setup(kit);
    await sync([{ id: 1 }, { id: 2 }, { id: 3 }]);
    const held = await sync([{ id: 2, unit: 'ZZ9' }, { id: 3, login: 'w1' }, { id: 4, login: 'w3' }]);
    assert.equal(held.status, 'succeeded', held.error ?? '');
    assert.deepEqual([held.counts.conflicts, held.counts.gone, held.counts.joiners], [3, 1, 0]);
    const reasons = Object.fromEntries(held.problems.map((p) => [p.ref, p.reason]));
    assert.match(reasons.E3 ?? '', /login id "w1" still belongs to the worker with correlation key "E1"/);
    assert.match(reasons.E4 ?? '', /login id "w3" still belongs to the worker with correlation key "E3"/);
    const states = await kit.db.selectFrom('workers').select(['login_id', 'enabled']).orderBy('login_id').execute();
    assert.deepEqual(states.map((w) => [w.login_id, w.enabled]), [['w1', 0], ['w2', 1], ['w3', 1]]);

    const renamed = [{ id: 2 }, { id: 3, login: 'w3-new' }, { id: 4, login: 'w3' }];
    assert.deepEqual([(await sync(renamed)).counts.conflicts, (await workerByLogin(kit, 'w3-new'))?.external_id], [1, 'E3']);
    const freed = await sync(renamed);
    assert.deepEqual([freed.counts.conflicts, freed.counts.joiners], [0, 1]);
    assert.equal((await workerByLogin(kit, 'w3'))?.external_id, 'E4');
  });

  it('refuses a file with invalid rows whole, naming their lines, unless told to skip them', async () => {
    const kit = createTestKit(current());
    const { sync } = await setup(kit);
    const file = [{ id: 1 }, 'E2,x,Pat,Two,,C10,cps_caseworker,,1,,', { id: 3 }, 'E4,w4,Pat,Four,,C10,Case Worker,,1,2020-13-45,', 'E5,w5'];
    const refused = await sync(file);
    assert.equal(refused.status, 'failed');
    assert.deepEqual(refused.problems.map((p) => p.ref), ['line 3', 'line 5', 'line 6']);
    assert.match(refused.error ?? '', /3 invalid record\(s\), nothing applied \(line 3: login id "x"/);
    assert.match(refused.error ?? '', /--skip-invalid/);
    assert.equal(await count(kit, 'workers'), 0);

    const skipped = await sync(file, { skipInvalid: true });
    assert.equal(skipped.status, 'succeeded');
    assert.equal(skipped.counts.invalid, 3);
    assert.deepEqual((await kit.db.selectFrom('workers').select('login_id').orderBy('login_id').execute()).map((w) => w.login_id), ['w1', 'w3']);
    assert.equal(skipped.problems.filter((p) => p.ref.startsWith('line ')).length, 3);
  });

  it('stops a run that would disable more than max(25, 5%) of the accounts until it is confirmed', async () => {
    const kit = createTestKit(current());
    const { sync } = await setup(kit);
    await sync(rows(60));
    const events = await count(kit, 'audit_events');
    const leaving = rows(60, (r) => (r.id > 30 ? { ...r, enabled: false } : r)).filter((r) => r.id <= 55);
    const stopped = await sync(leaving);
    assert.equal(stopped.status, 'stopped_threshold');
    assert.equal(stopped.counts.disables, 30);
    assert.match(stopped.error ?? '', /would disable 30 workers, more than the limit of 25 .*--confirm/);
    assert.equal(await count(kit, 'audit_events'), events);
    const enabledCount = await kit.db.selectFrom('workers').select('id').where('enabled', '=', 1).execute();
    assert.equal(enabledCount.length, 60);

    const confirmed = await sync(leaving, { confirm: true });
    assert.equal(confirmed.status, 'succeeded');
    assert.equal((await kit.db.selectFrom('workers').select('id').where('enabled', '=', 1).execute()).length, 30);
    const active = await kit.db.selectFrom('accounts').select('id').where('status', '=', 'active').execute();
    assert.equal(active.length, 30);
  });

  it('writes the plan of a dry run as JSON lines and changes nothing', async () => {
    const kit = createTestKit(current());
    const { source } = await setup(kit);
    const events = await count(kit, 'audit_events');
    const run = await kit.services.sync.run(kit.system, source.id, { input: await writeCsv([...rows(4), { id: 9, unit: 'NOPE' }]), dryRun: true });
    assert.equal(run.status, 'planned');
    assert.equal(run.dryRun, true);
    assert.ok(run.planFile);
    const lines = (await readFile(run.planFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; loginId?: string; ref?: string });
    await rm(run.planFile, { force: true });
    assert.deepEqual(lines.filter((l) => l.kind === 'join').map((l) => l.loginId).sort(), ['w1', 'w2', 'w3', 'w4']);
    assert.deepEqual(lines.filter((l) => l.kind === 'problem').map((l) => l.ref), ['E9']);
    assert.deepEqual([await count(kit, 'workers'), await count(kit, 'accounts'), await count(kit, 'audit_events')], [0, 0, events]);
  });

  it('runs one sync per source at a time', async () => {
    const kit = createTestKit(current());
    const { agency, source } = await setup(kit);
    const lanAdmin = await kit.tokenFor('lan_admin', agency.id);
    const input = new PassThrough();
    const first = await kit.services.sync.start(kit.system, source.id, { input });
    const second = await kit.call('POST', `/api/v1/sources/${source.id}/runs`, { token: lanAdmin, body: {} });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'sync.already_running');
    input.end(`${header}\n${csvLine({ id: 1 })}\n`);
    assert.equal((await first.completion).status, 'succeeded');
    const third = await kit.services.sync.run(kit.system, source.id, { input: await writeCsv(rows(2)) });
    assert.deepEqual([third.status, third.counts.unchanged, third.counts.joiners], ['succeeded', 1, 1]);
  });
});

describeEachDatabase('directory sync API', (current) => {
  it('adds a CSV source, starts a run with 202 and polls it to succeeded', async () => {
    const kit = createTestKit(current());
    const agency = await createAgency(kit, 'MONROE');
    await ensureBuiltinApplications(kit.db, kit.clock.now().toISOString());
    await addUnit(kit, agency.id, 'C10');
    const lanAdmin = await kit.tokenFor('lan_admin', agency.id);
    const path = await writeCsv(rows(3));
    const created = await kit.call('POST', `/api/v1/agencies/${agency.id}/sources`, { token: lanAdmin, body: { name: 'hr-feed', kind: 'csv', config: { path } } });
    assert.equal(created.status, 201);
    assert.deepEqual([created.body.kind, created.body.schedule, created.body.config.path], ['csv', '0 2 * * *', path]);

    const started = await kit.call('POST', `/api/v1/sources/${created.body.id}/runs`, { token: lanAdmin, body: {} });
    assert.equal(started.status, 202);
    assert.equal(started.body.status, 'running');
    const finished = await pollRun(kit, lanAdmin, started.body.id);
    assert.equal(finished.body.status, 'succeeded');
    assert.equal(finished.body.counts.joiners, 3);
    const listed = await kit.call('GET', `/api/v1/sync/runs?sourceId=${created.body.id}`, { token: lanAdmin });
    assert.deepEqual(listed.body.items.map((r: { id: string }) => r.id), [started.body.id]);

    const badConfig = await kit.call('POST', `/api/v1/agencies/${agency.id}/sources`, { token: lanAdmin, body: { name: 'other', kind: 'csv', config: { colums: {} } } });
    assert.equal(badConfig.status, 400);
  });

  it("answers 404 for another agency's sources and runs", async () => {
    const kit = createTestKit(current());
    const monroe = await createAgency(kit, 'MONROE');
    const erie = await createAgency(kit, 'ERIE');
    await ensureBuiltinApplications(kit.db, kit.clock.now().toISOString());
    await addUnit(kit, monroe.id, 'C10');
    const source = await kit.services.sources.create(kit.system, monroe.id, { name: 'hr-feed', kind: 'csv', config: {}, schedule: '0 2 * * *', enabled: true });
    const run = await kit.services.sync.run(kit.system, source.id, { input: await writeCsv(rows(2)) });
    const erieAdmin = await kit.tokenFor('lan_admin', erie.id);

    const checks: [string, string, unknown, string][] = [
      ['GET', `/api/v1/sources/${source.id}`, undefined, 'source.not_found'],
      ['POST', `/api/v1/sources/${source.id}/runs`, {}, 'source.not_found'],
      ['GET', `/api/v1/sync/runs/${run.id}`, undefined, 'sync_run.not_found'],
      ['POST', `/api/v1/agencies/${monroe.id}/sources`, { name: 'mine', kind: 'csv', config: {} }, 'agency.not_found'],
      ['GET', `/api/v1/agencies/${monroe.id}/sources`, undefined, 'agency.not_found'],
    ];
    for (const [method, path, body, code] of checks) {
      const response = await kit.call(method, path, { token: erieAdmin, body });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal(response.body.error.code, code, `${method} ${path}`);
    }
    const erieRuns = await kit.call('GET', '/api/v1/sync/runs', { token: erieAdmin });
    assert.deepEqual(erieRuns.body.items, []);
  });
});
