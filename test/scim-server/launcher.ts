import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { repoRoot, stopChild } from '../helpers/cli-process.ts';

const serverScript = join(repoRoot, 'test', 'scim-server', 'server.ts');

/** A SCIM resource or message as JSON. */
export type ScimJson = Record<string, any>;

export interface ScimServerStats {
  /** Answered requests by "METHOD /path STATUS". */
  requests: Record<string, number>;
  users: number;
  groups: number;
}

export interface RunningScimServer {
  port: number;
  /** The SCIM base URL, e.g. http://127.0.0.1:41234/scim/v2. */
  baseUrl: string;
  token: string;
  child: ChildProcess;
  stats(): Promise<ScimServerStats>;
  /** Sends a request straight to the server, as someone changing the target behind Gatehouse's back. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: ScimJson }>;
  /** Kills the process at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the SCIMMY server of test/scim-server/server.ts as its own process. With `storeFile` its
 * users survive a restart; with `port` it listens where a previous instance did.
 */
export async function startScimServer(options: { token?: string; storeFile?: string; port?: number } = {}): Promise<RunningScimServer> {
  const token = options.token ?? 'target-token';
  const env = { ...process.env, SCIM_PORT: String(options.port ?? 0), SCIM_TOKEN: token, ...(options.storeFile ? { SCIM_STORE: options.storeFile } : {}) };
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.once('exit', (code) => reject(new Error(`The SCIM server exited (${code}) before listening:\n${output}`)));
  });
  const root = `http://127.0.0.1:${port}`;
  const baseUrl = `${root}/scim/v2`;
  return {
    port, baseUrl, token, child,
    stats: async () => (await (await fetch(`${root}/_stats`)).json()) as ScimServerStats,
    call: async (method, path, body) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as ScimJson };
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    stop: () => stopChild(child),
  };
}
