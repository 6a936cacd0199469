import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { queryRows } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/database.ts';
import type { Flag, ScimUsersTable, WorkersTable } from '../../db/schema.ts';

/** A SCIM user as stored: the worker's columns Gatehouse models, and the SCIM row. */
export interface UserRow {
  id: string;
  loginId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  enabled: Flag;
  unitId: string;
  unitCode: string;
  jobType: string;
  supervisorId: string | null;
  leaveStart: string | null;
  leaveReturn: string | null;
  terminationDate: string | null;
  workerVersion: number;
  workerUpdatedAt: string;
  /** The worker's correlation key in its source: the SCIM externalId, else the SCIM id. */
  workerExternalId: string | null;
  externalId: string | null;
  resource: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface GroupRef {
  id: string;
  displayName: string;
}

function usersOf(db: Executor, agencyId: string) {
  return db
    .selectFrom('scim_users as s')
    .innerJoin('workers as w', 'w.id', 's.worker_id')
    .innerJoin('units as u', 'u.id', 'w.unit_id')
    .where('s.agency_id', '=', agencyId);
}

/** The columns of a UserRow, for Kysely and, with quoted aliases, for the prepared reads below. */
const userSelection = [
  'w.id', 'w.login_id as loginId', 'w.first_name as firstName', 'w.last_name as lastName', 'w.email', 'w.enabled', 'w.unit_id as unitId',
  'u.code as unitCode', 'w.job_type as jobType', 'w.supervisor_id as supervisorId', 'w.leave_start as leaveStart', 'w.leave_return as leaveReturn',
  'w.termination_date as terminationDate', 'w.version as workerVersion', 'w.updated_at as workerUpdatedAt', 'w.external_id as workerExternalId',
  's.external_id as externalId',
  's.resource', 's.version', 's.created_at as createdAt', 's.updated_at as updatedAt',
] as const;

function selectUser(db: Executor, agencyId: string) {
  return usersOf(db, agencyId).select(userSelection);
}

const selectUserText = `select ${userSelection.map((column) => column.replace(/ as (\w+)$/, ' as "$1"')).join(', ')}
  from scim_users s join workers w on w.id = s.worker_id join units u on u.id = w.unit_id where s.agency_id = ?`;
const userByIdText = `${selectUserText} and s.worker_id = ?`;
const userByLoginText = `${selectUserText} and w.login_key = ?`;
const userByExternalIdText = `${selectUserText} and s.external_id = ?`;

// The reads every SCIM request makes run as prepared statements (see queryRows).
export async function findUser(db: Executor, agencyId: string, id: string): Promise<UserRow | undefined> {
  return (await queryRows<UserRow>(db, userByIdText, [agencyId, id]))[0];
}

/** The agency's user with the login id whose lower-cased form is `loginKey` (unique state-wide). */
export async function findUserByLoginKey(db: Executor, agencyId: string, loginKey: string): Promise<UserRow | undefined> {
  return (await queryRows<UserRow>(db, userByLoginText, [agencyId, loginKey]))[0];
}

/** The agency's user with this SCIM externalId (unique in the agency, compared exactly). */
export async function findUserByExternalId(db: Executor, agencyId: string, externalId: string): Promise<UserRow | undefined> {
  return (await queryRows<UserRow>(db, userByExternalIdText, [agencyId, externalId]))[0];
}

/** One page of an agency's SCIM users; `where` and `order` come from the filter compiler. */
export async function pageUsers(db: Executor, agencyId: string, where: RawBuilder<SqlBool> | null, order: RawBuilder<unknown>, offset: number, limit: number): Promise<UserRow[]> {
  let query = selectUser(db, agencyId);
  if (where) query = query.where(where);
  return query.orderBy(order).limit(limit).offset(offset).execute();
}

export async function countUsers(db: Executor, agencyId: string, where: RawBuilder<SqlBool> | null): Promise<number> {
  let query = usersOf(db, agencyId).select((eb) => eb.fn.countAll<number>().as('n'));
  if (where) query = query.where(where);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The directory groups of each worker, by display name. */
export async function groupsOfUsers(db: Executor, workerIds: string[]): Promise<Map<string, GroupRef[]>> {
  const result = new Map<string, GroupRef[]>();
  if (workerIds.length === 0) return result;
  const text = `select m.worker_id as "workerId", g.id, g.display_name as "displayName" from scim_group_members m join scim_groups g on g.id = m.group_id
    where m.worker_id in (${workerIds.map(() => '?').join(', ')}) order by g.display_key`;
  const rows = await queryRows<{ workerId: string; id: string; displayName: string }>(db, text, workerIds);
  for (const row of rows) result.set(row.workerId, [...(result.get(row.workerId) ?? []), { id: row.id, displayName: row.displayName }]);
  return result;
}

/** A worker anywhere, by login id (any case) or by its source's external id; with whether SCIM shows it. */
export interface WorkerClaim {
  id: string;
  agencyId: string;
  sourceId: string | null;
  scimAgencyId: string | null;
}

function claimQuery(db: Executor) {
  return db
    .selectFrom('workers as w')
    .leftJoin('scim_users as s', 's.worker_id', 'w.id')
    .select(['w.id', 'w.agency_id as agencyId', 'w.source_id as sourceId', 's.agency_id as scimAgencyId']);
}

export async function findWorkerByLogin(db: Executor, loginId: string): Promise<WorkerClaim | undefined> {
  return claimQuery(db).where('w.login_key', '=', loginId.toLowerCase()).executeTakeFirst();
}

export async function findWorkerByExternalId(db: Executor, sourceId: string, externalId: string): Promise<WorkerClaim | undefined> {
  return claimQuery(db).where('w.source_id', '=', sourceId).where('w.external_id', '=', externalId).executeTakeFirst();
}

export async function findUserIdByExternalId(db: Executor, agencyId: string, externalId: string): Promise<string | undefined> {
  const row = await db.selectFrom('scim_users').select('worker_id').where('agency_id', '=', agencyId).where('external_id', '=', externalId).executeTakeFirst();
  return row?.worker_id;
}

export async function insertScimUser(db: Executor, row: ScimUsersTable): Promise<void> {
  await db.insertInto('scim_users').values(row).execute();
}

/** Writes the SCIM row unless its version moved on; false when it had. */
export async function updateScimUser(
  db: Executor, row: Omit<ScimUsersTable, 'agency_id' | 'created_at' | 'external_id'> & Partial<Pick<ScimUsersTable, 'external_id'>>, expectedVersion: number,
): Promise<boolean> {
  const { worker_id: id, ...values } = row;
  const result = await db.updateTable('scim_users').set(values).where('worker_id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes the SCIM row and the worker's memberships; each group it leaves moves to a new version. */
export async function deleteScimUser(db: Executor, workerId: string, now: string): Promise<void> {
  const groups = db.selectFrom('scim_group_members').select('group_id').where('worker_id', '=', workerId);
  await db.updateTable('scim_groups').set((eb) => ({ version: eb('version', '+', 1), updated_at: now })).where('id', 'in', groups).execute();
  await db.deleteFrom('scim_group_members').where('worker_id', '=', workerId).execute();
  await db.deleteFrom('scim_users').where('worker_id', '=', workerId).execute();
}

/** Writes the worker's modelled columns unless its version moved on; false when it had. */
export async function updateWorkerColumns(db: Executor, id: string, values: Partial<WorkersTable>, expectedVersion: number): Promise<boolean> {
  const result = await db.updateTable('workers').set(values).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The worker's supervisor, for walking up a reporting line. */
export async function findSupervisor(db: Executor, workerId: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('workers').select('supervisor_id').where('id', '=', workerId).executeTakeFirst();
  return row?.supervisor_id;
}

/** The SQL expressions behind the attributes a user filter or sort can use in SQL. */
export const userRefs = {
  id: sql.ref('s.worker_id'),
  externalId: sql.ref('s.external_id'),
  loginKey: sql.ref('w.login_key'),
  firstName: sql.ref('w.first_name'),
  lastName: sql.ref('w.last_name'),
  displayKey: sql.ref('s.display_key'),
  emails: sql.ref('s.emails'),
  enabled: sql.ref('w.enabled'),
  created: sql.ref('s.created_at'),
  lastModified: sql`(case when ${sql.ref('w.updated_at')} > ${sql.ref('s.updated_at')} then ${sql.ref('w.updated_at')} else ${sql.ref('s.updated_at')} end)`,
  supervisorId: sql.ref('w.supervisor_id'),
  unitCode: sql.ref('u.code'),
  jobType: sql.ref('w.job_type'),
  leaveStart: sql.ref('w.leave_start'),
  leaveReturn: sql.ref('w.leave_return'),
  terminationDate: sql.ref('w.termination_date'),
  inGroup: (groupId: string) => sql<SqlBool>`exists (select 1 from scim_group_members m where m.worker_id = ${sql.ref('w.id')} and m.group_id = ${groupId})`,
};
