/**
 * The SCIM client side of bench:scim, run as its own process so that making requests does not take
 * the server's event loop: keep-alive connections through an undici Pool, each running one
 * request after another. Takes one job from its parent and sends back latencies (lookups) or send
 * times (disables).
 */
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { Pool } from 'undici';
import { scimBenchLogin } from './scim-seed.ts';

export type LoadJob =
  | { kind: 'lookup'; origin: string; token: string; connections: number; users: number; warmupMs: number; durationMs: number; maxRequests: number }
  | { kind: 'disable'; origin: string; token: string; connections: number; ids: string[]; ratePerSecond: number };

export interface LookupResult {
  latenciesMs: number[];
  seconds: number;
  failures: number;
}

export interface DisableResult {
  /** When each PATCH was sent (epoch ms, sub-millisecond), by position in `ids`. */
  sentAtMs: number[];
  /** When its answer arrived. */
  answeredAtMs: number[];
  failures: number;
}

const [job] = (await once(process, 'message')) as [LoadJob];
const pool = new Pool(job.origin, { connections: job.connections, pipelining: 1, keepAliveTimeout: 60_000 });
const headers = { authorization: `Bearer ${job.token}`, accept: 'application/scim+json' };
const epochMs = () => performance.timeOrigin + performance.now();

/** userName in random case: the lookup must ignore case, as real clients rely on. */
function randomCase(text: string): string {
  let out = '';
  for (const char of text) out += Math.random() < 0.5 ? char.toUpperCase() : char.toLowerCase();
  return out;
}

async function lookups(spec: Extract<LoadJob, { kind: 'lookup' }>): Promise<LookupResult> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let sent = 0;
  const started = performance.now();
  const measureFrom = started + spec.warmupMs;
  const until = measureFrom + spec.durationMs;
  let measuredEnd = measureFrom;
  async function loop(): Promise<void> {
    while (performance.now() < until && sent < spec.maxRequests) {
      const i = Math.floor(Math.random() * spec.users);
      const userName = randomCase(scimBenchLogin(i));
      const path = `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
      const begin = performance.now();
      const response = await pool.request({ method: 'GET', path, headers });
      const text = await response.body.text();
      const end = performance.now();
      const ok = response.statusCode === 200 && text.includes('"totalResults":1,') && text.toLowerCase().includes(`"username":"${userName.toLowerCase()}"`);
      if (begin >= measureFrom) {
        sent += 1;
        latenciesMs.push(end - begin);
        measuredEnd = Math.max(measuredEnd, end);
        if (!ok) failures += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: spec.connections }, loop));
  return { latenciesMs, seconds: (measuredEnd - measureFrom) / 1000, failures };
}

async function disables(spec: Extract<LoadJob, { kind: 'disable' }>): Promise<DisableResult> {
  const sentAtMs: number[] = [];
  const answeredAtMs: number[] = [];
  let failures = 0;
  let next = 0;
  const start = performance.now();
  const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] });
  async function loop(): Promise<void> {
    for (let position = next++; position < spec.ids.length; position = next++) {
      // Open loop at the given rate: the n-th PATCH leaves at n / rate seconds, however the earlier ones fared.
      const due = start + (position * 1000) / spec.ratePerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      sentAtMs[position] = epochMs();
      const response = await pool.request({
        method: 'PATCH', path: `/scim/v2/Users/${spec.ids[position] ?? ''}`, headers: { ...headers, 'content-type': 'application/scim+json' }, body,
      });
      const text = await response.body.text();
      answeredAtMs[position] = epochMs();
      if (response.statusCode !== 200 || !text.includes('"active":false')) failures += 1;
    }
  }
  await Promise.all(Array.from({ length: spec.connections }, loop));
  return { sentAtMs, answeredAtMs, failures };
}

const result = job.kind === 'lookup' ? await lookups(job) : await disables(job);
await pool.close();
process.send?.(result, () => process.exit(0));
