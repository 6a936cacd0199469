import type { Executor } from '../db/database.ts';
import type { AccountStatus } from '../db/schema.ts';

/** An account with its worker, placement unit and agency: what a connector may send about it. */
export interface AccountFacts {
  accountId: string;
  applicationId: string;
  agencyId: string;
  agencyCode: string;
  timeZone: string;
  workerId: string;
  loginId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  externalId: string | null;
  jobType: string;
  workerEnabled: boolean;
  leaveStart: string | null;
  leaveReturn: string | null;
  unitCode: string;
  unitName: string;
  status: AccountStatus;
  endDate: string | null;
}

export interface FunctionGrantWindow {
  accountId: string;
  code: string;
  grantedAt: string;
  validFrom: string;
  validTo: string | null;
}

export async function loadAccountFacts(db: Executor, accountIds: readonly string[]): Promise<AccountFacts[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('accounts as a')
    .innerJoin('workers as w', 'w.id', 'a.worker_id')
    .innerJoin('units as u', 'u.id', 'a.unit_id')
    .innerJoin('agencies as g', 'g.id', 'a.agency_id')
    .select([
      'a.id as accountId', 'a.application_id as applicationId', 'a.agency_id as agencyId', 'g.code as agencyCode', 'g.time_zone as timeZone',
      'w.id as workerId', 'w.login_id as loginId', 'w.first_name as firstName', 'w.last_name as lastName', 'w.email', 'w.external_id as externalId',
      'w.job_type as jobType', 'w.enabled', 'w.leave_start as leaveStart', 'w.leave_return as leaveReturn', 'u.code as unitCode', 'u.name as unitName',
      'a.status', 'a.end_date as endDate',
    ])
    .where('a.id', 'in', accountIds)
    .execute();
  return rows.map(({ enabled, ...row }) => ({ ...row, workerEnabled: enabled === 1 }));
}

/** Function grants not revoked and not yet ended: those live now and those that start later. */
export async function loadFunctionGrantWindows(db: Executor, accountIds: readonly string[], now: string): Promise<FunctionGrantWindow[]> {
  if (accountIds.length === 0) return [];
  return db
    .selectFrom('grants as gr')
    .innerJoin('business_functions as f', 'f.id', 'gr.function_id')
    .select(['gr.account_id as accountId', 'f.code', 'gr.granted_at as grantedAt', 'gr.valid_from as validFrom', 'gr.valid_to as validTo'])
    .where('gr.account_id', 'in', accountIds)
    .where('gr.kind', '=', 'function')
    .where('gr.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('gr.valid_to', 'is', null), eb('gr.valid_to', '>', now)]))
    .execute();
}

/** The application's account ids after `afterId`, in id order, for walking them in batches. */
export async function listApplicationAccountIds(db: Executor, applicationId: string, afterId: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom('accounts').select('id').where('application_id', '=', applicationId);
  if (afterId) q = q.where('id', '>', afterId);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
}
