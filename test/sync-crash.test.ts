import SqliteDatabase from 'better-sqlite3';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { benchUnitCode, benchUnitCount, writeBenchDirectory } from '../bench/directory-generator.ts';
import { createServices } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { ensureBuiltinApplications } from '../src/domain/applications/applications.service.ts';
import { systemContext } from '../src/domain/auth/actor.ts';
import { systemClock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import { createLogger } from '../src/shared/logger.ts';
import { cliEnv, runCli, startCli, waitFor } from './helpers/cli-process.ts';

const workerCount = 30_000;

/** A data directory with agency CRASH, its units U000…, CONNECTIONS and the CSV source "hr"; returns the source id. */
async function prepareDataDir(dir: string): Promise<string> {
  const handle = openDatabase({ url: join(dir, 'gatehouse.sqlite') });
  try {
    await migrateToLatest(handle.db);
    const services = createServices({ db: handle.db, dbKind: handle.kind, clock: systemClock, logger: createLogger('silent'), dataDir: dir });
    const ctx = systemContext('crash-test-setup');
    const agency = await services.agencies.create(ctx, { code: 'CRASH', name: 'Crash County', kind: 'district', timeZone: 'America/New_York' });
    const now = new Date().toISOString();
    await ensureBuiltinApplications(handle.db, now);
    await handle.db
      .insertInto('units')
      .values(Array.from({ length: benchUnitCount }, (_, i) => ({
        id: newId(), agency_id: agency.id, parent_id: null, code: benchUnitCode(i), name: `Unit ${i}`, site: null, is_holding: 0 as const,
        approver_worker_id: null, created_at: now, updated_at: now,
      })))
      .execute();
    const source = await services.sources.create(ctx, agency.id, { name: 'hr', kind: 'csv', config: {}, schedule: '0 2 * * *', enabled: true });
    return source.id;
  } finally {
    await handle.destroy();
  }
}

/** Everything a sync decides, with ids replaced by logins and codes, so two databases compare. */
function endState(file: string) {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).raw().all();
    return {
      workers: all(`select w.login_id, w.external_id, w.enabled, u.code, w.job_type, s.login_id, w.first_name, w.last_name, w.email, w.hire_date, w.source_hash, w.version
        from workers w join units u on u.id = w.unit_id left join workers s on s.id = w.supervisor_id order by w.login_id`),
      accounts: all(`select w.login_id, ap.code, a.status, a.disabled_by, u.code, a.end_date, a.version
        from accounts a join workers w on w.id = a.worker_id join applications ap on ap.id = a.application_id join units u on u.id = a.unit_id order by w.login_id, ap.code`),
      workerHistory: all(`select w.login_id, h.enabled, u.code, h.job_type, h.leave_start, h.termination_date, h.valid_to is null
        from worker_history h join workers w on w.id = h.worker_id join units u on u.id = h.unit_id order by w.login_id, h.valid_from`),
      accountHistory: all(`select w.login_id, h.status, u.code, h.end_date, h.valid_to is null
        from account_history h join accounts a on a.id = h.account_id join workers w on w.id = a.worker_id join units u on u.id = h.unit_id order by w.login_id, h.valid_from`),
      lifecycle: all('select kind, count(*) from lifecycle_events group by kind order by kind'),
      // Audit events per (action, subject login): a multiset, since the order of batches is the sync's own.
      audit: all(`select e.action, e.subject_type, coalesce(ws.login_id, wa.login_id, ''), count(*)
        from audit_events e
        left join workers ws on e.subject_type = 'worker' and ws.id = e.subject_id
        left join accounts a on e.subject_type = 'account' and a.id = e.subject_id
        left join workers wa on wa.id = a.worker_id
        group by 1, 2, 3 order by 1, 2, 3`),
    };
  } finally {
    db.close();
  }
}

describe('a sync killed half-way and run again ends as an uninterrupted one', () => {
  let root: string;
  let directory: string;
  const dirs = { killed: '', whole: '' };
  const sources = { killed: '', whole: '' };
  const syncArgs = (sourceId: string) => ['sync', '--agency', 'CRASH', '--source', sourceId, '--file', directory];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'gatehouse-sync-crash-'));
    directory = join(root, 'directory.csv');
    dirs.killed = join(root, 'killed');
    dirs.whole = join(root, 'whole');
    await writeBenchDirectory(directory, workerCount);
    sources.killed = await prepareDataDir(dirs.killed);
    sources.whole = await prepareDataDir(dirs.whole);
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reruns past the dead lease to the same workers, accounts, history and audit events', async () => {
    const uninterrupted = runCli(syncArgs(sources.whole), cliEnv(dirs.whole));

    const doomed = startCli(syncArgs(sources.killed), cliEnv(dirs.killed));
    const reader = new SqliteDatabase(join(dirs.killed, 'gatehouse.sqlite'), { readonly: true });
    const countWorkers = () => (reader.prepare('select count(*) as n from workers').get() as { n: number }).n;
    try {
      await waitFor('a committed batch', 60_000, () => {
        assert.equal(doomed.child.exitCode, null, `the sync ended before it could be killed: ${doomed.output().stderr}`);
        return countWorkers() > 0 ? true : undefined;
      }, 20);
      doomed.child.kill('SIGKILL');
      await once(doomed.child, 'exit');
      const committed = countWorkers();
      assert.ok(committed > 0 && committed < workerCount, `killed after ${committed} of ${workerCount} workers: not half-way`);
      const lease = reader.prepare("select owner from leases where name = ?").get(`sync:${sources.killed}`) as { owner: string } | undefined;
      assert.ok(lease?.owner.includes(`:${doomed.child.pid}:`), `the killed run still holds the lease (${lease?.owner})`);
    } finally {
      reader.close();
    }

    const rerun = await runCli(syncArgs(sources.killed), cliEnv(dirs.killed));
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stdout, /: succeeded/);
    const whole = await uninterrupted;
    assert.equal(whole.status, 0, whole.stderr);
    assert.match(whole.stdout, new RegExp(`: succeeded\\n\\s+records ${workerCount} \\| unchanged 0 \\| joiners ${workerCount} `));

    const [verifyKilled, verifyWhole] = await Promise.all([runCli(['audit', 'verify'], cliEnv(dirs.killed)), runCli(['audit', 'verify'], cliEnv(dirs.whole))]);
    assert.equal(verifyKilled.status, 0, verifyKilled.stderr);
    assert.equal(verifyWhole.status, 0, verifyWhole.stderr);

    const history = new SqliteDatabase(join(dirs.killed, 'gatehouse.sqlite'), { readonly: true });
    const recorded = history.prepare('select status, error from sync_runs order by started_at').all() as { status: string; error: string | null }[];
    history.close();
    assert.deepEqual(recorded.map((r) => r.status), ['failed', 'succeeded']);
    assert.match(recorded[0]?.error ?? '', /^Interrupted: the process running this sync stopped/);

    const killedState = endState(join(dirs.killed, 'gatehouse.sqlite'));
    const wholeState = endState(join(dirs.whole, 'gatehouse.sqlite'));
    assert.equal(killedState.workers.length, workerCount);
    assert.equal(killedState.accounts.length, workerCount);
    for (const part of ['workers', 'accounts', 'workerHistory', 'accountHistory', 'lifecycle', 'audit'] as const) {
      assert.deepEqual(killedState[part], wholeState[part], `${part} differ`);
    }
  });
});
