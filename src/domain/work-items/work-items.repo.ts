import type { Updateable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { Flag, WorkItemRow, WorkItemsTable } from '../../db/schema.ts';
import type { WorkItem } from './work-items.schemas.ts';

function toWorkItem(row: WorkItemRow): WorkItem {
  return {
    id: row.id,
    agencyId: row.agency_id,
    applicationId: row.application_id,
    kind: row.kind,
    reference: row.reference,
    title: row.title,
    unitId: row.unit_id,
    ownerWorkerId: row.owner_worker_id,
    status: row.status,
    dueDate: row.due_date,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

export async function insertWorkItem(db: Executor, row: WorkItemRow): Promise<WorkItem> {
  await db.insertInto('work_items').values(row).execute();
  return toWorkItem(row);
}

export async function findWorkItem(db: Executor, id: string): Promise<WorkItem | undefined> {
  const row = await db.selectFrom('work_items').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toWorkItem(row);
}

export async function findWorkItemByReference(db: Executor, agencyId: string, kind: WorkItem['kind'], reference: string): Promise<WorkItem | undefined> {
  const row = await db.selectFrom('work_items').selectAll().where('agency_id', '=', agencyId).where('kind', '=', kind).where('reference', '=', reference).executeTakeFirst();
  return row && toWorkItem(row);
}

export interface WorkItemListFilter {
  agencyId: string;
  ownerWorkerId?: string | undefined;
  status?: WorkItem['status'] | undefined;
  kind?: WorkItem['kind'] | undefined;
  unitId?: string | undefined;
  afterId?: string | undefined;
  limit: number;
}

export async function listWorkItems(db: Executor, filter: WorkItemListFilter): Promise<WorkItem[]> {
  let q = db.selectFrom('work_items').selectAll().where('agency_id', '=', filter.agencyId);
  if (filter.ownerWorkerId) q = q.where('owner_worker_id', '=', filter.ownerWorkerId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.unitId) q = q.where('unit_id', '=', filter.unitId);
  if (filter.afterId) q = q.where('id', '>', filter.afterId);
  const rows = await q.orderBy('id').limit(filter.limit).execute();
  return rows.map(toWorkItem);
}

/** Applies the change only if the item is still at `expectedVersion`; false when someone got there first. */
export async function updateWorkItem(db: Executor, id: string, expectedVersion: number, patch: Updateable<WorkItemsTable>): Promise<boolean> {
  const result = await db
    .updateTable('work_items')
    .set({ ...patch, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Open cases and to-dos a worker owns, in one application or all; end-dating needs zero (rule 5). */
export async function countOpenForWorker(db: Executor, workerId: string, applicationId?: string): Promise<number> {
  let q = db.selectFrom('work_items').select((eb) => eb.fn.countAll<number>().as('n')).where('owner_worker_id', '=', workerId).where('status', '=', 'open');
  if (applicationId) q = q.where('application_id', '=', applicationId);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findOwnerCandidate(db: Executor, workerId: string): Promise<{ id: string; agencyId: string; enabled: Flag } | undefined> {
  return db.selectFrom('workers').select(['id', 'agency_id as agencyId', 'enabled']).where('id', '=', workerId).executeTakeFirst();
}

export async function findItemUnit(db: Executor, unitId: string): Promise<{ id: string; agencyId: string } | undefined> {
  return db.selectFrom('units').select(['id', 'agency_id as agencyId']).where('id', '=', unitId).executeTakeFirst();
}

export async function applicationExists(db: Executor, applicationId: string): Promise<boolean> {
  const row = await db.selectFrom('applications').select('id').where('id', '=', applicationId).executeTakeFirst();
  return row !== undefined;
}
