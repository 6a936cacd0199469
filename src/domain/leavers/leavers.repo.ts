import type { Insertable, Updateable } from 'kysely';
import { bulkInsert } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/database.ts';
import type { LeaverCasesTable } from '../../db/schema.ts';
import type { OpenWorkItem } from './leavers.schemas.ts';

/** Ids per `in (...)` list. */
const idsPerStatement = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += idsPerStatement) out.push(items.slice(i, i + idsPerStatement));
  return out;
}

/** A case row with the worker's name, as the queue shows it. */
export interface CaseRow {
  id: string;
  agencyId: string;
  workerId: string;
  firstName: string;
  lastName: string;
  loginId: string;
  status: LeaverCasesTable['status'];
  cause: LeaverCasesTable['cause'];
  syncRunId: string | null;
  detectedAt: string;
  disabledAt: string;
  dueAt: string;
  escalatedAt: string | null;
  workReassignedAt: string | null;
  endDatedAt: string | null;
  cancelledAt: string | null;
  version: number;
  updatedAt: string;
}

/** Leaver cases with their worker's name, as `CaseRow`s; the caller adds the filter and order. */
export function selectCaseRows(db: Executor) {
  return db
    .selectFrom('leaver_cases as c')
    .innerJoin('workers as w', 'w.id', 'c.worker_id')
    .select([
      'c.id', 'c.agency_id as agencyId', 'c.worker_id as workerId', 'w.first_name as firstName', 'w.last_name as lastName', 'w.login_id as loginId',
      'c.status', 'c.cause', 'c.sync_run_id as syncRunId', 'c.detected_at as detectedAt', 'c.disabled_at as disabledAt', 'c.due_at as dueAt',
      'c.escalated_at as escalatedAt', 'c.work_reassigned_at as workReassignedAt', 'c.end_dated_at as endDatedAt', 'c.cancelled_at as cancelledAt',
      'c.version', 'c.updated_at as updatedAt',
    ]);
}

export async function findCase(db: Executor, id: string): Promise<CaseRow | undefined> {
  return selectCaseRows(db).where('c.id', '=', id).executeTakeFirst();
}

export interface CaseListFilter {
  agencyId: string;
  status: LeaverCasesTable['status'];
  workerId?: string | undefined;
  /** Only cases past their deadline at this instant: open after it, or end-dated after it. */
  overdueAt?: string | undefined;
  after?: [dueAt: string, id: string] | undefined;
  limit: number;
}

/** An agency's cases by deadline, earliest first. */
export async function listCases(db: Executor, filter: CaseListFilter): Promise<CaseRow[]> {
  let q = selectCaseRows(db).where('c.agency_id', '=', filter.agencyId).where('c.status', '=', filter.status);
  if (filter.workerId) q = q.where('c.worker_id', '=', filter.workerId);
  const overdueAt = filter.overdueAt;
  if (overdueAt !== undefined) {
    q = q.where((eb) => eb.or([
      eb.and([eb('c.status', '=', 'open'), eb('c.due_at', '<', overdueAt)]),
      eb.and([eb('c.status', '=', 'end_dated'), eb('c.end_dated_at', '>', eb.ref('c.due_at'))]),
    ]));
  }
  const after = filter.after;
  if (after) q = q.where((eb) => eb.or([eb('c.due_at', '>', after[0]), eb.and([eb('c.due_at', '=', after[0]), eb('c.id', '>', after[1])])]));
  return q.orderBy('c.due_at').orderBy('c.id').limit(filter.limit).execute();
}

/** The open case of each of these workers that has one. */
export async function listOpenCasesOf(db: Executor, workerIds: readonly string[]): Promise<{ id: string; workerId: string; agencyId: string; version: number }[]> {
  const rows: { id: string; workerId: string; agencyId: string; version: number }[] = [];
  for (const chunk of chunks(workerIds)) {
    rows.push(
      ...(await db
        .selectFrom('leaver_cases')
        .select(['id', 'worker_id as workerId', 'agency_id as agencyId', 'version'])
        .where('worker_id', 'in', chunk)
        .where('status', '=', 'open')
        .execute()),
    );
  }
  return rows;
}

export async function insertCases(db: Executor, rows: Insertable<LeaverCasesTable>[]): Promise<void> {
  await bulkInsert(db, 'leaver_cases', rows);
}

/** Applies the change only if the case is still at `expectedVersion`; false when someone got there first. */
export async function updateCase(db: Executor, id: string, expectedVersion: number, patch: Updateable<LeaverCasesTable>): Promise<boolean> {
  const result = await db
    .updateTable('leaver_cases')
    .set({ ...patch, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Open cases whose deadline has passed and that nobody has been told about yet. */
export async function listDueForEscalation(db: Executor, at: string, limit: number): Promise<{ id: string; agencyId: string; workerId: string; dueAt: string; version: number }[]> {
  return db
    .selectFrom('leaver_cases')
    .select(['id', 'agency_id as agencyId', 'worker_id as workerId', 'due_at as dueAt', 'version'])
    .where('status', '=', 'open')
    .where('escalated_at', 'is', null)
    .where('due_at', '<=', at)
    .orderBy('due_at')
    .limit(limit)
    .execute();
}

/** Open cases and to-dos each worker owns, in every application. */
export async function countOpenItems(db: Executor, workerIds: readonly string[]): Promise<Map<string, { openCases: number; openTodos: number }>> {
  const counts = new Map<string, { openCases: number; openTodos: number }>();
  for (const chunk of chunks(workerIds)) {
    const rows = await db
      .selectFrom('work_items')
      .select(['owner_worker_id as workerId', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('owner_worker_id', 'in', chunk)
      .where('status', '=', 'open')
      .groupBy(['owner_worker_id', 'kind'])
      .execute();
    for (const row of rows) {
      const entry = counts.get(row.workerId) ?? { openCases: 0, openTodos: 0 };
      if (row.kind === 'case') entry.openCases += Number(row.n);
      else entry.openTodos += Number(row.n);
      counts.set(row.workerId, entry);
    }
  }
  return counts;
}

/** The worker's open work items, cases first, then by reference. */
export async function listOpenWorkItems(db: Executor, workerId: string, limit: number): Promise<OpenWorkItem[]> {
  return db
    .selectFrom('work_items')
    .select(['id', 'application_id as applicationId', 'kind', 'reference', 'title', 'unit_id as unitId', 'due_date as dueDate', 'version'])
    .where('owner_worker_id', '=', workerId)
    .where('status', '=', 'open')
    .orderBy('kind')
    .orderBy('reference')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function findSettings(db: Executor, agencyId: string): Promise<{ endDateBusinessDays: number; updatedAt: string } | undefined> {
  return db.selectFrom('leaver_settings').select(['end_date_business_days as endDateBusinessDays', 'updated_at as updatedAt']).where('agency_id', '=', agencyId).executeTakeFirst();
}

export async function saveSettings(db: Executor, row: { agency_id: string; end_date_business_days: number; updated_by: string; updated_at: string }): Promise<void> {
  await db
    .insertInto('leaver_settings')
    .values(row)
    .onConflict((oc) => oc.column('agency_id').doUpdateSet({ end_date_business_days: row.end_date_business_days, updated_by: row.updated_by, updated_at: row.updated_at }))
    .execute();
}

/** The sync's and SCIM's leaver events of the worker are handled once the worker is end-dated. */
export async function markLeaverEventsHandled(db: Executor, workerId: string, at: string): Promise<void> {
  await db.updateTable('lifecycle_events').set({ handled_at: at }).where('worker_id', '=', workerId).where('kind', '=', 'leaver').where('handled_at', 'is', null).execute();
}

/** The accounts of the worker not yet closed for good on `today` (an agency calendar date). */
export async function listAccountsToEndDate(db: Executor, workerId: string, today: string): Promise<{ id: string }[]> {
  return db
    .selectFrom('accounts')
    .select('id')
    .where('worker_id', '=', workerId)
    .where('status', '<>', 'end_dated')
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>', today)]))
    .orderBy('id')
    .execute();
}

/** When any account of the worker last changed (for a worker end-dated account by account, the last end-date). */
export async function findLastAccountChange(db: Executor, workerId: string): Promise<string | undefined> {
  const row = await db.selectFrom('accounts').select((eb) => eb.fn.max('updated_at').as('at')).where('worker_id', '=', workerId).executeTakeFirst();
  return row?.at ?? undefined;
}

export async function findAgencyTimeZone(db: Executor, agencyId: string): Promise<string | undefined> {
  const row = await db.selectFrom('agencies').select('time_zone').where('id', '=', agencyId).executeTakeFirst();
  return row?.time_zone;
}
