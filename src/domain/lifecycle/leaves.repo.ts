import type { Updateable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { CoveragesTable, LeaveStatus, LeavesTable } from '../../db/schema.ts';
import { workerNameOrLoginStartsWith } from '../../db/worker-search.ts';
import type { Coverage, CoverageListItem, GrantSnapshot, Leave } from './lifecycle.schemas.ts';

function toLeave(row: LeavesTable): Leave {
  return {
    id: row.id, agencyId: row.agency_id, workerId: row.worker_id, startsOn: row.starts_on, returnsOn: row.returns_on, status: row.status, reason: row.reason,
    snapshot: row.snapshot === null ? null : (JSON.parse(row.snapshot) as GrantSnapshot[]), startedAt: row.started_at, returnedAt: row.returned_at,
    createdBy: row.created_by, createdAt: row.created_at, version: row.version,
  };
}

export async function insertLeave(db: Executor, row: LeavesTable): Promise<Leave> {
  await db.insertInto('leaves').values(row).execute();
  return toLeave(row);
}

export async function findLeaveRow(db: Executor, id: string): Promise<LeavesTable | undefined> {
  return db.selectFrom('leaves').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findLeave(db: Executor, id: string): Promise<Leave | undefined> {
  const row = await findLeaveRow(db, id);
  return row && toLeave(row);
}

/** The worker's leave that is scheduled or under way, if any: a worker has one at a time. */
export async function findOpenLeaveOf(db: Executor, workerId: string): Promise<LeavesTable | undefined> {
  return db.selectFrom('leaves').selectAll().where('worker_id', '=', workerId).where('status', 'in', ['scheduled', 'on_leave']).executeTakeFirst();
}

/** Writes the patch if the leave is still at `expectedVersion`; false when someone changed it first. */
export async function updateLeave(db: Executor, id: string, expectedVersion: number, patch: Updateable<LeavesTable>): Promise<boolean> {
  const result = await db.updateTable('leaves').set({ ...patch, version: expectedVersion + 1 }).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Leaves whose start (status scheduled) or return (status on_leave) has come. */
export async function listDueLeaves(db: Executor, at: string, limit: number): Promise<LeavesTable[]> {
  const starting = await db.selectFrom('leaves').selectAll().where('status', '=', 'scheduled').where('starts_at', '<=', at).orderBy('starts_at').limit(limit).execute();
  const returning = await db.selectFrom('leaves').selectAll().where('status', '=', 'on_leave').where('returns_at', '<=', at).orderBy('returns_at').limit(limit).execute();
  return [...starting, ...returning];
}

export async function listLeaves(db: Executor, query: { agencyId?: string | undefined; workerId?: string | undefined; status?: LeaveStatus | undefined; afterId?: string | undefined; limit: number }): Promise<Leave[]> {
  let q = db.selectFrom('leaves').selectAll();
  if (query.agencyId) q = q.where('agency_id', '=', query.agencyId);
  if (query.workerId) q = q.where('worker_id', '=', query.workerId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.afterId) q = q.where('id', '>', query.afterId);
  const rows = await q.orderBy('id').limit(query.limit).execute();
  return rows.map(toLeave);
}

function toCoverage(row: CoveragesTable): Coverage {
  return {
    id: row.id, agencyId: row.agency_id, leaveId: row.leave_id, absentWorkerId: row.absent_worker_id, coveringWorkerId: row.covering_worker_id, unitId: row.unit_id,
    grantId: row.grant_id, status: row.status, startsAt: row.starts_at, endsAt: row.ends_at, endedAt: row.ended_at, reason: row.reason, createdBy: row.created_by, createdAt: row.created_at,
  };
}

export async function insertCoverage(db: Executor, row: CoveragesTable): Promise<Coverage> {
  await db.insertInto('coverages').values(row).execute();
  return toCoverage(row);
}

export async function listCoverages(db: Executor, leaveId: string, onlyActive = false): Promise<Coverage[]> {
  let q = db.selectFrom('coverages').selectAll().where('leave_id', '=', leaveId);
  if (onlyActive) q = q.where('status', '=', 'active');
  const rows = await q.orderBy('id').limit(500).execute();
  return rows.map(toCoverage);
}

export async function updateCoverage(db: Executor, id: string, patch: Updateable<CoveragesTable>): Promise<void> {
  await db.updateTable('coverages').set(patch).where('id', '=', id).execute();
}

/** Active coverages whose end has come (their grant has ended by itself). */
export async function listEndedCoverages(db: Executor, at: string, limit: number): Promise<Coverage[]> {
  const rows = await db.selectFrom('coverages').selectAll().where('status', '=', 'active').where('ends_at', '<=', at).orderBy('ends_at').limit(limit).execute();
  return rows.map(toCoverage);
}

export async function findCoverage(db: Executor, id: string): Promise<Coverage | undefined> {
  const row = await db.selectFrom('coverages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toCoverage(row);
}

/** Marks an active coverage ended at `at`; false when it had ended already. */
export async function endActiveCoverage(db: Executor, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('coverages').set({ status: 'ended', ended_at: at }).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * An agency's active coverage (under way or still to start) with both workers and the unit, by
 * start; `search` matches the start of either worker's name or login.
 */
export async function listAgencyCoverages(db: Executor, query: { agencyId: string; search?: string | undefined; after?: [string, string] | undefined; limit: number }): Promise<Omit<CoverageListItem, 'started'>[]> {
  let q = db
    .selectFrom('coverages as c')
    .innerJoin('workers as absent', 'absent.id', 'c.absent_worker_id')
    .innerJoin('workers as covering', 'covering.id', 'c.covering_worker_id')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .selectAll('c')
    .select([
      'absent.first_name as absent_first', 'absent.last_name as absent_last', 'absent.login_id as absent_login',
      'covering.first_name as covering_first', 'covering.last_name as covering_last', 'covering.login_id as covering_login', 'u.code as unit_code', 'u.name as unit_name',
    ])
    .where('c.agency_id', '=', query.agencyId)
    .where('c.status', '=', 'active');
  const { search, after } = query;
  if (search) q = q.where((eb) => eb.or([workerNameOrLoginStartsWith('absent', search), workerNameOrLoginStartsWith('covering', search)]));
  if (after) q = q.where((eb) => eb(eb.refTuple('c.starts_at', 'c.id'), '>', eb.tuple(after[0], after[1])));
  const rows = await q.orderBy('c.starts_at').orderBy('c.id').limit(query.limit).execute();
  return rows.map((row) => ({
    ...toCoverage(row), absentWorkerName: `${row.absent_first} ${row.absent_last}`, absentLoginId: row.absent_login,
    coveringWorkerName: `${row.covering_first} ${row.covering_last}`, coveringLoginId: row.covering_login, unitCode: row.unit_code, unitName: row.unit_name,
  }));
}

/**
 * Workers whose directory record carries leave dates (pushed by SCIM, an HR feed, or set on the
 * worker) that no leave record covers yet, and whose return is not long past.
 */
export async function listUnrecordedDirectoryLeaves(db: Executor, returnAfter: string, limit: number): Promise<{ id: string; agencyId: string; leaveStart: string; leaveReturn: string | null }[]> {
  const rows = await db
    .selectFrom('workers as w')
    .select(['w.id', 'w.agency_id as agencyId', 'w.leave_start as leaveStart', 'w.leave_return as leaveReturn'])
    .where('w.leave_start', 'is not', null)
    .where((eb) => eb.or([eb('w.leave_return', 'is', null), eb('w.leave_return', '>', returnAfter)]))
    .where((eb) =>
      eb.not(eb.exists(
        eb.selectFrom('leaves as l')
          .select('l.id')
          .whereRef('l.worker_id', '=', 'w.id')
          .where((inner) => inner.or([inner('l.status', 'in', ['scheduled', 'on_leave']), inner('l.starts_on', '=', inner.ref('w.leave_start'))])),
      )))
    .orderBy('w.id')
    .limit(limit)
    .execute();
  return rows.flatMap((r) => (r.leaveStart === null ? [] : [{ ...r, leaveStart: r.leaveStart }]));
}
