import type { Executor } from '../../db/database.ts';
import { prepareListQuery, prepareQuery } from '../../db/prepared-query.ts';
import type { DelegationsTable, SodRulesTable } from '../../db/schema.ts';
import type { PolicyDefinition } from './approvals.schemas.ts';
import type { ApprovalPolicy, Delegation, SodRule } from './approvals.schemas.ts';

// Routing a request runs these: prepared once.
const latestPolicy = prepareQuery((db, p: { agencyId: string }) => db.selectFrom('approval_policies').selectAll().where('agency_id', '=', p.agencyId).orderBy('version', 'desc').limit(1));
const sodRulesOf = prepareQuery((db, p: { agencyId: string }) => db.selectFrom('sod_rules').selectAll().where('agency_id', '=', p.agencyId).orderBy('id').limit(1000));
const delegatorsOn = prepareQuery((db, p: { deputyWorkerId: string; date: string }) =>
  db.selectFrom('delegations').select('worker_id').where('deputy_worker_id', '=', p.deputyWorkerId).where('starts_on', '<=', p.date).where('ends_on', '>=', p.date),
);
const personById = prepareQuery((db, p: { workerId: string }) =>
  db.selectFrom('workers').select(['id', 'agency_id as agencyId', 'supervisor_id as supervisorId', 'unit_id as unitId', 'enabled']).where('id', '=', p.workerId),
);
const unitLink = prepareQuery((db, p: { unitId: string }) => db.selectFrom('units').select(['id', 'parent_id as parentId', 'approver_worker_id as approverWorkerId']).where('id', '=', p.unitId));
const workersWithRole = prepareQuery((db, p: { agencyId: string; role: 'security_coordinator' }) =>
  db
    .selectFrom('role_assignments as r')
    .innerJoin('principals as p', 'p.id', 'r.principal_id')
    .innerJoin('workers as w', 'w.id', 'p.worker_id')
    .select('w.id')
    .where('r.role', '=', p.role)
    .where('r.agency_id', '=', p.agencyId)
    .where('p.disabled', '=', 0)
    .where('w.enabled', '=', 1)
    .orderBy('w.id'),
);

export async function findLatestPolicy(db: Executor, agencyId: string): Promise<ApprovalPolicy | undefined> {
  const [row] = (await latestPolicy(db, { agencyId })).rows;
  return row && { agencyId: row.agency_id, version: row.version, definition: JSON.parse(row.definition) as PolicyDefinition, createdBy: row.created_by, createdAt: row.created_at };
}

export async function findPolicyVersion(db: Executor, agencyId: string, version: number): Promise<PolicyDefinition | undefined> {
  const row = await db.selectFrom('approval_policies').select('definition').where('agency_id', '=', agencyId).where('version', '=', version).executeTakeFirst();
  return row && (JSON.parse(row.definition) as PolicyDefinition);
}

export async function insertPolicy(db: Executor, row: { id: string; agencyId: string; version: number; definition: PolicyDefinition; createdBy: string; createdAt: string }): Promise<void> {
  await db
    .insertInto('approval_policies')
    .values({ id: row.id, agency_id: row.agencyId, version: row.version, definition: JSON.stringify(row.definition), created_by: row.createdBy, created_at: row.createdAt })
    .execute();
}

function toDelegation(row: DelegationsTable): Delegation {
  return {
    id: row.id, agencyId: row.agency_id, workerId: row.worker_id, deputyWorkerId: row.deputy_worker_id, startsOn: row.starts_on, endsOn: row.ends_on,
    reason: row.reason, createdBy: row.created_by, createdAt: row.created_at,
  };
}

export async function insertDelegation(db: Executor, row: DelegationsTable): Promise<Delegation> {
  await db.insertInto('delegations').values(row).execute();
  return toDelegation(row);
}

export async function listDelegations(db: Executor, workerId: string): Promise<Delegation[]> {
  const rows = await db.selectFrom('delegations').selectAll().where('worker_id', '=', workerId).orderBy('starts_on').orderBy('id').limit(500).execute();
  return rows.map(toDelegation);
}

export async function findDelegation(db: Executor, id: string): Promise<Delegation | undefined> {
  const row = await db.selectFrom('delegations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toDelegation(row);
}

export async function setDelegationEnd(db: Executor, id: string, endsOn: string): Promise<void> {
  await db.updateTable('delegations').set({ ends_on: endsOn }).where('id', '=', id).execute();
}

export async function deleteDelegation(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('delegations').where('id', '=', id).execute();
}

/** The worker's delegations that end on `from` or later, soonest first, with each deputy's name and login. */
export async function listDelegationsEndingFrom(db: Executor, workerId: string, from: string): Promise<(Delegation & { deputyName: string; deputyLoginId: string })[]> {
  const rows = await db
    .selectFrom('delegations as d')
    .innerJoin('workers as w', 'w.id', 'd.deputy_worker_id')
    .selectAll('d')
    .select(['w.first_name as deputyFirstName', 'w.last_name as deputyLastName', 'w.login_id as deputyLoginId'])
    .where('d.worker_id', '=', workerId)
    .where('d.ends_on', '>=', from)
    .orderBy('d.starts_on')
    .orderBy('d.id')
    .limit(500)
    .execute();
  return rows.map(({ deputyFirstName, deputyLastName, deputyLoginId, ...row }) => ({ ...toDelegation(row), deputyName: `${deputyFirstName} ${deputyLastName}`, deputyLoginId }));
}

/** The workers whose approvals the deputy may give on this date. */
export async function findDelegatorsOn(db: Executor, deputyWorkerId: string, date: string): Promise<string[]> {
  const { rows } = await delegatorsOn(db, { deputyWorkerId, date });
  return [...new Set(rows.map((r) => r.worker_id))];
}

function toSodRule(row: SodRulesTable): SodRule {
  return { id: row.id, agencyId: row.agency_id, functionAId: row.function_a_id, functionBId: row.function_b_id, description: row.description, createdAt: row.created_at };
}

export async function insertSodRule(db: Executor, row: SodRulesTable): Promise<SodRule> {
  await db.insertInto('sod_rules').values(row).execute();
  return toSodRule(row);
}

export async function listSodRules(db: Executor, agencyId: string): Promise<SodRule[]> {
  return (await sodRulesOf(db, { agencyId })).rows.map(toSodRule);
}

/** Live function grants of an agency's workers that hold either function of some SoD rule. */
export async function listLiveFunctionHolders(db: Executor, agencyId: string, functionIds: string[], at: string): Promise<{ workerId: string; functionId: string }[]> {
  if (functionIds.length === 0) return [];
  const rows = await db
    .selectFrom('grants')
    .select(['worker_id as workerId', 'function_id as functionId'])
    .where('agency_id', '=', agencyId)
    .where('kind', '=', 'function')
    .where('function_id', 'in', functionIds)
    .where('valid_from', '<=', at)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
    .where('revoked_at', 'is', null)
    .execute();
  return rows.flatMap((r) => (r.functionId === null ? [] : [{ workerId: r.workerId, functionId: r.functionId }]));
}

export interface PersonLink {
  id: string;
  agencyId: string;
  supervisorId: string | null;
  unitId: string;
  enabled: 0 | 1;
}

export async function findPerson(db: Executor, workerId: string): Promise<PersonLink | undefined> {
  return (await personById(db, { workerId })).rows[0];
}

const peopleById = prepareListQuery((db, ids) => db.selectFrom('workers').select(['id', 'agency_id as agencyId', 'supervisor_id as supervisorId', 'unit_id as unitId', 'enabled']).where('id', 'in', ids as string[]));

export async function findPeople(db: Executor, workerIds: readonly string[]): Promise<PersonLink[]> {
  return peopleById(db, [...new Set(workerIds)], {});
}

export async function findUnitLink(db: Executor, unitId: string): Promise<{ id: string; parentId: string | null; approverWorkerId: string | null } | undefined> {
  return (await unitLink(db, { unitId })).rows[0];
}

export async function findFunctionOwners(db: Executor, functionIds: string[]): Promise<string[]> {
  if (functionIds.length === 0) return [];
  const rows = await db.selectFrom('business_functions').select('owner_worker_id').where('id', 'in', functionIds).where('owner_worker_id', 'is not', null).execute();
  return rows.flatMap((r) => (r.owner_worker_id ? [r.owner_worker_id] : []));
}

/** Workers who act through an enabled principal holding the role in the agency. */
export async function findWorkersWithRole(db: Executor, agencyId: string, role: 'security_coordinator'): Promise<string[]> {
  const { rows } = await workersWithRole(db, { agencyId, role });
  return [...new Set(rows.map((r) => r.id))];
}

export async function findPrincipalWorkers(db: Executor, principalIds: string[]): Promise<string[]> {
  if (principalIds.length === 0) return [];
  const rows = await db.selectFrom('principals').select('worker_id').where('id', 'in', principalIds).where('disabled', '=', 0).execute();
  return rows.flatMap((r) => (r.worker_id ? [r.worker_id] : []));
}

export async function findFunctionCodes(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('business_functions').select(['id', 'code']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.code]));
}
