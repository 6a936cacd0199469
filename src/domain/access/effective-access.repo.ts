import type { Executor } from '../../db/database.ts';
import type { AccountStatus, Flag } from '../../db/schema.ts';

/*
 * History tables are read directly: each change closes the current row (valid_to = the change
 * instant) and opens a new one (valid_from = that instant, valid_to null), so exactly one row
 * covers any instant after the first. Instants are normalised ISO text; text order is time order.
 */

export async function findWorkerScope(db: Executor, workerId: string): Promise<{ id: string; agencyId: string; timeZone: string } | undefined> {
  return db
    .selectFrom('workers as w')
    .innerJoin('agencies as a', 'a.id', 'w.agency_id')
    .select(['w.id', 'w.agency_id as agencyId', 'a.time_zone as timeZone'])
    .where('w.id', '=', workerId)
    .executeTakeFirst();
}

export async function findApplicationId(db: Executor, by: { id: string } | { code: string }): Promise<string | undefined> {
  let q = db.selectFrom('applications').select('id');
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('code', '=', by.code);
  const row = await q.executeTakeFirst();
  return row?.id;
}

export interface DirectoryState {
  enabled: Flag;
  leaveStart: string | null;
  leaveReturn: string | null;
}

/** The worker's directory record as it stood at `at`; undefined before the worker was registered. */
export async function findWorkerStateAt(db: Executor, workerId: string, at: string): Promise<DirectoryState | undefined> {
  return db
    .selectFrom('worker_history')
    .select(['enabled', 'leave_start as leaveStart', 'leave_return as leaveReturn'])
    .where('worker_id', '=', workerId)
    .where('valid_from', '<=', at)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
    .orderBy('valid_from', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface AccountState {
  accountId: string;
  status: AccountStatus;
  unitId: string;
  endDate: string | null;
}

/** The worker's account in the application as it stood at `at`; undefined when it did not exist then. */
export async function findAccountStateAt(db: Executor, workerId: string, applicationId: string, at: string): Promise<AccountState | undefined> {
  return db
    .selectFrom('accounts as a')
    .innerJoin('account_history as h', 'h.account_id', 'a.id')
    .select(['a.id as accountId', 'h.status', 'h.unit_id as unitId', 'h.end_date as endDate'])
    .where('a.worker_id', '=', workerId)
    .where('a.application_id', '=', applicationId)
    .where('h.valid_from', '<=', at)
    .where((eb) => eb.or([eb('h.valid_to', 'is', null), eb('h.valid_to', '>', at)]))
    .orderBy('h.valid_from', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function listFunctionsById(db: Executor, ids: string[]): Promise<{ id: string; code: string; name: string; securityAttributes: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('business_functions').select(['id', 'code', 'name', 'security_attributes as securityAttributes']).where('id', 'in', ids).execute();
}

export interface UnitNode {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
}

/** The agency's whole unit tree as it is now, ordered by code. */
export async function listAgencyUnits(db: Executor, agencyId: string): Promise<UnitNode[]> {
  return db.selectFrom('units').select(['id', 'code', 'name', 'parent_id as parentId']).where('agency_id', '=', agencyId).orderBy('code').execute();
}
