import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Database } from './database.ts';
import * as core from './migrations/0001-core.ts';
import * as sync from './migrations/0002-sync.ts';
import * as scim from './migrations/0003-scim.ts';
import * as outbox from './migrations/0004-outbox.ts';
import * as requests from './migrations/0005-requests.ts';
import * as notifications from './migrations/0006-notifications.ts';
import * as lifecycle from './migrations/0007-lifecycle.ts';
import * as leavers from './migrations/0008-leavers.ts';
import * as consoleSignIn from './migrations/0009-console.ts';
import * as workerExternalIds from './migrations/0010-worker-external-ids.ts';
import * as dashboardFigures from './migrations/0011-dashboard-figures.ts';
import * as leanWriteIndexes from './migrations/0012-lean-write-indexes.ts';
import * as acknowledgmentReminders from './migrations/0013-acknowledgment-reminders.ts';

const migrations: Record<string, Migration> = {
  '0001-core': core,
  '0002-sync': sync,
  '0003-scim': scim,
  '0004-outbox': outbox,
  '0005-requests': requests,
  '0006-notifications': notifications,
  '0007-lifecycle': lifecycle,
  '0008-leavers': leavers,
  '0009-console': consoleSignIn,
  '0010-worker-external-ids': workerExternalIds,
  '0011-dashboard-figures': dashboardFigures,
  '0012-lean-write-indexes': leanWriteIndexes,
  '0013-acknowledgment-reminders': acknowledgmentReminders,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Database): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`Migration failed: ${JSON.stringify(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Brings the schema up to the named migration and no further: for tests of an upgrade that moves data. */
export async function migrateTo(db: Database, name: keyof typeof migrations): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(`Migration failed: ${JSON.stringify(error)}`);
}
