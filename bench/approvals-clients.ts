/**
 * The client side of bench:approvals, run in a worker thread of the scenario's process: `clients`
 * loops that create a request, then decide it stage by stage. It imports nothing of the app, so
 * the thread loads and compiles only what a client on another machine would.
 */
import { Agent, request as httpRequest } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

export interface Plan {
  base: string;
  /** The first requests warm the server up (JIT, caches) and are not counted. */
  warmup: number;
  clients: number;
  requester: string;
  tokens: Record<string, string>;
  requests: { path: string; body: unknown }[];
}

export interface ClientResult {
  route: number[];
  decide: number[];
  outcomes: Record<string, number>;
  /** Every HTTP call made, warm-up included. */
  calls: number;
  /** Calls made during the warm-up. */
  warmupCalls: number;
  /** How late the client thread's event loop ran at its 99th percentile: time a response waited for the client, counted in its latency. */
  clientLoopDelayP99Ms: number;
}

interface RequestView {
  id: string;
  status: string;
  stages: { status: string; approverIds: string[] }[];
}

async function runClients(plan: Plan): Promise<ClientResult> {
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
  const result: ClientResult = { route: [], decide: [], outcomes: {}, calls: 0, warmupCalls: 0, clientLoopDelayP99Ms: 0 };
  async function call(path: string, token: string, body: unknown, counted: boolean): Promise<{ ms: number; status: number; json: RequestView }> {
    const start = process.hrtime.bigint();
    const response = await post(path, token, body);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    result.calls += 1;
    if (!counted) result.warmupCalls += 1;
    return { ms, status: response.status, json: JSON.parse(response.text) as RequestView };
  }
  let next = 0;
  async function client(): Promise<void> {
    for (let r = next++; r < plan.requests.length; r = next++) {
      const { path, body } = plan.requests[r] as Plan['requests'][number];
      const counted = r >= plan.warmup;
      // Tells the server's thread where its own figures start counting.
      if (r === plan.warmup) parentPort?.postMessage('warmed-up');
      const created = await call(path, plan.requester, body, counted);
      if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.json)}`);
      if (counted) result.route.push(created.ms);
      let request = created.json;
      while (request.status === 'pending') {
        const approver = request.stages.find((s) => s.status === 'active')?.approverIds[0] ?? '';
        const decided = await call(`/access-requests/${request.id}/decisions`, plan.tokens[approver] ?? '', { decision: 'approve' }, counted);
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

parentPort?.postMessage({ result: await runClients(workerData as Plan) });
