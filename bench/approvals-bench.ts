/**
 * npm run bench:approvals -- --workers 100000 --requests 1000 --clients 8 [--dir /dev/shm]
 * Access requests routed and decided over real loopback HTTP against an SQLite database holding
 * `workers` workers (and again with 10,000, for route_p99_ms_10k). Each request is created by a
 * security coordinator (the create call routes it: stages and approvers are resolved), then
 * decided stage by stage by the approver each stage names. Prints one JSON line.
 * Besides the client-observed figures it reports where their time goes: the server thread's CPU
 * per call, the app's own handling time (server_handler_*), how long the server sat idle waiting
 * for calls (server_idle_pct), and how late the client thread ran (client_loop_delay_p99_ms), which
 * a client on another machine would not add.
 */
import { serve } from '@hono/node-server';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createApp } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { bulkInsert } from '../src/db/bulk-insert.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { systemContext } from '../src/domain/auth/actor.ts';
import { systemClock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import { createLogger } from '../src/shared/logger.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '100000' },
    dir: { type: 'string', default: tmpdir() }, requests: { type: 'string', default: '1000' }, clients: { type: 'string', default: '8' }, small: { type: 'string', default: '10000' } },
});
const [workers, requests, clients, small] = [values.workers, values.requests, values.clients, values.small].map(Number) as [number, number, number, number];
const unitCount = 100;
const supervisorsPerUnit = 10;
const warmup = 100;
const leastWorkers = unitCount * supervisorsPerUnit + warmup + requests;
if (![workers, requests, clients, small].every((n) => Number.isInteger(n) && n > 0) || Math.min(workers, small) < leastWorkers) {
  console.error(`--workers, --requests, --clients and --small must be whole numbers, with at least ${leastWorkers} workers (1,000 supervisors and one per request)`);
  process.exit(2);
}

interface Plan {
  base: string;
  /** The first requests warm the server up (JIT, caches) and are not counted. */
  warmup: number;
  clients: number;
  requester: string;
  tokens: Record<string, string>;
  requests: { path: string; body: unknown }[];
}

interface Scenario {
  route: number[];
  decide: number[];
  outcomes: Record<string, number>;
  /** Every HTTP call made, warm-up included. */
  calls: number;
  /** CPU time of the server's thread per HTTP call: the server's cost, whatever else the machine runs. */
  serverCpuMsPerCall?: number;
  /** Time from the app receiving a call to its response being ready (no queueing, no HTTP parsing or writing). */
  handlerMs?: number[];
  /** Share of the client phase the server's event loop sat idle, waiting for a call to arrive. */
  serverIdlePct?: number;
  /** How late the client thread's event loop ran at its 99th percentile: time a response waited for the client, counted in its latency. */
  clientLoopDelayP99Ms?: number;
}

/** CPU time (user + system, ms) this process's main thread has used so far; Linux only. */
function mainThreadCpuMs(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Seeds an agency of `workerCount` workers (bulk inserts), serves the app on a loopback port and runs the requests. */
async function runScenario(workerCount: number): Promise<Scenario> {
  const dir = mkdtempSync(join(values.dir, 'gatehouse-bench-approvals-'));
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
  // The clients run in their own thread, as they would on other machines: the server's thread does only the server's work.
  const cpuBefore = mainThreadCpuMs();
  const loopBefore = performance.eventLoopUtilization();
  handlerMs.length = 0;
  const result = await new Promise<Scenario>((resolve, reject) => {
    // Node 20 does not hand tsx's loader to worker threads: the worker registers it, then loads this file.
    const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(import.meta.url)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: plan });
    worker.once('message', (message: Scenario) => resolve(message));
    worker.once('error', reject);
  });
  result.serverCpuMsPerCall = Number(((mainThreadCpuMs() - cpuBefore) / result.calls).toFixed(2));
  const loop = performance.eventLoopUtilization(loopBefore);
  result.serverIdlePct = Number(((100 * loop.idle) / (loop.idle + loop.active)).toFixed(1));
  // The warm-up requests' share of the calls is left out, as on the client side.
  result.handlerMs = handlerMs.slice(Math.round((handlerMs.length * warmup) / (warmup + requests)));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await handle.destroy();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/** The client side, in a worker thread: `clients` loops that create a request, then decide it stage by stage. */
interface RequestView {
  id: string;
  status: string;
  stages: { status: string; approverIds: string[] }[];
}

async function runClients(plan: Plan): Promise<Scenario> {
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  // node:http rather than fetch: fetch's streams make the client collect garbage for several
  // milliseconds at a time, and the client's pauses would count as the server's latency.
  const agent = new Agent({ keepAlive: true, maxSockets: plan.clients });
  const base = new URL(plan.base);
  function post(path: string, token: string, body: unknown): Promise<{ status: number; text: string }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        { agent, host: base.hostname, port: base.port, path: `${base.pathname}${path}`, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
  async function call(path: string, token: string, body: unknown): Promise<{ ms: number; status: number; json: RequestView }> {
    const start = process.hrtime.bigint();
    const response = await post(path, token, body);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    result.calls += 1;
    return { ms, status: response.status, json: JSON.parse(response.text) as RequestView };
  }
  const result: Scenario = { route: [], decide: [], outcomes: {}, calls: 0 };
  let next = 0;
  async function client(): Promise<void> {
    for (let r = next++; r < plan.requests.length; r = next++) {
      const { path, body } = plan.requests[r] as Plan['requests'][number];
      const created = await call(path, plan.requester, body);
      if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.json)}`);
      const counted = r >= plan.warmup;
      if (counted) result.route.push(created.ms);
      let request = created.json;
      while (request.status === 'pending') {
        const approver = request.stages.find((s) => s.status === 'active')?.approverIds[0] ?? '';
        const decided = await call(`/access-requests/${request.id}/decisions`, plan.tokens[approver] ?? '', { decision: 'approve' });
        if (decided.status !== 200) throw new Error(`decide answered ${decided.status}: ${JSON.stringify(decided.json)}`);
        if (counted) result.decide.push(decided.ms);
        request = decided.json;
      }
      if (counted) result.outcomes[request.status] = (result.outcomes[request.status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: plan.clients }, client));
  loopDelay.disable();
  // The histogram counts from the timer's due time; its 1 ms resolution is not lateness.
  result.clientLoopDelayP99Ms = Number(Math.max(0, loopDelay.percentile(99) / 1e6 - 1).toFixed(2));
  return result;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return Number(value.toFixed(2));
}

if (!isMainThread) {
  parentPort?.postMessage(await runClients(workerData as Plan));
} else {
  const smallRun = await runScenario(small);
  const largeRun = await runScenario(workers);
  console.log(JSON.stringify({
    workers,
    requests,
    route_p50_ms: percentile(largeRun.route, 50),
    route_p99_ms: percentile(largeRun.route, 99),
    decide_p50_ms: percentile(largeRun.decide, 50),
    decide_p99_ms: percentile(largeRun.decide, 99),
    route_p99_ms_10k: percentile(smallRun.route, 99),
    decisions: largeRun.decide.length,
    outcomes: largeRun.outcomes,
    server_cpu_ms_per_call: largeRun.serverCpuMsPerCall,
    server_cpu_ms_per_call_10k: smallRun.serverCpuMsPerCall,
    server_handler_p50_ms: percentile(largeRun.handlerMs ?? [], 50),
    server_handler_p99_ms: percentile(largeRun.handlerMs ?? [], 99),
    server_idle_pct: largeRun.serverIdlePct,
    client_loop_delay_p99_ms: largeRun.clientLoopDelayP99Ms,
  }));
}
