import type { Executor } from '../../db/database.ts';
import type { RemovalStatus, RiskLevel, ScheduledRemovalsTable } from '../../db/schema.ts';
import type { ScheduledRemoval } from './lifecycle.schemas.ts';

export async function findRemovalBusinessDays(db: Executor, agencyId: string): Promise<{ days: number; updatedAt: string } | undefined> {
  const row = await db.selectFrom('lifecycle_settings').select(['removal_business_days', 'updated_at']).where('agency_id', '=', agencyId).executeTakeFirst();
  return row && { days: row.removal_business_days, updatedAt: row.updated_at };
}

export async function saveRemovalBusinessDays(db: Executor, row: { agencyId: string; days: number; by: string; at: string }): Promise<void> {
  await db
    .insertInto('lifecycle_settings')
    .values({ agency_id: row.agencyId, removal_business_days: row.days, updated_by: row.by, updated_at: row.at })
    .onConflict((oc) => oc.column('agency_id').doUpdateSet({ removal_business_days: row.days, updated_by: row.by, updated_at: row.at }))
    .execute();
}

export interface MoverEvent {
  id: string;
  agencyId: string;
  workerId: string;
  details: string;
}

/** Mover events no one has handled yet, oldest first. */
export async function listOpenMoverEvents(db: Executor, limit: number): Promise<MoverEvent[]> {
  return db
    .selectFrom('lifecycle_events')
    .select(['id', 'agency_id as agencyId', 'worker_id as workerId', 'details'])
    .where('kind', '=', 'mover')
    .where('handled_at', 'is', null)
    .orderBy('detected_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Marks the event handled unless another runner did first; false then. */
export async function markEventHandled(db: Executor, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('lifecycle_events').set({ handled_at: at }).where('id', '=', id).where('handled_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface LiveFunctionGrant {
  grantId: string;
  accountId: string;
  functionId: string;
  code: string;
  riskLevel: RiskLevel;
  provenanceKind: string;
  validTo: string | null;
}

/** The account's function grants live at `at`, with each function's code and risk. */
export async function listLiveFunctionGrants(db: Executor, accountId: string, at: string): Promise<LiveFunctionGrant[]> {
  const rows = await db
    .selectFrom('grants as g')
    .innerJoin('business_functions as f', 'f.id', 'g.function_id')
    .select(['g.id as grantId', 'g.account_id as accountId', 'f.id as functionId', 'f.code', 'f.risk_level as riskLevel', 'g.provenance_kind as provenanceKind', 'g.valid_to as validTo'])
    .where('g.account_id', '=', accountId)
    .where('g.kind', '=', 'function')
    .where('g.granted_at', '<=', at)
    .where('g.valid_from', '<=', at)
    .where((eb) => eb.or([eb('g.valid_to', 'is', null), eb('g.valid_to', '>', at)]))
    .where('g.revoked_at', 'is', null)
    .orderBy('g.id')
    .execute();
  return rows;
}

export async function insertRemoval(db: Executor, row: ScheduledRemovalsTable): Promise<void> {
  await db.insertInto('scheduled_removals').values(row).execute();
}

export async function findScheduledRemovalOfGrant(db: Executor, grantId: string): Promise<ScheduledRemovalsTable | undefined> {
  return db.selectFrom('scheduled_removals').selectAll().where('grant_id', '=', grantId).where('status', '=', 'scheduled').executeTakeFirst();
}

export async function findRemovalRow(db: Executor, id: string): Promise<ScheduledRemovalsTable | undefined> {
  return db.selectFrom('scheduled_removals').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Scheduled removals whose deadline has come, oldest deadline first. */
export async function listDueRemovalIds(db: Executor, at: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('scheduled_removals').select('id').where('status', '=', 'scheduled').where('due_at', '<=', at).orderBy('due_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** Closes a scheduled removal unless someone closed it first; false then. */
export async function closeRemoval(db: Executor, id: string, status: Exclude<RemovalStatus, 'scheduled'>, at: string, outcome: string): Promise<boolean> {
  const result = await db.updateTable('scheduled_removals').set({ status, closed_at: at, outcome }).where('id', '=', id).where('status', '=', 'scheduled').executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deferRemoval(db: Executor, id: string, dueAt: string, exceptionId: string): Promise<void> {
  await db.updateTable('scheduled_removals').set({ due_at: dueAt, exception_id: exceptionId }).where('id', '=', id).execute();
}

export interface RemovalQuery {
  agencyId: string;
  status?: RemovalStatus | undefined;
  /** Only removals still scheduled whose deadline is before this instant. */
  overdueAt?: string | undefined;
  after?: [dueAt: string, id: string] | undefined;
  limit: number;
}

/** An agency's removals by deadline; `now` decides which are overdue. */
export async function listRemovals(db: Executor, query: RemovalQuery, now: string): Promise<ScheduledRemoval[]> {
  let q = db
    .selectFrom('scheduled_removals as r')
    .innerJoin('business_functions as f', 'f.id', 'r.function_id')
    .selectAll('r')
    .select('f.code')
    .where('r.agency_id', '=', query.agencyId);
  if (query.status) q = q.where('r.status', '=', query.status);
  if (query.overdueAt) q = q.where('r.status', '=', 'scheduled').where('r.due_at', '<', query.overdueAt);
  if (query.after) {
    const [dueAt, id] = query.after;
    q = q.where((eb) => eb(eb.refTuple('r.due_at', 'r.id'), '>', eb.tuple(dueAt, id)));
  }
  const rows = await q.orderBy('r.due_at').orderBy('r.id').limit(query.limit).execute();
  return rows.map((r) => ({
    id: r.id, agencyId: r.agency_id, workerId: r.worker_id, accountId: r.account_id, grantId: r.grant_id, functionId: r.function_id, functionCode: r.code,
    jobType: r.job_type, riskLevel: r.risk_level, exceptionId: r.exception_id, status: r.status, scheduledAt: r.scheduled_at, dueAt: r.due_at,
    overdue: r.status === 'scheduled' && r.due_at < now, closedAt: r.closed_at, outcome: r.outcome,
  }));
}

/** The account's removals still scheduled. */
export async function listScheduledRemovalsOfAccount(db: Executor, accountId: string): Promise<ScheduledRemovalsTable[]> {
  return db.selectFrom('scheduled_removals').selectAll().where('account_id', '=', accountId).where('status', '=', 'scheduled').orderBy('id').execute();
}
