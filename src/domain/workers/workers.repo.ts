import type { Executor } from '../../db/database.ts';
import type { WorkerRow } from '../../db/schema.ts';
import { workerNameOrLoginStartsWith } from '../../db/worker-search.ts';
import { newId } from '../../shared/ids.ts';
import type { Worker } from './workers.schemas.ts';

/** What a worker_history row records: the fields effective access depends on, over an interval. */
export interface WorkerState {
  workerId: string;
  validFrom: string;
  validTo: string | null;
  enabled: boolean;
  unitId: string;
  jobType: string;
  leaveStart: string | null;
  leaveReturn: string | null;
  terminationDate: string | null;
}

/** The sort key of the worker list: last name, first name, id. */
export type WorkerSortKey = [lastName: string, firstName: string, id: string];

export interface WorkerQuery {
  agencyId: string;
  unitId?: string | undefined;
  jobType?: string | undefined;
  enabled?: boolean | undefined;
  search?: string | undefined;
  after?: WorkerSortKey | undefined;
  limit: number;
}

function toWorker(row: WorkerRow): Worker {
  return {
    id: row.id, agencyId: row.agency_id, loginId: row.login_id, firstName: row.first_name, lastName: row.last_name, email: row.email,
    unitId: row.unit_id, jobType: row.job_type, supervisorId: row.supervisor_id, enabled: row.enabled === 1, hireDate: row.hire_date,
    leaveStart: row.leave_start, leaveReturn: row.leave_return, terminationDate: row.termination_date, source: row.source,
    externalId: row.external_id, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

/** Every column a change may touch; the login key keeps login ids unique regardless of case. */
function mutableColumns(worker: Worker) {
  return {
    login_id: worker.loginId, login_key: worker.loginId.toLowerCase(), first_name: worker.firstName, last_name: worker.lastName,
    email: worker.email, unit_id: worker.unitId, job_type: worker.jobType, supervisor_id: worker.supervisorId, enabled: worker.enabled ? 1 : 0,
    hire_date: worker.hireDate, leave_start: worker.leaveStart, leave_return: worker.leaveReturn, termination_date: worker.terminationDate,
    external_id: worker.externalId, version: worker.version, updated_at: worker.updatedAt,
  } as const;
}

export async function insertWorker(db: Executor, worker: Worker): Promise<void> {
  await db.insertInto('workers').values({ ...mutableColumns(worker), id: worker.id, agency_id: worker.agencyId, source: worker.source, created_at: worker.createdAt }).execute();
}

/** Writes the worker unless its stored version is no longer `expectedVersion`; false when it was not. */
export async function saveWorker(db: Executor, worker: Worker, expectedVersion: number): Promise<boolean> {
  const result = await db.updateTable('workers').set(mutableColumns(worker)).where('id', '=', worker.id).where('version', '=', expectedVersion).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Sets the enabled flag whatever the version, so a disable never loses to a concurrent edit. */
export async function setWorkerEnabled(db: Executor, id: string, enabled: boolean, at: string): Promise<Worker> {
  await db.updateTable('workers').set((eb) => ({ enabled: enabled ? 1 : 0, version: eb('version', '+', 1), updated_at: at })).where('id', '=', id).execute();
  const row = await db.selectFrom('workers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return toWorker(row);
}

export async function listAgencyTimeZones(db: Executor): Promise<{ id: string; timeZone: string }[]> {
  return db.selectFrom('agencies').select(['id', 'time_zone as timeZone']).orderBy('id').execute();
}

/**
 * Enabled workers of the built-in or SCIM directory whose termination date is on or before
 * `today`; workers of a synced source are the sync run's to disable.
 */
export async function listDueTerminations(db: Executor, agencyId: string, today: string, limit: number): Promise<Worker[]> {
  const rows = await db
    .selectFrom('workers as w')
    .leftJoin('sync_sources as s', 's.id', 'w.source_id')
    .selectAll('w')
    .where('w.termination_date', '<=', today)
    .where('w.agency_id', '=', agencyId)
    .where('w.enabled', '=', 1)
    .where((eb) => eb.or([eb('w.source_id', 'is', null), eb('s.kind', 'in', ['builtin', 'scim'])]))
    .orderBy('w.termination_date')
    .limit(limit)
    .execute();
  return rows.map(toWorker);
}

export async function findWorker(db: Executor, id: string): Promise<Worker | undefined> {
  const row = await db.selectFrom('workers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toWorker(row);
}

export async function findWorkerByLoginId(db: Executor, loginId: string): Promise<Worker | undefined> {
  const row = await db.selectFrom('workers').selectAll().where('login_key', '=', loginId.toLowerCase()).executeTakeFirst();
  return row && toWorker(row);
}

/** Lookups by a list of keys go in chunks, well under either database's limit on bound parameters. */
const lookupChunk = 500;

async function findInChunks(keys: string[], find: (chunk: string[]) => Promise<WorkerRow[]>): Promise<Worker[]> {
  const unique = [...new Set(keys)];
  const found: Worker[] = [];
  for (let i = 0; i < unique.length; i += lookupChunk) for (const row of await find(unique.slice(i, i + lookupChunk))) found.push(toWorker(row));
  return found;
}

/** Workers of the agency with one of these external ids. */
export async function findWorkersByExternalIds(db: Executor, agencyId: string, externalIds: string[]): Promise<Worker[]> {
  return findInChunks(externalIds, (chunk) => db.selectFrom('workers').selectAll().where('agency_id', '=', agencyId).where('external_id', 'in', chunk).execute());
}

/** Workers of any agency holding one of these login ids, ignoring case. */
export async function findWorkersByLoginIds(db: Executor, loginIds: string[]): Promise<Worker[]> {
  return findInChunks(loginIds.map((l) => l.toLowerCase()), (chunk) => db.selectFrom('workers').selectAll().where('login_key', 'in', chunk).execute());
}

/** The worker's supervisor id; undefined when there is no such worker. */
export async function findSupervisorId(db: Executor, id: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('workers').select('supervisor_id').where('id', '=', id).executeTakeFirst();
  return row?.supervisor_id;
}

export async function listWorkers(db: Executor, query: WorkerQuery): Promise<Worker[]> {
  let q = db.selectFrom('workers').selectAll().where('agency_id', '=', query.agencyId);
  if (query.unitId) q = q.where('unit_id', '=', query.unitId);
  if (query.jobType) q = q.where('job_type', '=', query.jobType);
  if (query.enabled !== undefined) q = q.where('enabled', '=', query.enabled ? 1 : 0);
  if (query.search) q = q.where(workerNameOrLoginStartsWith('workers', query.search));
  if (query.after) {
    const [lastName, firstName, id] = query.after;
    q = q.where((eb) => eb(eb.refTuple('last_name', 'first_name', 'id'), '>', eb.tuple(lastName, firstName, id)));
  }
  const rows = await q.orderBy('last_name').orderBy('first_name').orderBy('id').limit(query.limit).execute();
  return rows.map(toWorker);
}

/** Closes the worker's open history row at `at` and opens one with its current state. */
export async function recordWorkerState(db: Executor, worker: Worker, at: string): Promise<void> {
  await db.updateTable('worker_history').set({ valid_to: at }).where('worker_id', '=', worker.id).where('valid_to', 'is', null).execute();
  await db
    .insertInto('worker_history')
    .values({
      id: newId(), worker_id: worker.id, valid_from: at, valid_to: null, enabled: worker.enabled ? 1 : 0, unit_id: worker.unitId, job_type: worker.jobType,
      leave_start: worker.leaveStart, leave_return: worker.leaveReturn, termination_date: worker.terminationDate,
    })
    .execute();
}

/** The worker's recorded state at instant `at`, or undefined before the worker existed. */
export async function findWorkerStateAt(db: Executor, workerId: string, at: string): Promise<WorkerState | undefined> {
  const row = await db
    .selectFrom('worker_history')
    .selectAll()
    .where('worker_id', '=', workerId)
    .where('valid_from', '<=', at)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
    .orderBy('valid_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (
    row && {
      workerId: row.worker_id, validFrom: row.valid_from, validTo: row.valid_to, enabled: row.enabled === 1, unitId: row.unit_id, jobType: row.job_type,
      leaveStart: row.leave_start, leaveReturn: row.leave_return, terminationDate: row.termination_date,
    }
  );
}
