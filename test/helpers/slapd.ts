import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const startScript = fileURLToPath(new URL('../../scripts/start-slapd.sh', import.meta.url));
// The root password start-slapd.sh sets by default.
const password = 'gatehouse';

export interface Slapd {
  url: string;
  bindDn: string;
  password: string;
  baseDn: string;
  /** The server's private directory (config, database, pid file, log). */
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway slapd (scripts/start-slapd.sh) on a free loopback port, answering once it
 * resolves. `bulkLdifFile` is loaded with slapadd before the start: fast, but overlays such as
 * memberof do not run for it.
 */
export async function startSlapd(options: { bulkLdifFile?: string } = {}): Promise<Slapd> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-slapd-'));
  const port = await findFreePort();
  const args = [String(port), dir, ...(options.bulkLdifFile ? [options.bulkLdifFile] : [])];
  const stop = async () => {
    const pid = Number((await readFile(join(dir, 'slapd.pid'), 'utf8').catch(() => '')).trim());
    await stopSlapd(pid, dir);
  };
  try {
    const { stdout } = await run(startScript, args);
    return { url: stdout.trim(), bindDn: 'cn=admin,dc=gatehouse,dc=test', password, baseDn: 'dc=gatehouse,dc=test', dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Adds the entries of an LDIF text through the running server (ldapadd), so overlays see them. */
export async function loadLdif(slapd: Slapd, ldifText: string): Promise<void> {
  await runLdapTool(slapd, 'ldapadd', ldifText);
}

/** Applies an LDIF change text (changetype: modify / delete / …) through the running server. */
export async function modifyLdif(slapd: Slapd, ldifText: string): Promise<void> {
  await runLdapTool(slapd, 'ldapmodify', ldifText);
}

async function runLdapTool(slapd: Slapd, tool: 'ldapadd' | 'ldapmodify', ldifText: string): Promise<void> {
  const file = join(slapd.dir, `${tool}-${process.hrtime.bigint()}.ldif`);
  await writeFile(file, ldifText);
  try {
    await run(tool, ['-x', '-H', slapd.url, '-D', slapd.bindDn, '-w', slapd.password, '-f', file], { maxBuffer: 64 << 20 });
  } finally {
    await rm(file, { force: true });
  }
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Could not find a free port.');
  return address.port;
}

/** Stops the server and deletes its directory; slapd removes its pid file once it has shut down. */
async function stopSlapd(pid: number, dir: string): Promise<void> {
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone: nothing to wait for.
    }
  }
  const pidFile = join(dir, 'slapd.pid');
  for (let waited = 0; existsSync(pidFile) && waited < 10_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await rm(dir, { recursive: true, force: true });
}
