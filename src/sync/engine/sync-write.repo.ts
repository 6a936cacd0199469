import type { Insertable } from 'kysely';
import { bulkInsert, runStatement } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/database.ts';
import type {
  AccountHistoryTable, AccountsTable, AccountStatus, Flag, LifecycleEventsTable, WorkerHistoryTable, WorkersTable,
} from '../../db/schema.ts';
import type { DirectoryRecord } from '../directory-record.ts';

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

/** A worker's row rewritten from its directory record. */
export interface WorkerUpdate {
  id: string;
  record: DirectoryRecord;
  hash: string;
  supervisorId: string | null;
  enabled: Flag;
  unitId: string;
  jobType: string;
}

const updateWorkerSql = `update workers set login_id = ?, login_key = ?, first_name = ?, last_name = ?, email = ?, supervisor_id = ?,
  hire_date = ?, termination_date = ?, enabled = ?, unit_id = ?, job_type = ?, source_hash = ?, version = version + 1, updated_at = ? where id = ?`;

export async function updateWorkers(db: Executor, updates: WorkerUpdate[], at: string): Promise<void> {
  for (const { id, record, hash, supervisorId, enabled, unitId, jobType } of updates) {
    await runStatement(db, updateWorkerSql, [
      record.loginId, record.loginId.toLowerCase(), record.firstName, record.lastName, record.email, supervisorId,
      record.hireDate, record.terminationDate, enabled, unitId, jobType, hash, at, id,
    ]);
  }
}

export async function disableWorkers(db: Executor, workerIds: string[], at: string): Promise<void> {
  for (const id of workerIds) await runStatement(db, 'update workers set enabled = 0, version = version + 1, updated_at = ? where id = ?', [at, id]);
}

export async function setAccountStatuses(db: Executor, changes: { id: string; status: AccountStatus; disabledBy: string | null }[], at: string): Promise<void> {
  for (const { id, status, disabledBy } of changes) {
    await runStatement(db, 'update accounts set status = ?, disabled_by = ?, updated_at = ?, version = version + 1 where id = ?', [status, disabledBy, at, id]);
  }
}
