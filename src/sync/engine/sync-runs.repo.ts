import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { SyncRunsTable } from '../../db/schema.ts';
import type { DirectoryProblem } from '../directory-record.ts';
import type { PlanCounts } from './plan.ts';

export interface SyncRun {
  id: string;
  sourceId: string;
  agencyId: string;
  trigger: SyncRunsTable['trigger'];
  dryRun: boolean;
  status: SyncRunsTable['status'];
  startedAt: string;
  finishedAt: string | null;
  counts: Partial<PlanCounts> & { applied?: number; timingsMs?: Record<string, number> };
  problems: DirectoryProblem[];
  planFile: string | null;
  error: string | null;
}

function toRun(row: SyncRunsTable): SyncRun {
  return {
    id: row.id, sourceId: row.source_id, agencyId: row.agency_id, trigger: row.trigger, dryRun: row.dry_run === 1, status: row.status,
    startedAt: row.started_at, finishedAt: row.finished_at, counts: JSON.parse(row.counts) as SyncRun['counts'],
    problems: JSON.parse(row.problems) as DirectoryProblem[], planFile: row.plan_file, error: row.error,
  };
}

export async function insertRun(db: Executor, row: Insertable<SyncRunsTable>): Promise<void> {
  await db.insertInto('sync_runs').values(row).execute();
}

export async function finishRun(
  db: Executor,
  id: string,
  patch: Pick<SyncRunsTable, 'status' | 'finished_at' | 'counts' | 'problems' | 'plan_file' | 'error'>,
): Promise<void> {
  await db.updateTable('sync_runs').set(patch).where('id', '=', id).execute();
}

/** Marks the source's runs still recorded as running as failed, as of `at`: their process stopped before they finished. */
export async function failInterruptedRuns(db: Executor, sourceId: string, at: string): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({ status: 'failed', finished_at: at, error: 'Interrupted: the process running this sync stopped before it finished; what it committed stays, and the next run carried on from there.' })
    .where('source_id', '=', sourceId)
    .where('status', '=', 'running')
    .execute();
}

export async function findRun(db: Executor, id: string): Promise<SyncRun | undefined> {
  const row = await db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRun(row);
}

export async function listRuns(db: Executor, filter: { agencyIds: 'all' | string[]; sourceId?: string | undefined; beforeStartedAt?: string | undefined; limit: number }): Promise<SyncRun[]> {
  if (filter.agencyIds !== 'all' && filter.agencyIds.length === 0) return [];
  let q = db.selectFrom('sync_runs').selectAll();
  if (filter.agencyIds !== 'all') q = q.where('agency_id', 'in', filter.agencyIds);
  if (filter.sourceId) q = q.where('source_id', '=', filter.sourceId);
  if (filter.beforeStartedAt) q = q.where('started_at', '<', filter.beforeStartedAt);
  return (await q.orderBy('started_at', 'desc').limit(filter.limit).execute()).map(toRun);
}
