import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { UnitRow, UnitsTable } from '../../db/schema.ts';
import type { Unit } from './units.schemas.ts';

/** One edge of an agency's unit tree. */
export interface UnitLink {
  id: string;
  parentId: string | null;
}

function toUnit(row: UnitRow): Unit {
  return {
    id: row.id, agencyId: row.agency_id, parentId: row.parent_id, code: row.code, name: row.name, site: row.site,
    holding: row.is_holding === 1, approverWorkerId: row.approver_worker_id, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

export async function insertUnit(db: Executor, row: Insertable<UnitsTable>): Promise<void> {
  await db.insertInto('units').values(row).execute();
}

export async function findUnit(db: Executor, id: string): Promise<Unit | undefined> {
  const row = await db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUnit(row);
}

export async function findUnitByCode(db: Executor, agencyId: string, code: string): Promise<Unit | undefined> {
  const row = await db.selectFrom('units').selectAll().where('agency_id', '=', agencyId).where('code', '=', code).executeTakeFirst();
  return row && toUnit(row);
}

export async function updateUnit(db: Executor, id: string, patch: { code?: string; name?: string; site?: string | null; parent_id?: string | null; approver_worker_id?: string | null; updated_at: string }): Promise<void> {
  await db.updateTable('units').set(patch).where('id', '=', id).execute();
}

export async function deleteUnit(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('units').where('id', '=', id).execute();
}

/** Units of one agency ordered by code, after `afterCode`, optionally only the children of one unit. */
export async function listUnits(db: Executor, filter: { agencyId: string; parentId?: string | undefined; afterCode?: string | undefined; limit: number }): Promise<Unit[]> {
  let q = db.selectFrom('units').selectAll().where('agency_id', '=', filter.agencyId);
  if (filter.parentId) q = q.where('parent_id', '=', filter.parentId);
  if (filter.afterCode !== undefined) q = q.where('code', '>', filter.afterCode);
  const rows = await q.orderBy('code').limit(filter.limit).execute();
  return rows.map(toUnit);
}

/** Every unit code of an agency with its unit id. */
export async function listUnitCodes(db: Executor, agencyId: string): Promise<{ id: string; code: string }[]> {
  return db.selectFrom('units').select(['id', 'code']).where('agency_id', '=', agencyId).execute();
}

/** The whole tree of an agency as parent links: small enough to walk in memory. */
export async function listUnitLinks(db: Executor, agencyId: string): Promise<UnitLink[]> {
  return db.selectFrom('units').select(['id', 'parent_id as parentId']).where('agency_id', '=', agencyId).execute();
}

export async function hasChildUnits(db: Executor, id: string): Promise<boolean> {
  const row = await db.selectFrom('units').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Whether anything refers to the unit now or in recorded history: workers, application accounts,
 * grants and work items. Such a unit stays, so history keeps its meaning.
 */
export async function isUnitReferenced(db: Executor, id: string): Promise<boolean> {
  const reference = await db
    .selectFrom('workers').select('id').where('unit_id', '=', id)
    .unionAll(db.selectFrom('worker_history').select('id').where('unit_id', '=', id))
    .unionAll(db.selectFrom('accounts').select('id').where('unit_id', '=', id))
    .unionAll(db.selectFrom('account_history').select('id').where('unit_id', '=', id))
    .unionAll(db.selectFrom('grants').select('id').where('unit_id', '=', id))
    .unionAll(db.selectFrom('work_items').select('id').where('unit_id', '=', id))
    .limit(1)
    .executeTakeFirst();
  return reference !== undefined;
}
