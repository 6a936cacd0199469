/**
 * npm run bench:console -- --workers 100000
 * Server time of the console's main pages (rendered in-process, as `gatehouse serve` renders them)
 * on an agency of that many workers, all fresh from a directory sync (so every one of them waits
 * in the assessment queue), with 50 requests in flight, 50 drafts to review, 50 workers on leave
 * with coverage, 50 exceptions awaiting approval, and what the dashboard reads (see
 * dashboard-data.ts: a year of requests, the workers' access with some beyond the templates,
 * leavers and late removals). Prints one JSON line: per page, the first render, then the median
 * and slowest of the 20 renders after it, in milliseconds; and how long the timer's count of
 * access beyond template took.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp, createServices } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { policyDefinitionSchema } from '../src/domain/approvals/approvals.schemas.ts';
import { ensureBuiltinApplications } from '../src/domain/applications/applications.service.ts';
import { systemContext } from '../src/domain/auth/actor.ts';
import { createFunctionSchema } from '../src/domain/functions/functions.schemas.ts';
import { systemClock } from '../src/shared/clock.ts';
import { calendarDateAt } from '../src/shared/dates.ts';
import { newId } from '../src/shared/ids.ts';
import { createLogger } from '../src/shared/logger.ts';
import { seedDashboardData } from './dashboard-data.ts';
import { benchUnitCode, benchUnitCount, writeBenchDirectory } from './directory-generator.ts';

const { values } = parseArgs({ options: { workers: { type: 'string', default: '100000' }, runs: { type: 'string', default: '20' } } });
const workers = Number(values.workers);
const runs = Number(values.runs);
if (!Number.isInteger(workers) || workers < 5000 || workers > 2_000_000) {
  console.error('--workers must be a whole number from 5000 to 2000000');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-console-'));
const handle = openDatabase({ url: join(dir, 'bench.sqlite') });
await migrateToLatest(handle.db);
const logger = createLogger('silent');
const services = createServices({ db: handle.db, dbKind: handle.kind, clock: systemClock, logger, dataDir: dir });
const ctx = systemContext('bench-console');
const password = 'bench console password';

const agency = await services.agencies.create(ctx, { code: 'BENCH', name: 'Bench County', kind: 'district', timeZone: 'America/New_York' });
await ensureBuiltinApplications(handle.db, new Date().toISOString());
const now = new Date().toISOString();
await handle.db
  .insertInto('units')
  .values(Array.from({ length: benchUnitCount }, (_, i) => ({
    id: newId(), agency_id: agency.id, parent_id: null, code: benchUnitCode(i), name: `Unit ${i}`, site: null, is_holding: 0 as const, approver_worker_id: null, created_at: now, updated_at: now,
  })))
  .execute();
const source = await services.sources.create(ctx, agency.id, { name: 'hr', kind: 'csv', config: {}, schedule: '0 2 * * *', enabled: true });
const file = join(dir, 'directory.csv');
await writeBenchDirectory(file, workers);
await services.sync.run(ctx, source.id, { input: file, confirm: true });

const byLogin = async (login: string) => (await services.workers.list(ctx, agency.id, { search: login, limit: 5 })).items.find((w) => w.loginId === login)!;
const application = (await services.applications.list(ctx, { limit: 50 })).items.find((a) => a.code === 'CONNECTIONS')!;
const caseworkerFn = await services.functions.create(ctx, application.id, createFunctionSchema.parse({ code: 'CPS CASEWORKER', name: 'CPS caseworker', riskLevel: 'medium' }));
const coordinators = [{ kind: 'security_coordinators' as const }];
await services.approvals.setPolicy(ctx, agency.id, policyDefinitionSchema.parse({
  low: [{ name: 'Coordinator', approvers: coordinators }], medium: [{ name: 'Coordinator', approvers: coordinators }], high: [{ name: 'Coordinator', approvers: coordinators }],
}));
const user = async (login: string, role: 'security_coordinator' | 'auditor' | 'worker', workerLogin: string | null) =>
  services.consoleUsers.create(ctx, { login, name: login, email: null, password, oidcSubject: null, role, agencyId: agency.id, workerId: workerLogin ? (await byLogin(workerLogin)).id : null });
await user('coord-a', 'security_coordinator', 'w1001');
await user('coord-b', 'security_coordinator', 'w1002');
await user('auditor', 'auditor', null);
await user('worker', 'worker', 'w3000');
const requester = { actor: (await services.consoleSessions.authenticate((await services.consoleSessions.signIn('coord-a', password, 'bench')).sessionId))!.actor, requestId: 'bench' };
let lastRequest = '';
for (let i = 0; i < 50; i += 1) {
  const subject = await byLogin(`w${2000 + i}`);
  lastRequest = (await services.requests.create(requester, agency.id, { subjectWorkerId: subject.id, applicationId: application.id, justification: 'Bench request', items: [{ action: 'add', kind: 'function', functionId: caseworkerFn.id, justification: 'Covers CPS intake' }], submit: true })).id;
}

let lastDraft = '';
for (let i = 0; i < 50; i += 1) {
  const subject = await byLogin(`w${2100 + i}`);
  lastDraft = (await services.requests.create(requester, agency.id, { subjectWorkerId: subject.id, applicationId: application.id, justification: 'Bench draft', items: [{ action: 'add', kind: 'function', functionId: caseworkerFn.id, justification: 'Covers CPS intake' }], submit: false })).id;
}
const today = calendarDateAt(new Date(), agency.timeZone);
for (let i = 0; i < 50; i += 1) {
  const leave = await services.leaves.record(ctx, (await byLogin(`w${1100 + i}`)).id, { startsOn: today, returnsOn: '2099-01-05', reason: 'Bench leave' });
  await services.coverage.create(requester, leave.id, { coveringWorkerId: (await byLogin(`w${1200 + i}`)).id, reason: 'Bench coverage' });
  await services.exceptions.request(requester, (await byLogin(`w${1300 + i}`)).id, { applicationId: application.id, functionId: caseworkerFn.id, kind: 'hold', days: 30, justification: 'Bench exception' });
}

const dashboardData = await seedDashboardData(handle.db, agency.id, application.id, new Date());
const countStart = process.hrtime.bigint();
await services.beyondTemplate.countAll();
const beyondTemplateCountMs = Math.round(Number(process.hrtime.bigint() - countStart) / 1e6);

const { app } = createApp({ db: handle.db, dbKind: handle.kind, clock: systemClock, logger, console: { publicUrl: 'http://localhost', oidc: null } }, services);

async function cookieFor(login: string): Promise<string> {
  const session = await services.consoleSessions.signIn(login, password, 'bench');
  return `gh_session=${session.sessionId}`;
}

const someWorker = await byLogin(`w${Math.floor(workers / 2)}`);
const pages: [string, string, string][] = [
  ['coordinator queue', 'coord-a', '/queue'],
  ['requests in flight', 'coord-a', '/requests?status=pending'],
  ['workers list', 'coord-a', '/workers'],
  ['workers search', 'coord-a', `/workers?q=Last${workers - 7}`],
  ['worker detail', 'coord-a', `/workers/${someWorker.id}`],
  ['assessment form', 'coord-a', `/workers/${someWorker.id}/assessment`],
  ['request detail', 'coord-b', `/requests/${lastRequest}`],
  ['draft review', 'coord-a', `/requests/${lastDraft}/review`],
  ['coverage', 'coord-a', '/coverage'],
  ['coverage search', 'coord-a', `/coverage?q=Last${workers - 7}`],
  ['exceptions in force', 'coord-a', '/exceptions'],
  ['exceptions awaiting approval', 'coord-a', '/exceptions?status=requested'],
  ['approver inbox', 'coord-b', '/inbox'],
  ['dashboard', 'coord-a', '/dashboard'],
  ['my access', 'worker', '/me'],
  ['audit log', 'auditor', '/audit'],
  ['audit search', 'auditor', '/audit?action=request.submitted'],
  ['access on a date', 'auditor', `/access-on-date?login=w${workers - 3}&date=2030-01-01`],
];
const result: Record<string, unknown> = { bench: 'console', workers, runs, database: handle.kind, dashboardData, beyondTemplateCountMs };
const timings: Record<string, { firstMs: number; p50Ms: number; maxMs: number }> = {};
const round = (ms: number) => Math.round(ms * 10) / 10;
for (const [name, login, path] of pages) {
  const cookie = await cookieFor(login);
  const times: number[] = [];
  // The first render of each page is reported apart (firstMs): it pays for the page's first statements and code paths.
  for (let i = 0; i <= runs; i += 1) {
    const start = process.hrtime.bigint();
    const response = await app.request(path, { headers: { cookie } });
    await response.text();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  }
  const first = times.shift()!;
  times.sort((a, b) => a - b);
  timings[name] = { firstMs: round(first), p50Ms: round(times[Math.floor(times.length / 2)]!), maxMs: round(times.at(-1)!) };
}
result.pages = timings;
result.slowestP50Ms = Math.max(...Object.values(timings).map((t) => t.p50Ms));
console.log(JSON.stringify(result));
await handle.destroy();
rmSync(dir, { recursive: true, force: true });
