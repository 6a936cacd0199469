/**
 * npm run bench:sync -- --workers 1000000
 * First full sync into an empty SQLite database, a sync with no change, then one after 1% changes,
 * and a bare-minimum baseline of the 1% run. Prints one JSON line.
 */
import SqliteDatabase from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { ensureBuiltinApplications } from '../src/domain/applications/applications.service.ts';
import { systemContext } from '../src/domain/auth/actor.ts';
import { systemClock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import { createLogger } from '../src/shared/logger.ts';
import { readCsvDirectory } from '../src/sync/sources/csv/csv-source.ts';
import { csvSourceConfigSchema } from '../src/sync/sources/csv/csv-source.schemas.ts';
import { hashRecord } from '../src/sync/engine/plan.ts';
import { benchUnitCode, benchUnitCount, writeBenchDirectory } from './directory-generator.ts';

const { values } = parseArgs({ options: { workers: { type: 'string', default: '100000' }, keep: { type: 'boolean', default: false } } });
const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < benchUnitCount * 2 || workers > 5_000_000) {
  console.error(`--workers must be a whole number from ${benchUnitCount * 2} to 5000000`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-sync-'));
const dbFile = join(dir, 'bench.sqlite');
const handle = openDatabase({ url: dbFile });
await migrateToLatest(handle.db);
const services = createServices({ db: handle.db, dbKind: handle.kind, clock: systemClock, logger: createLogger('silent'), dataDir: dir });
const ctx = systemContext('bench-sync');

const agency = await services.agencies.create(ctx, { code: 'BENCH', name: 'Bench County', kind: 'district', timeZone: 'America/New_York' });
await handle.db.transaction().execute(async (trx) => {
  await ensureBuiltinApplications(trx, new Date().toISOString());
  const now = new Date().toISOString();
  const units = Array.from({ length: benchUnitCount }, (_, i) => ({
    id: newId(), agency_id: agency.id, parent_id: null, code: benchUnitCode(i), name: `Unit ${i}`, site: null, is_holding: 0 as const,
    approver_worker_id: null, created_at: now, updated_at: now,
  }));
  await trx.insertInto('units').values(units).execute();
});
const source = await services.sources.create(ctx, agency.id, { name: 'hr', kind: 'csv', config: {}, schedule: '0 2 * * *', enabled: true });

const baseFile = join(dir, 'directory.csv');
const changedFile = join(dir, 'directory-changed.csv');
await writeBenchDirectory(baseFile, workers);
await writeBenchDirectory(changedFile, workers, { changePercent: 1 });

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [Number(process.hrtime.bigint() - start) / 1e9, result];
}

const runOnce = (input: string) => services.sync.run(ctx, source.id, { input, confirm: true });
const [firstS, first] = await timed(() => runOnce(baseFile));
const [nochangeS, nochange] = await timed(() => runOnce(baseFile));

/** The bare minimum for the 1% run, on a copy of the database: read, diff by hash, write in one transaction. */
async function baseline(): Promise<number> {
  const copy = join(dir, 'baseline.sqlite');
  const sqlite = new SqliteDatabase(dbFile);
  await sqlite.backup(copy);
  sqlite.close();
  const db = new SqliteDatabase(copy);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const start = process.hrtime.bigint();
  const stored = new Map<string, string | null>();
  for (const row of db.prepare('select external_id, source_hash from workers').iterate() as Iterable<{ external_id: string; source_hash: string }>) {
    stored.set(row.external_id, row.source_hash);
  }
  const update = db.prepare('update workers set source_hash = ?, enabled = ?, job_type = ? where source_id = ? and external_id = ?');
  const insert = db.prepare(`insert into workers (id, agency_id, login_id, login_key, first_name, last_name, email, unit_id, job_type, enabled, source, external_id, source_id, source_hash, version, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'csv', ?, ?, ?, 1, ?, ?)`);
  const changed: { hash: string; record: import('../src/sync/directory-record.ts').DirectoryRecord }[] = [];
  for await (const batch of readCsvDirectory(changedFile, csvSourceConfigSchema.parse({}))) {
    for (const record of batch.records) {
      const hash = hashRecord(record);
      if (stored.get(record.externalId) !== hash) changed.push({ hash, record });
    }
  }
  const now = new Date().toISOString();
  db.transaction(() => {
    for (const { hash, record } of changed) {
      if (stored.has(record.externalId)) update.run(hash, record.enabled ? 1 : 0, record.jobType, source.id, record.externalId);
      else insert.run(newId(), agency.id, record.loginId, record.loginId.toLowerCase(), record.firstName, record.lastName, record.email, agency.holdingUnitId, record.jobType, 1, record.externalId, source.id, hash, now, now);
    }
  })();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return seconds;
}
const baselineS = await baseline();
const [onepctS, onepct] = await timed(() => runOnce(changedFile));

const verdict = await services.audit.verify();
const result = {
  workers,
  first_s: Number(firstS.toFixed(2)),
  nochange_s: Number(nochangeS.toFixed(2)),
  onepct_s: Number(onepctS.toFixed(2)),
  changes: (onepct.counts.joiners ?? 0) + (onepct.counts.updates ?? 0) + (onepct.counts.gone ?? 0),
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  baseline_s: Number(baselineS.toFixed(2)),
  statuses: [first.status, nochange.status, onepct.status],
  nochange_changes: (nochange.counts.joiners ?? 0) + (nochange.counts.updates ?? 0) + (nochange.counts.repairs ?? 0),
  audit_ok: verdict.ok,
  timings_ms: { first: first.counts.timingsMs, nochange: nochange.counts.timingsMs, onepct: onepct.counts.timingsMs },
};
console.log(JSON.stringify(result));
await handle.destroy();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
