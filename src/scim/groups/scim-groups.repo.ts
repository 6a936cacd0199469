import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { bulkInsert } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/database.ts';
import type { ScimGroupsTable } from '../../db/schema.ts';

export interface GroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  resource: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface MemberRow {
  groupId: string;
  workerId: string;
  display: string;
}

const idsPerStatement = 1000;

function groupsOf(db: Executor, agencyId: string) {
  return db
    .selectFrom('scim_groups as g')
    .select(['g.id', 'g.display_name as displayName', 'g.external_id as externalId', 'g.resource', 'g.version', 'g.created_at as createdAt', 'g.updated_at as updatedAt'])
    .where('g.agency_id', '=', agencyId);
}

export async function findGroup(db: Executor, agencyId: string, id: string): Promise<GroupRow | undefined> {
  return groupsOf(db, agencyId).where('g.id', '=', id).executeTakeFirst();
}

export async function pageGroups(db: Executor, agencyId: string, where: RawBuilder<SqlBool> | null, order: RawBuilder<unknown>, offset: number, limit: number): Promise<GroupRow[]> {
  let query = groupsOf(db, agencyId);
  if (where) query = query.where(where);
  return query.orderBy(order).limit(limit).offset(offset).execute();
}

export async function countGroups(db: Executor, agencyId: string, where: RawBuilder<SqlBool> | null): Promise<number> {
  let query = db.selectFrom('scim_groups as g').select((eb) => eb.fn.countAll<number>().as('n')).where('g.agency_id', '=', agencyId);
  if (where) query = query.where(where);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** The members of these groups with a display name, in member id order. */
export async function membersOf(db: Executor, groupIds: string[]): Promise<MemberRow[]> {
  if (groupIds.length === 0) return [];
  return db
    .selectFrom('scim_group_members as m')
    .innerJoin('workers as w', 'w.id', 'm.worker_id')
    .select(['m.group_id as groupId', 'm.worker_id as workerId', sql<string>`${sql.ref('w.first_name')} || ' ' || ${sql.ref('w.last_name')}`.as('display')])
    .where('m.group_id', 'in', groupIds)
    .orderBy('m.group_id')
    .orderBy('m.worker_id')
    .execute();
}

/** Which of these ids are Users of the agency. */
export async function findUserIds(db: Executor, agencyId: string, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += idsPerStatement) {
    const rows = await db.selectFrom('scim_users').select('worker_id').where('agency_id', '=', agencyId).where('worker_id', 'in', ids.slice(i, i + idsPerStatement)).execute();
    for (const row of rows) found.add(row.worker_id);
  }
  return found;
}

export async function insertGroup(db: Executor, row: ScimGroupsTable): Promise<void> {
  await db.insertInto('scim_groups').values(row).execute();
}

/** Writes the group unless its version moved on; false when it had. */
export async function updateGroup(db: Executor, row: Omit<ScimGroupsTable, 'agency_id' | 'created_at'>, expectedVersion: number): Promise<boolean> {
  const { id, ...values } = row;
  const result = await db.updateTable('scim_groups').set(values).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function addMembers(db: Executor, groupId: string, workerIds: string[]): Promise<void> {
  await bulkInsert(db, 'scim_group_members', workerIds.map((workerId) => ({ group_id: groupId, worker_id: workerId })));
}

export async function removeMembers(db: Executor, groupId: string, workerIds: string[]): Promise<void> {
  for (let i = 0; i < workerIds.length; i += idsPerStatement) {
    await db.deleteFrom('scim_group_members').where('group_id', '=', groupId).where('worker_id', 'in', workerIds.slice(i, i + idsPerStatement)).execute();
  }
}

export async function deleteGroup(db: Executor, groupId: string): Promise<void> {
  await db.deleteFrom('scim_group_members').where('group_id', '=', groupId).execute();
  await db.deleteFrom('scim_groups').where('id', '=', groupId).execute();
}

/** The SQL expressions behind the attributes a group filter or sort can use in SQL. */
export const groupRefs = {
  id: sql.ref('g.id'),
  externalId: sql.ref('g.external_id'),
  displayKey: sql.ref('g.display_key'),
  created: sql.ref('g.created_at'),
  lastModified: sql.ref('g.updated_at'),
  hasMember: (workerId: string) => sql<SqlBool>`exists (select 1 from scim_group_members m where m.group_id = ${sql.ref('g.id')} and m.worker_id = ${workerId})`,
};
