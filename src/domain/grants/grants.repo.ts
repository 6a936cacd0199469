import type { ExpressionBuilder } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { bulkInsert } from '../../db/bulk-insert.ts';
import { prepareQuery } from '../../db/prepared-query.ts';
import type { AccountStatus, DB, GrantKind, GrantRow } from '../../db/schema.ts';
import type { Grant } from './grants.schemas.ts';

function toGrant(row: GrantRow): Grant {
  return {
    id: row.id,
    accountId: row.account_id,
    workerId: row.worker_id,
    agencyId: row.agency_id,
    applicationId: row.application_id,
    kind: row.kind,
    functionId: row.function_id,
    unitId: row.unit_id,
    provenance: { kind: row.provenance_kind, id: row.provenance_id },
    grantedBy: row.granted_by,
    grantedAt: row.granted_at,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
  };
}

/** The SQL twin of `isGrantLiveAt`; instants are stored normalised, so text comparison is time order. */
function liveAt(at: string) {
  return (eb: ExpressionBuilder<DB, 'grants'>) =>
    eb.and([
      eb('grants.granted_at', '<=', at),
      eb('grants.valid_from', '<=', at),
      eb.or([eb('grants.valid_to', 'is', null), eb('grants.valid_to', '>', at)]),
      eb.or([eb('grants.revoked_at', 'is', null), eb('grants.revoked_at', '>', at)]),
    ]);
}

export async function insertGrant(db: Executor, row: GrantRow): Promise<Grant> {
  await bulkInsert(db, 'grants', [row]);
  return toGrant(row);
}

export async function findGrant(db: Executor, id: string): Promise<Grant | undefined> {
  const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toGrant(row);
}

export interface GrantAccount {
  id: string;
  workerId: string;
  agencyId: string;
  applicationId: string;
  status: AccountStatus;
  endDate: string | null;
  timeZone: string;
}

// Every grant an approval applies runs these: prepared once.
const grantAccount = prepareQuery((db, p: { accountId: string }) =>
  db
    .selectFrom('accounts as ac')
    .innerJoin('agencies as ag', 'ag.id', 'ac.agency_id')
    .select(['ac.id', 'ac.worker_id as workerId', 'ac.agency_id as agencyId', 'ac.application_id as applicationId', 'ac.status', 'ac.end_date as endDate', 'ag.time_zone as timeZone'])
    .where('ac.id', '=', p.accountId),
);
const functionApplication = prepareQuery((db, p: { functionId: string }) => db.selectFrom('business_functions').select(['id', 'code', 'application_id as applicationId']).where('id', '=', p.functionId));
const unrevokedFunctionGrants = prepareQuery((db, p: { accountId: string; functionId: string }) =>
  db.selectFrom('grants').selectAll().where('account_id', '=', p.accountId).where('function_id', '=', p.functionId).where('revoked_at', 'is', null),
);

export async function findGrantAccount(db: Executor, accountId: string): Promise<GrantAccount | undefined> {
  return (await grantAccount(db, { accountId })).rows[0];
}

export async function findFunctionApplication(db: Executor, functionId: string): Promise<{ id: string; code: string; applicationId: string } | undefined> {
  return (await functionApplication(db, { functionId })).rows[0];
}

export async function findWorkerAgency(db: Executor, workerId: string): Promise<{ id: string; agencyId: string } | undefined> {
  return db.selectFrom('workers').select(['id', 'agency_id as agencyId']).where('id', '=', workerId).executeTakeFirst();
}

/** Grants of one function on one account that were never revoked, whatever their window. */
export async function listUnrevokedFunctionGrants(db: Executor, accountId: string, functionId: string): Promise<Grant[]> {
  return (await unrevokedFunctionGrants(db, { accountId, functionId })).rows.map(toGrant);
}

/** Every grant an account ever held, oldest first. */
export async function listAccountGrants(db: Executor, accountId: string): Promise<Grant[]> {
  const rows = await db.selectFrom('grants').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map(toGrant);
}

/** Marks the grant revoked unless it already is; returns false when someone revoked it first. */
export async function revokeGrant(db: Executor, id: string, revocation: { at: string; by: string; reason: string }): Promise<boolean> {
  const result = await db
    .updateTable('grants')
    .set({ revoked_at: revocation.at, revoked_by: revocation.by, revoke_reason: revocation.reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface GrantListFilter {
  workerId?: string | undefined;
  agencyId?: string | undefined;
  functionId?: string | undefined;
  kind?: GrantKind | undefined;
  /** Only grants live at this instant. */
  liveAt?: string | undefined;
  afterId?: string | undefined;
  limit: number;
}

export async function listGrants(db: Executor, filter: GrantListFilter): Promise<Grant[]> {
  let q = db.selectFrom('grants').selectAll();
  if (filter.workerId) q = q.where('worker_id', '=', filter.workerId);
  if (filter.agencyId) q = q.where('agency_id', '=', filter.agencyId);
  if (filter.functionId) q = q.where('function_id', '=', filter.functionId);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.liveAt) q = q.where(liveAt(filter.liveAt));
  if (filter.afterId) q = q.where('id', '>', filter.afterId);
  const rows = await q.orderBy('id').limit(filter.limit).execute();
  return rows.map(toGrant);
}
