/**
 * The client side of bench:approvals, run in a worker thread of the scenario's process: `clients`
 * loops that create a request, then decide it stage by stage. It imports nothing of the app, so
 * the thread loads and compiles only what a client on another machine would.
 */
import { connect, type Socket } from 'node:net';
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

/**
 * One keep-alive connection speaking just enough HTTP/1.1 for these calls (a request with a JSON
 * body, a response with a Content-Length). node:http's client cost the client thread 0.2 ms a call,
 * CPU that on a two-core machine the server then does not get; fetch costs more still, and its
 * streams make the client pause for garbage collection long enough to show up as server latency.
 */
class Connection {
  readonly #socket: Socket;
  #received: Buffer = Buffer.alloc(0);
  #waiting: { resolve: (response: { status: number; text: string }) => void; reject: (error: Error) => void } | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => this.#waiting?.reject(error));
    socket.on('close', () => this.#waiting?.reject(new Error('The server closed the connection.')));
  }

  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  post(path: string, token: string, body: unknown): Promise<{ status: number; text: string }> {
    const payload = Buffer.from(JSON.stringify(body));
    const head = `POST ${path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(Buffer.concat([Buffer.from(head), payload]));
    });
  }

  close(): void {
    this.#socket.removeAllListeners('close');
    this.#socket.end();
  }

  #receive(chunk: Buffer): void {
    this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
    const headEnd = this.#received.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.#received.toString('latin1', 0, headEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? Number.NaN);
    if (!Number.isInteger(length)) {
      this.#waiting?.reject(new Error(`A response without Content-Length: ${head}`));
      return;
    }
    if (this.#received.length < headEnd + 4 + length) return;
    const text = this.#received.toString('utf8', headEnd + 4, headEnd + 4 + length);
    this.#received = this.#received.subarray(headEnd + 4 + length);
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.resolve({ status: Number(head.slice(9, 12)), text });
  }
}

async function runClients(plan: Plan): Promise<ClientResult> {
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const base = new URL(plan.base);
  const result: ClientResult = { route: [], decide: [], outcomes: {}, calls: 0, warmupCalls: 0, clientLoopDelayP99Ms: 0 };
  async function call(connection: Connection, path: string, token: string, body: unknown, counted: boolean): Promise<{ ms: number; status: number; json: RequestView }> {
    const start = process.hrtime.bigint();
    const response = await connection.post(`${base.pathname}${path}`, token, body);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    result.calls += 1;
    if (!counted) result.warmupCalls += 1;
    return { ms, status: response.status, json: JSON.parse(response.text) as RequestView };
  }
  let next = 0;
  async function client(): Promise<void> {
    const connection = await Connection.open(base.hostname, Number(base.port));
    for (let r = next++; r < plan.requests.length; r = next++) {
      const { path, body } = plan.requests[r] as Plan['requests'][number];
      const counted = r >= plan.warmup;
      // Tells the server's thread where its own figures start counting.
      if (r === plan.warmup) parentPort?.postMessage('warmed-up');
      const created = await call(connection, path, plan.requester, body, counted);
      if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.json)}`);
      if (counted) result.route.push(created.ms);
      let request = created.json;
      while (request.status === 'pending') {
        const approver = request.stages.find((s) => s.status === 'active')?.approverIds[0] ?? '';
        const decided = await call(connection, `/access-requests/${request.id}/decisions`, plan.tokens[approver] ?? '', { decision: 'approve' }, counted);
        if (decided.status !== 200) throw new Error(`decide answered ${decided.status}: ${JSON.stringify(decided.json)}`);
        if (counted) result.decide.push(decided.ms);
        request = decided.json;
      }
      if (counted) result.outcomes[request.status] = (result.outcomes[request.status] ?? 0) + 1;
    }
    connection.close();
  }
  await Promise.all(Array.from({ length: plan.clients }, client));
  loopDelay.disable();
  // The histogram counts from the timer's due time; its 1 ms resolution is not lateness.
  result.clientLoopDelayP99Ms = Number(Math.max(0, loopDelay.percentile(99) / 1e6 - 1).toFixed(2));
  return result;
}

parentPort?.postMessage({ result: await runClients(workerData as Plan) });
