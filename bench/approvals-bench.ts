/**
 * npm run bench:approvals -- --workers 100000 --requests 1000 --clients 8 [--warmup 800] [--small 10000] [--dir /dev/shm]
 * Access requests routed and decided over real loopback HTTP against an SQLite database holding
 * `workers` workers (and again with `small`, for route_p99_ms_10k). Each request is created by a
 * security coordinator (the create call routes it: stages and approvers are resolved), then
 * decided stage by stage by the approver each stage names. Prints one JSON line.
 *
 * Each scenario runs in a fresh process, as a server would (approvals-scenario.ts). The first
 * `warmup` requests are made and not counted: until then V8 is still compiling the server's hot
 * functions on its helper threads, which on a two-core machine take CPU from the server itself.
 * Besides the client-observed figures it reports where their time goes: the server thread's CPU
 * per call, the app's own handling time (server_handler_*), how long the server sat idle waiting
 * for calls (server_idle_pct), and how late the client thread ran (client_loop_delay_p99_ms), which
 * a client on another machine would not add.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ScenarioResult } from './approvals-scenario.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '100000' }, requests: { type: 'string', default: '1000' }, clients: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '800' }, small: { type: 'string', default: '10000' }, dir: { type: 'string', default: tmpdir() },
  },
});
const [workers, requests, clients, warmup, small] = [values.workers, values.requests, values.clients, values.warmup, values.small].map(Number) as [number, number, number, number, number];
const supervisors = 1000;
const leastWorkers = supervisors + warmup + requests;
if (![workers, requests, clients, small].every((n) => Number.isInteger(n) && n > 0) || !Number.isInteger(warmup) || warmup < 0 || Math.min(workers, small) < leastWorkers) {
  console.error(`--workers, --requests, --clients and --small must be whole numbers above 0 and --warmup one of 0 or more, with at least ${leastWorkers} workers (1,000 supervisors and one per request, warm-up included)`);
  process.exit(2);
}

function runScenario(workerCount: number): ScenarioResult {
  const script = fileURLToPath(new URL('./approvals-scenario.ts', import.meta.url));
  const args = ['--workers', String(workerCount), '--requests', String(requests), '--clients', String(clients), '--warmup', String(warmup), '--dir', values.dir];
  // With the young generation `gatehouse serve` runs with (bin/gatehouse.mjs).
  const output = execFileSync(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '') as ScenarioResult;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return Number(value.toFixed(2));
}

const smallRun = runScenario(small);
const largeRun = runScenario(workers);
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
  warmup_requests: warmup,
  server_cpu_ms_per_call: largeRun.serverCpuMsPerCall,
  server_cpu_ms_per_call_10k: smallRun.serverCpuMsPerCall,
  server_handler_p50_ms: percentile(largeRun.handlerMs, 50),
  server_handler_p99_ms: percentile(largeRun.handlerMs, 99),
  server_idle_pct: largeRun.serverIdlePct,
  client_loop_delay_p99_ms: largeRun.clientLoopDelayP99Ms,
}));
