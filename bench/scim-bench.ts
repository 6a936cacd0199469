/**
 * npm run bench:scim -- --users 1000000
 * Gatehouse's SCIM service provider over loopback HTTP on a SQLite database of `users` SCIM users:
 * `userName eq` lookups (random users, random case) from 16 keep-alive connections for `seconds`;
 * then PATCH active=false on `disables` users, sent at `disable-rate` per second (default 25, the
 * pace Entra ID's provisioning expects a server to take), each timed from
 * sending the PATCH until the outbox deliverer has it confirmed by a downstream SCIM application
 * (the SCIMMY server of test/scim-server, in its own process): the change read back and the
 * delivery marked delivered. The requests come from a separate process. Prints one JSON line;
 * what was run goes to stderr.
 */
import { serve } from '@hono/node-server';
import { sql } from 'kysely';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp, createServices } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { ensureBuiltinApplications } from '../src/domain/applications/applications.service.ts';
import { systemContext } from '../src/domain/auth/actor.ts';
import { createDeliverer } from '../src/outbox/deliverer.ts';
import { systemClock } from '../src/shared/clock.ts';
import { createLogger } from '../src/shared/logger.ts';
import { startScimServer } from '../test/scim-server/launcher.ts';
import type { DisableResult, LoadJob, LookupResult } from './scim-load.ts';
import { seedScimUsers } from './scim-seed.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    disables: { type: 'string', default: '1000' },
    'disable-rate': { type: 'string', default: '25' },
    keep: { type: 'boolean', default: false },
  },
});
const users = Number(values.users);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const disableCount = Number(values.disables);
const disableRate = Number(values['disable-rate']);
if (![users, seconds, connections, disableCount, disableRate].every((n) => Number.isFinite(n) && n > 0) || disableCount > users) {
  console.error('--users, --seconds, --connections, --disables and --disable-rate must be positive numbers, with --disables at most --users');
  process.exit(2);
}
const note = (text: string) => process.stderr.write(`[bench:scim] ${text}\n`);

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-scim-'));
const handle = openDatabase({ url: join(dir, 'bench.sqlite'), mapForReads: true });
await migrateToLatest(handle.db);
const downstream = await startScimServer({ token: 'downstream-token' });
const tokenVariable = 'BENCH_DOWNSTREAM_SCIM_TOKEN';
const secret = (name: string) => (name === tokenVariable ? downstream.token : undefined);
const logger = createLogger('silent');
const deps = { db: handle.db, dbKind: handle.kind, clock: systemClock, logger, dataDir: dir, secret };
const services = createServices(deps);
const { app } = createApp(deps, services);
const ctx = systemContext('bench-scim');

await ensureBuiltinApplications(handle.db, new Date().toISOString());
const agency = await services.agencies.create(ctx, { code: 'BENCH', name: 'Bench County', kind: 'district', timeZone: 'America/New_York' });
const client = await services.scimTokens.create(ctx, { agencyId: agency.id, name: 'Entra ID' });
const builtin = await handle.db.selectFrom('applications').select('id').where('kind', '=', 'builtin').execute();

let seedStart = performance.now();
const workerIds = await seedScimUsers(handle.db, { agencyId: agency.id, holdingUnitId: agency.holdingUnitId, sourceId: client.sourceId, applicationIds: builtin.map((a) => a.id) }, users, (done) => {
  if (done % 200_000 === 0) note(`seeded ${done} users`);
});
note(`seeded ${users} users in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

// The downstream application, and the users about to be disabled provisioned to it through the deliverer.
const application = await services.applications.create(ctx, {
  code: 'CASE_PORTAL', name: 'Case portal', kind: 'scim', config: { baseUrl: downstream.baseUrl, tokenEnv: tokenVariable, maxConcurrency: 16 },
});
const deliverer = createDeliverer({ db: handle.db, clock: systemClock, logger, secret });
deliverer.start();
const chosen = new Set<number>();
while (chosen.size < disableCount) chosen.add(Math.floor(Math.random() * users));
const targets = [...chosen].map((i) => workerIds[i] ?? '');
seedStart = performance.now();
const accountIds = [];
for (const workerId of targets) accountIds.push((await services.accounts.open(ctx, { workerId, applicationId: application.id })).id);

async function waitUntil(done: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`Gave up waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
async function deliveredCount(active: boolean): Promise<number> {
  const rows = await handle.db.selectFrom('connector_accounts').select('state').where('application_id', '=', application.id).where('remote_id', 'is not', null).execute();
  const pending = await handle.db.selectFrom('outbox').select('id').where('application_id', '=', application.id).execute();
  return pending.length > 0 ? -1 : rows.filter((r) => (JSON.parse(r.state) as { active: boolean }).active === active).length;
}
await waitUntil(async () => (await deliveredCount(true)) === disableCount, 'the downstream users to be created', 600_000);
note(`provisioned ${disableCount} users downstream (${(await downstream.stats()).users} there) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
// A server that has run a while holds its data in the database file, not in a write-ahead log of the bulk load.
await sql`pragma wal_checkpoint(TRUNCATE)`.execute(handle.db);

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await once(server, 'listening');
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function runLoad<T>(job: LoadJob): Promise<T> {
  const child = fork(new URL('./scim-load.ts', import.meta.url), { execArgv: ['--max-semi-space-size=64', '--import', 'tsx'] });
  child.send(job);
  return new Promise<T>((resolve, reject) => {
    child.once('message', (result) => resolve(result as T));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The load process exited (${code}) without an answer.`)));
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

const lookup = await runLoad<LookupResult>({
  kind: 'lookup', origin, token: client.token, connections, users, warmupMs: 2000, durationMs: seconds * 1000, maxRequests: Number.MAX_SAFE_INTEGER,
});
const lookupSorted = lookup.latenciesMs.sort((a, b) => a - b);
note(`${lookup.latenciesMs.length} lookups in ${lookup.seconds.toFixed(1)} s, ${lookup.failures} wrong answers`);

const disable = await runLoad<DisableResult>({ kind: 'disable', origin, token: client.token, connections, ids: targets, ratePerSecond: disableRate });
await waitUntil(async () => (await deliveredCount(false)) === disableCount, 'the disables to be confirmed downstream', 120_000);
const confirmed = await handle.db.selectFrom('connector_accounts').select(['account_id', 'delivered_at']).where('application_id', '=', application.id).execute();
const confirmedAt = new Map(confirmed.map((row) => [row.account_id, Date.parse(row.delivered_at)]));
const disableMs = accountIds.map((accountId, position) => (confirmedAt.get(accountId) ?? NaN) - (disable.sentAtMs[position] ?? NaN)).sort((a, b) => a - b);
const answerMs = disable.answeredAtMs.map((at, position) => at - (disable.sentAtMs[position] ?? NaN)).sort((a, b) => a - b);
const stats = await downstream.stats();
note(`${disableCount} PATCH active=false at ${disableRate}/s: answered p50 ${round(percentile(answerMs, 50))} ms, p99 ${round(percentile(answerMs, 99))} ms, ${disable.failures} failed; downstream ${JSON.stringify(stats.requests)}`);

console.log(JSON.stringify({
  users,
  lookup_rps: Math.round(lookup.latenciesMs.length / lookup.seconds),
  lookup_p50_ms: round(percentile(lookupSorted, 50)),
  lookup_p99_ms: round(percentile(lookupSorted, 99)),
  disable_p50_ms: round(percentile(disableMs, 50)),
  disable_p99_ms: round(percentile(disableMs, 99)),
}));

server.close();
await deliverer.stop();
await downstream.stop();
await handle.destroy();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
