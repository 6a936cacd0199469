import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe } from 'node:test';
import pg from 'pg';
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

const postgresUrl = process.env.TEST_POSTGRES_URL;

/** The databases this run covers: SQLite always, PostgreSQL when TEST_POSTGRES_URL is set. */
export const testDatabaseKinds: DatabaseKind[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

/** A freshly migrated, empty database: in-memory SQLite, or a new schema on the test server. */
export async function openTestDatabase(kind: DatabaseKind): Promise<DatabaseHandle> {
  if (kind === 'sqlite') {
    const handle = openDatabase({ url: ':memory:' });
    await migrateToLatest(handle.db);
    return handle;
  }
  if (!postgresUrl) throw new Error('Set TEST_POSTGRES_URL to run the PostgreSQL tests.');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const handle = openDatabase({ url: postgresUrl, searchPath: schema, poolSize: 4 });
  await migrateToLatest(handle.db, { schema });
  return {
    ...handle,
    destroy: async () => {
      await handle.destroy();
      const cleanup = new pg.Client({ connectionString: postgresUrl });
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
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
