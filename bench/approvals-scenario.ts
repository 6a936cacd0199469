/**
 * One scenario of bench:approvals, in a process of its own as `gatehouse serve` would be: seeds an
 * agency of `--workers` workers, serves the app on a loopback port, runs the clients
 * (approvals-clients.ts) in a worker thread and prints what they measured as one JSON line, with
 * where the time went on the server's side.
 */
import { serve } from '@hono/node-server';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createApp } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { bulkInsert } from '../src/db/bulk-insert.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { systemContext } from '../src/domain/auth/actor.ts';
import { systemClock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import { createLogger } from '../src/shared/logger.ts';
import type { ClientResult, Plan } from './approvals-clients.ts';

const { values } = parseArgs({
  options: { workers: { type: 'string' }, requests: { type: 'string' }, clients: { type: 'string' }, warmup: { type: 'string' }, dir: { type: 'string' } },
});
const [workers, requests, clients, warmup] = [values.workers, values.requests, values.clients, values.warmup].map(Number) as [number, number, number, number];
const unitCount = 100;
const supervisorsPerUnit = 10;

export interface ScenarioResult extends ClientResult {
  /** CPU time of the server's thread per counted HTTP call: the server's cost, whatever else the machine runs. */
  serverCpuMsPerCall: number;
  /** Time from the app receiving a counted call to its response being ready (no queueing, no HTTP parsing or writing). */
  handlerMs: number[];
  /** Share of the counted phase the server's event loop sat idle, waiting for a call to arrive. */
  serverIdlePct: number;
}

/** CPU time (user + system, ms) this process's main thread has used so far; Linux only. */
function mainThreadCpuMs(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Seeds an agency of `workerCount` workers (bulk inserts), serves the app on a loopback port and runs the requests. */
async function runScenario(workerCount: number): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(values.dir ?? '', 'gatehouse-bench-approvals-'));
  const handle = openDatabase({ url: join(dir, 'bench.sqlite'), backgroundCheckpoint: true });
  await migrateToLatest(handle.db);
  const { app, services } = createApp({ db: handle.db, dbKind: handle.kind, clock: systemClock, logger: createLogger('silent') });
  const ctx = systemContext('bench-approvals');
  const db = handle.db;
  const now = new Date().toISOString();

  const agency = await services.agencies.create(ctx, { code: 'BENCH', name: 'Bench County', kind: 'district', timeZone: 'America/New_York' });
  const appId = newId();
  const functionRow = (code: string, risk: 'low' | 'medium' | 'high') => ({
    id: newId(), application_id: appId, code, name: code, description: null, security_attributes: '[]', risk_level: risk, owner_worker_id: null, requestable: 1 as const, created_at: now, updated_at: now,
  });
  const caseworker = functionRow('CPS CASEWORKER', 'medium');
  const allDistricts = functionRow('ACCESS ALL DIST', 'high');
  const unitIds = Array.from({ length: unitCount }, () => newId());
  // Worker i sits in unit i % unitCount; the first supervisorsPerUnit workers of each unit supervise the rest of it.
  const workerIds = Array.from({ length: workerCount }, () => newId());
  const unitOf = (i: number) => i % unitCount;
  const isSupervisor = (i: number) => i < unitCount * supervisorsPerUnit;
  const supervisorOf = (i: number) => (isSupervisor(i) ? null : (workerIds[unitOf(i) + unitCount * (i % supervisorsPerUnit)] ?? null));
  const coordinators = [workerIds[0] as string, workerIds[1] as string];
  const accountIds = workerIds.map(() => newId());

  await db.transaction().execute(async (trx) => {
    await trx.insertInto('applications').values({ id: appId, code: 'CONNECTIONS-BENCH', name: 'CONNECTIONS', kind: 'builtin', config: '{}', created_at: now, updated_at: now }).execute();
    await trx.insertInto('business_functions').values([caseworker, allDistricts]).execute();
    const templateId = newId();
    await trx.insertInto('access_templates').values({ id: templateId, agency_id: agency.id, application_id: appId, job_type: 'cps_caseworker', name: 'CPS caseworker', created_at: now, updated_at: now }).execute();
    await trx.insertInto('template_functions').values({ template_id: templateId, function_id: caseworker.id }).execute();
    await bulkInsert(trx, 'units', unitIds.map((id, u) => ({
      id, agency_id: agency.id, parent_id: null, code: `U${String(u).padStart(3, '0')}`, name: `Unit ${u}`, site: null, is_holding: 0, approver_worker_id: workerIds[u] ?? null, created_at: now, updated_at: now,
    })));
    await bulkInsert(trx, 'workers', workerIds.map((id, i) => ({
      id, agency_id: agency.id, login_id: `w${i}`, login_key: `w${i}`, first_name: 'Bench', last_name: `Worker ${i}`, email: `w${i}@bench.example.org`, unit_id: unitIds[unitOf(i)],
      job_type: isSupervisor(i) ? 'cps_supervisor' : 'cps_caseworker', supervisor_id: supervisorOf(i), enabled: 1, hire_date: null, leave_start: null, leave_return: null,
      termination_date: null, source: 'builtin', external_id: null, source_id: null, source_hash: null, version: 1, created_at: now, updated_at: now,
    })));
    await bulkInsert(trx, 'worker_history', workerIds.map((id, i) => ({
      id: newId(), worker_id: id, valid_from: now, valid_to: null, enabled: 1, unit_id: unitIds[unitOf(i)], job_type: isSupervisor(i) ? 'cps_supervisor' : 'cps_caseworker',
      leave_start: null, leave_return: null, termination_date: null,
    })));
    await bulkInsert(trx, 'accounts', workerIds.map((id, i) => ({
      id: accountIds[i], worker_id: id, application_id: appId, agency_id: agency.id, unit_id: agency.holdingUnitId, status: 'active', disabled_by: null, end_date: null, version: 1, created_at: now, updated_at: now,
    })));
    await bulkInsert(trx, 'account_history', accountIds.map((id) => ({ id: newId(), account_id: id, valid_from: now, valid_to: null, status: 'active', unit_id: agency.holdingUnitId, end_date: null })));
  });

  // Subjects: caseworkers spread over every unit and supervisor, each asked for once.
  const firstCaseworker = unitCount * supervisorsPerUnit;
  const stride = Math.floor((workerCount - firstCaseworker) / (warmup + requests));
  const subjects = Array.from({ length: warmup + requests }, (_, r) => firstCaseworker + r * stride);
  const approverWorkers = new Set<string>([coordinators[1] as string]);
  for (const i of subjects) {
    approverWorkers.add(supervisorOf(i) as string);
    approverWorkers.add(workerIds[unitOf(i)] as string);
  }
  const tokens = new Map<string, string>();
  const requester = (await services.tokens.create(ctx, { name: 'coordinator A', role: 'security_coordinator', agencyId: agency.id, workerId: coordinators[0] })).token;
  for (const workerId of approverWorkers) {
    const role = workerId === coordinators[1] ? 'security_coordinator' : 'worker';
    tokens.set(workerId, (await services.tokens.create(ctx, { name: `approver ${workerId}`, role, agencyId: agency.id, workerId })).token);
  }

  const handlerMs: number[] = [];
  const timedFetch: typeof app.fetch = async (request, env, executionContext) => {
    const start = process.hrtime.bigint();
    try {
      return await app.fetch(request, env, executionContext);
    } finally {
      handlerMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  const server = serve({ fetch: timedFetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;

  const plan: Plan = {
    base, warmup, clients, requester, tokens: Object.fromEntries(tokens),
    requests: subjects.map((i, r) => ({
      path: `/agencies/${agency.id}/access-requests`,
      body: {
        subjectWorkerId: workerIds[i], applicationId: appId, justification: 'New caseworker',
        items: [
          { kind: 'unit_placement', unitId: unitIds[unitOf(i)] }, { kind: 'function', functionId: caseworker.id },
          ...(r % 4 === 0 ? [{ kind: 'function', functionId: allDistricts.id, justification: 'Night hotline' }] : []),
        ],
      },
    })),
  };
  // The server's figures count from the end of the warm-up, as the client's do.
  let cpuBefore = mainThreadCpuMs();
  let loopBefore = performance.eventLoopUtilization();
  let handlersBefore = handlerMs.length;
  const clientResult = await new Promise<ClientResult>((resolve, reject) => {
    // Node 20 does not hand tsx's loader to worker threads: the worker registers it, then loads the client.
    const clientUrl = new URL('./approvals-clients.ts', import.meta.url).href;
    const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(clientUrl)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: plan });
    worker.on('message', (message: 'warmed-up' | { result: ClientResult }) => {
      if (message === 'warmed-up') {
        cpuBefore = mainThreadCpuMs();
        loopBefore = performance.eventLoopUtilization();
        handlersBefore = handlerMs.length;
      } else {
        resolve(message.result);
      }
    });
    worker.once('error', reject);
  });
  const countedCalls = clientResult.calls - clientResult.warmupCalls;
  const loop = performance.eventLoopUtilization(loopBefore);
  const result: ScenarioResult = {
    ...clientResult,
    serverCpuMsPerCall: Number(((mainThreadCpuMs() - cpuBefore) / countedCalls).toFixed(2)),
    serverIdlePct: Number(((100 * loop.idle) / (loop.idle + loop.active)).toFixed(1)),
    handlerMs: handlerMs.slice(handlersBefore),
  };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await handle.destroy();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

console.log(JSON.stringify(await runScenario(workers)));
