import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe } from 'node:test';
import pg from 'pg';
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

const postgresUrl = process.env.TEST_POSTGRES_URL;

/** The databases this run covers: SQLite always, PostgreSQL when TEST_POSTGRES_URL is set. */
export const testDatabaseKinds: DatabaseKind[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

function databaseUrl(name: string): string {
  const url = new URL(postgresUrl ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The migrations' own text names the template, so a changed migration builds a new one. */
function templateName(): string {
  const dir = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));
  const digest = createHash('sha1');
  for (const file of readdirSync(dir).sort()) digest.update(file).update(readFileSync(join(dir, file)));
  return `gatehouse_template_${digest.digest('hex').slice(0, 12)}`;
}

let template: Promise<string> | undefined;

/**
 * A database migrated from scratch once per migration set; every test copies it. Test processes
 * run side by side, so an advisory lock lets one of them build it.
 */
function ensureTemplate(): Promise<string> {
  template ??= withAdmin(async (admin) => {
    const name = templateName();
    await admin.query('select pg_advisory_lock(4711)');
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) {
        const building = `${name}_building`;
        await admin.query(`drop database if exists ${building}`);
        await admin.query(`create database ${building}`);
        const handle = openDatabase({ url: databaseUrl(building), poolSize: 1 });
        await migrateToLatest(handle.db);
        await handle.destroy();
        await admin.query(`alter database ${building} rename to ${name}`);
      }
    } finally {
      await admin.query('select pg_advisory_unlock(4711)');
    }
    return name;
  });
  return template;
}

/**
 * Drops a test database once its last connection has closed. A forced drop would kill a closing
 * connection mid-goodbye and surface as an uncaught error in the test that owned it.
 */
async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await admin.query(`drop database ${name}`);
      return;
    } catch (error) {
      const inUse = (error as { code?: string }).code === '55006';
      if (!inUse || attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** A freshly migrated, empty database: in-memory SQLite, or a copy of the migrated template. */
export async function openTestDatabase(kind: DatabaseKind): Promise<DatabaseHandle> {
  if (kind === 'sqlite') {
    const handle = openDatabase({ url: ':memory:' });
    await migrateToLatest(handle.db);
    return handle;
  }
  if (!postgresUrl) throw new Error('Set TEST_POSTGRES_URL to run the PostgreSQL tests.');
  const source = await ensureTemplate();
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database ${name} template ${source}`));
  const handle = openDatabase({ url: databaseUrl(name), poolSize: 4 });
  return {
    ...handle,
    destroy: async () => {
      await handle.destroy();
      await withAdmin((admin) => dropDatabase(admin, name));
    },
  };
}

/**
 * Runs the same tests on every configured database; each test gets a fresh schema.
 * `body` receives a getter for the current test's database handle.
 */
export function describeEachDatabase(name: string, body: (current: () => DatabaseHandle) => void): void {
  for (const kind of testDatabaseKinds) {
    describe(`${name} [${kind}]`, () => {
      let handle: DatabaseHandle | undefined;
      beforeEach(async () => {
        handle = await openTestDatabase(kind);
      });
      afterEach(async () => {
        await handle?.destroy();
        handle = undefined;
      });
      body(() => {
        if (!handle) throw new Error('No test database: call the getter inside a test.');
        return handle;
      });
    });
  }
}
