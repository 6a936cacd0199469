import type { Insertable, Updateable } from 'kysely';
import { bulkInsert } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/database.ts';
import type {
  AccountHistoryTable, AccountsTable, AccountStatus, LifecycleEventsTable, WorkerHistoryTable, WorkersTable,
} from '../../db/schema.ts';

/** Ids per `in (...)` list. */
const idsPerStatement = 1000;

async function inChunks<T>(items: T[], work: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += idsPerStatement) await work(items.slice(i, i + idsPerStatement));
}

export function insertWorkers(db: Executor, rows: Insertable<WorkersTable>[]): Promise<void> {
  return bulkInsert(db, 'workers', rows);
}

export function insertWorkerHistory(db: Executor, rows: Insertable<WorkerHistoryTable>[]): Promise<void> {
  return bulkInsert(db, 'worker_history', rows);
}

export function insertAccounts(db: Executor, rows: Insertable<AccountsTable>[]): Promise<void> {
  return bulkInsert(db, 'accounts', rows);
}

export function insertAccountHistory(db: Executor, rows: Insertable<AccountHistoryTable>[]): Promise<void> {
  return bulkInsert(db, 'account_history', rows);
}

export function insertLifecycleEvents(db: Executor, rows: Insertable<LifecycleEventsTable>[]): Promise<void> {
  return bulkInsert(db, 'lifecycle_events', rows);
}

/** Ends the open history period of these workers at `at`. */
export async function closeWorkerHistory(db: Executor, workerIds: string[], at: string): Promise<void> {
  await inChunks(workerIds, (chunk) =>
    db.updateTable('worker_history').set({ valid_to: at }).where('worker_id', 'in', chunk).where('valid_to', 'is', null).execute(),
  );
}

export async function closeAccountHistory(db: Executor, accountIds: string[], at: string): Promise<void> {
  await inChunks(accountIds, (chunk) =>
    db.updateTable('account_history').set({ valid_to: at }).where('account_id', 'in', chunk).where('valid_to', 'is', null).execute(),
  );
}

export async function updateWorker(db: Executor, id: string, patch: Updateable<WorkersTable>): Promise<void> {
  await db.updateTable('workers').set(patch).where('id', '=', id).execute();
}

export async function setAccountStatus(
  db: Executor,
  id: string,
  patch: { status: AccountStatus; disabled_by: string | null; updated_at: string },
): Promise<void> {
  await db.updateTable('accounts').set((eb) => ({ ...patch, version: eb('version', '+', 1) })).where('id', '=', id).execute();
}
