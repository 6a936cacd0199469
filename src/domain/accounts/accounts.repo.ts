import type { Executor } from '../../db/database.ts';
import { bulkInsert } from '../../db/bulk-insert.ts';
import { prepareQuery } from '../../db/prepared-query.ts';
import type { AccountRow } from '../../db/schema.ts';
import { newId } from '../../shared/ids.ts';
import type { Account, AccountState, DisabledBy } from './accounts.schemas.ts';

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    workerId: row.worker_id,
    applicationId: row.application_id,
    agencyId: row.agency_id,
    unitId: row.unit_id,
    status: row.status,
    disabledBy: row.disabled_by as DisabledBy | null,
    endDate: row.end_date,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertAccount(db: Executor, account: Account): Promise<void> {
  await db
    .insertInto('accounts')
    .values({
      id: account.id, worker_id: account.workerId, application_id: account.applicationId, agency_id: account.agencyId, unit_id: account.unitId,
      status: account.status, disabled_by: account.disabledBy, end_date: account.endDate, version: account.version,
      created_at: account.createdAt, updated_at: account.updatedAt,
    })
    .execute();
}

// Every placement and status change runs these: prepared once.
type AccountUpdate = Pick<Account, 'id' | 'unitId' | 'status' | 'disabledBy' | 'endDate' | 'version' | 'updatedAt'> & { expectedVersion: number };
const accountUpdate = prepareQuery((db, p: AccountUpdate) =>
  db
    .updateTable('accounts')
    .set({ unit_id: p.unitId, status: p.status, disabled_by: p.disabledBy, end_date: p.endDate, version: p.version, updated_at: p.updatedAt })
    .where('id', '=', p.id)
    .where('version', '=', p.expectedVersion),
);
const accountById = prepareQuery((db, p: { id: string }) => db.selectFrom('accounts').selectAll().where('id', '=', p.id));
const accountOf = prepareQuery((db, p: { workerId: string; applicationId: string }) => db.selectFrom('accounts').selectAll().where('worker_id', '=', p.workerId).where('application_id', '=', p.applicationId));
const endOpenHistory = prepareQuery((db, p: { at: string; accountId: string }) => db.updateTable('account_history').set({ valid_to: p.at }).where('account_id', '=', p.accountId).where('valid_to', 'is', null));
const unitAgency = prepareQuery((db, p: { unitId: string }) => db.selectFrom('units').select(['id', 'agency_id as agencyId']).where('id', '=', p.unitId));

/** Writes the account's new state if it is still at `expectedVersion`; false when someone changed it first. */
export async function updateAccount(db: Executor, account: Account, expectedVersion: number): Promise<boolean> {
  const result = await accountUpdate(db, { ...account, expectedVersion });
  return (result.numAffectedRows ?? 0n) > 0n;
}

export async function findAccountById(db: Executor, id: string): Promise<Account | undefined> {
  const [row] = (await accountById(db, { id })).rows;
  return row && toAccount(row);
}

/** The worker's account in the application, if one was ever opened. */
export async function findAccount(db: Executor, workerId: string, applicationId: string): Promise<Account | undefined> {
  const [row] = (await accountOf(db, { workerId, applicationId })).rows;
  return row && toAccount(row);
}

export interface AccountFilter {
  agencyId?: string | undefined;
  workerId?: string | undefined;
  status?: Account['status'] | undefined;
  applicationId?: string | undefined;
  /** Only accounts in this unit (the agency's N01 holding unit for the new-worker queue). */
  unitId?: string | undefined;
  afterId?: string | undefined;
  limit: number;
}

export async function listAccounts(db: Executor, filter: AccountFilter): Promise<Account[]> {
  let q = db.selectFrom('accounts').selectAll();
  if (filter.agencyId) q = q.where('agency_id', '=', filter.agencyId);
  if (filter.workerId) q = q.where('worker_id', '=', filter.workerId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.applicationId) q = q.where('application_id', '=', filter.applicationId);
  if (filter.unitId) q = q.where('unit_id', '=', filter.unitId);
  if (filter.afterId) q = q.where('id', '>', filter.afterId);
  const rows = await q.orderBy('id').limit(filter.limit).execute();
  return rows.map(toAccount);
}

/** Ends the current history row at `at` and starts one with the account's state from `at`. */
export async function recordAccountState(db: Executor, account: Account, at: string): Promise<void> {
  await endOpenHistory(db, { at, accountId: account.id });
  await bulkInsert(db, 'account_history', [{ id: newId(), account_id: account.id, valid_from: at, valid_to: null, status: account.status, unit_id: account.unitId, end_date: account.endDate }]);
}

/** The account's state at an instant: the history row with valid_from <= at < valid_to. */
export async function findAccountStateAt(db: Executor, accountId: string, at: string): Promise<AccountState | undefined> {
  const row = await db
    .selectFrom('account_history')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('valid_from', '<=', at)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
    .orderBy('valid_from', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { accountId: row.account_id, validFrom: row.valid_from, validTo: row.valid_to, status: row.status, unitId: row.unit_id, endDate: row.end_date };
}

export async function findWorkerAgency(db: Executor, workerId: string): Promise<{ id: string; agencyId: string } | undefined> {
  return db.selectFrom('workers').select(['id', 'agency_id as agencyId']).where('id', '=', workerId).executeTakeFirst();
}

export async function findUnitAgency(db: Executor, unitId: string): Promise<{ id: string; agencyId: string } | undefined> {
  return (await unitAgency(db, { unitId })).rows[0];
}

/** Open cases and to-dos the worker owns in the application: rule 5 needs none to end-date. */
export async function countOpenWorkItems(db: Executor, workerId: string, applicationId: string): Promise<number> {
  const row = await db
    .selectFrom('work_items')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('owner_worker_id', '=', workerId)
    .where('application_id', '=', applicationId)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Whether the worker's directory account is enabled; undefined when there is no such worker. */
export async function isWorkerEnabled(db: Executor, workerId: string): Promise<boolean | undefined> {
  const row = await db.selectFrom('workers').select('enabled').where('id', '=', workerId).executeTakeFirst();
  return row && row.enabled === 1;
}
