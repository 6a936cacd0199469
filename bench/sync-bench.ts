/**
 * npm run bench:sync -- --workers 1000000
 * First full sync into an empty SQLite database, a sync with no change, then one after 1% changes,
 * and a bare-minimum baseline of the 1% run. Prints one JSON line.
 * npm run bench:sync -- --source ldap --workers 100000: the same directory shape served by a real
 * slapd (see bench/ldap-sync-bench.ts).
 */
import SqliteDatabase from 'better-sqlite3';
import { createReadStream, rmSync } from 'node:fs';
import { hash } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newId } from '../src/shared/ids.ts';
import { createBenchAgency, peakRssMb, timed } from './bench-agency.ts';
import { benchLdapSync } from './ldap-sync-bench.ts';
import { benchUnitCode, benchUnitCount, writeBenchDirectory } from './directory-generator.ts';

const { values } = parseArgs({
  options: { workers: { type: 'string', default: '100000' }, source: { type: 'string', default: 'csv' }, keep: { type: 'boolean', default: false } },
});
const workers = Number(values.workers);
if (values.source === 'ldap') {
  await benchLdapSync(workers, values.keep);
  process.exit(0);
}
if (values.source !== 'csv') {
  console.error('--source must be csv or ldap');
  process.exit(2);
}
if (!Number.isInteger(workers) || workers < benchUnitCount * 2 || workers > 5_000_000) {
  console.error(`--workers must be a whole number from ${benchUnitCount * 2} to 5000000`);
  process.exit(2);
}

const { dir, dbFile, handle, services, ctx, agency } = await createBenchAgency(Array.from({ length: benchUnitCount }, (_, i) => benchUnitCode(i)));
const source = await services.sources.create(ctx, agency.id, { name: 'hr', kind: 'csv', config: {}, schedule: '0 2 * * *', enabled: true });

const baseFile = join(dir, 'directory.csv');
const changedFile = join(dir, 'directory-changed.csv');
await writeBenchDirectory(baseFile, workers);
await writeBenchDirectory(changedFile, workers, { changePercent: 1 });

const runOnce = (input: string) => services.sync.run(ctx, source.id, { input, confirm: true });
const [firstS, first] = await timed(() => runOnce(baseFile));
const [nochangeS, nochange] = await timed(() => runOnce(baseFile));

/** The lines of a file without their line break, chunk by chunk (the bench files have no quoted fields). */
async function* readLines(path: string): AsyncGenerator<string[]> {
  let carry = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop() ?? '';
    yield lines;
  }
  if (carry) yield [carry];
}

/**
 * The bare minimum for the 1% run, on a copy of the database: read the file, diff each row's hash
 * (the engine's canonical form, built straight from the fields) against the stored hashes, and
 * write the changed, new and missing workers in one transaction with prepared statements. No
 * history, accounts, audit or checks: the floor the engine is measured against.
 */
async function baseline(): Promise<{ seconds: number; changes: number }> {
  const copy = join(dir, 'baseline.sqlite');
  const sqlite = new SqliteDatabase(dbFile);
  await sqlite.backup(copy);
  sqlite.close();
  const db = new SqliteDatabase(copy);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const start = process.hrtime.bigint();
  const stored = new Map<string, string | null>();
  const select = db.prepare('select external_id, source_hash from workers where source_id = ?').raw();
  for (const [externalId, storedHash] of select.iterate(source.id) as Iterable<[string, string | null]>) stored.set(externalId, storedHash);
  const changed: { fields: string[]; hash: string; known: boolean }[] = [];
  let header = true;
  for await (const lines of readLines(changedFile)) {
    for (const line of lines) {
      if (header || line === '') {
        header = false;
        continue;
      }
      const f = line.split(',');
      const rowHash = hash('sha1', [f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8] === '1', f[9], f[10]].join('\u001f'), 'base64');
      const externalId = f[0] ?? '';
      const storedHash = stored.get(externalId);
      if (storedHash !== rowHash) changed.push({ fields: f, hash: rowHash, known: storedHash !== undefined });
      stored.delete(externalId);
    }
  }
  const now = new Date().toISOString();
  const refs = '(select id from units where agency_id = ? and code = ?), (select id from workers where source_id = ? and external_id = ?)';
  const update = db.prepare(`update workers set (login_id, login_key, first_name, last_name, email, unit_id, supervisor_id, job_type, enabled, hire_date,
    termination_date, source_hash, version, updated_at) = (?, ?, ?, ?, ?, ${refs}, ?, ?, ?, ?, ?, version + 1, ?) where source_id = ? and external_id = ?`);
  const insert = db.prepare(`insert into workers (id, agency_id, login_id, login_key, first_name, last_name, email, unit_id, supervisor_id, job_type, enabled,
    hire_date, termination_date, source, external_id, source_id, source_hash, version, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, ${refs}, ?, ?, ?, ?, 'csv', ?, ?, ?, 1, ?, ?)`);
  const disable = db.prepare('update workers set enabled = 0, version = version + 1, updated_at = ? where source_id = ? and external_id = ?');
  db.transaction(() => {
    for (const { fields: [externalId, login = '', first, last, email, unit, job, supervisor, enabled, hired, ended], hash: rowHash, known } of changed) {
      const values = [
        login, login.toLowerCase(), first, last, email || null, agency.id, unit, source.id, supervisor || '', job, enabled === '1' ? 1 : 0, hired || null, ended || null, rowHash,
      ];
      if (known) update.run(...values, now, source.id, externalId);
      else insert.run(newId(), agency.id, ...values.slice(0, 10), values[10], values[11], values[12], externalId, source.id, rowHash, now, now);
    }
    for (const externalId of stored.keys()) disable.run(now, source.id, externalId);
  })();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return { seconds, changes: changed.length + stored.size };
}
const base = await baseline();
const [onepctS, onepct] = await timed(() => runOnce(changedFile));

const verdict = await services.audit.verify();
const result = {
  workers,
  first_s: Number(firstS.toFixed(2)),
  nochange_s: Number(nochangeS.toFixed(2)),
  onepct_s: Number(onepctS.toFixed(2)),
  changes: (onepct.counts.joiners ?? 0) + (onepct.counts.updates ?? 0) + (onepct.counts.gone ?? 0),
  peak_rss_mb: peakRssMb(),
  baseline_s: Number(base.seconds.toFixed(2)),
  baseline_changes: base.changes,
  statuses: [first.status, nochange.status, onepct.status],
  nochange_changes: (nochange.counts.joiners ?? 0) + (nochange.counts.updates ?? 0) + (nochange.counts.repairs ?? 0),
  audit_ok: verdict.ok,
  timings_ms: { first: first.counts.timingsMs, nochange: nochange.counts.timingsMs, onepct: onepct.counts.timingsMs },
};
console.log(JSON.stringify(result));
await handle.destroy();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
