import type { Executor } from '../../db/database.ts';
import type { RequestStatus } from '../../db/schema.ts';

export interface InboxRow {
  requestId: string;
  agencyId: string;
  subjectWorkerId: string;
  subjectName: string;
  subjectLoginId: string;
  riskLevel: 'low' | 'medium' | 'high';
  submittedAt: string | null;
  stageName: string;
  dueAt: string | null;
  approverIds: string;
}

/**
 * Pending requests whose active stage names one of the approvers (as JSON text); the active
 * stages are few and indexed by status, so this stays small however many workers there are.
 */
export async function listActiveStagesFor(db: Executor, query: { approverIds: string[]; agencyIds: 'all' | string[]; afterRequestId?: string | undefined; limit: number }): Promise<InboxRow[]> {
  if (query.approverIds.length === 0 || (query.agencyIds !== 'all' && query.agencyIds.length === 0)) return [];
  let q = db
    .selectFrom('request_stages as s')
    .innerJoin('access_requests as r', 'r.id', 's.request_id')
    .innerJoin('workers as w', 'w.id', 'r.subject_worker_id')
    .select([
      'r.id as requestId', 'r.agency_id as agencyId', 'r.subject_worker_id as subjectWorkerId', 'w.login_id as subjectLoginId', 'r.risk_level as riskLevel',
      'r.submitted_at as submittedAt', 's.name as stageName', 's.due_at as dueAt', 's.approver_ids as approverIds',
    ])
    .select(['w.first_name as firstName', 'w.last_name as lastName'])
    .where('s.status', '=', 'active')
    .where('r.status', '=', 'pending')
    .where((eb) => eb.or(query.approverIds.map((id) => eb('s.approver_ids', 'like', `%"${id}"%`))));
  if (query.agencyIds !== 'all') q = q.where('r.agency_id', 'in', query.agencyIds);
  if (query.afterRequestId) q = q.where('r.id', '>', query.afterRequestId);
  const rows = await q.orderBy('r.id').limit(query.limit).execute();
  return rows.map(({ firstName, lastName, ...row }) => ({ ...row, subjectName: `${firstName} ${lastName}` }));
}

/** Every approver named on any stage of the request, and who decided. */
export async function listStageApprovers(db: Executor, requestId: string): Promise<string[]> {
  const rows = await db.selectFrom('request_stages').select('approver_ids').where('request_id', '=', requestId).execute();
  return rows.flatMap((r) => JSON.parse(r.approver_ids) as string[]);
}

export interface SubjectSummary {
  id: string;
  agencyId: string;
  name: string;
  loginId: string;
  jobType: string;
  unitCode: string;
  unitName: string;
}

export async function findSubjectSummary(db: Executor, workerId: string): Promise<SubjectSummary | undefined> {
  const row = await db
    .selectFrom('workers as w')
    .innerJoin('units as u', 'u.id', 'w.unit_id')
    .select(['w.id', 'w.agency_id as agencyId', 'w.first_name as firstName', 'w.last_name as lastName', 'w.login_id as loginId', 'w.job_type as jobType', 'u.code as unitCode', 'u.name as unitName'])
    .where('w.id', '=', workerId)
    .executeTakeFirst();
  return row && { id: row.id, agencyId: row.agencyId, name: `${row.firstName} ${row.lastName}`, loginId: row.loginId, jobType: row.jobType, unitCode: row.unitCode, unitName: row.unitName };
}

/** The functions an account holds now, by code. */
export async function listLiveFunctions(db: Executor, accountId: string, at: string): Promise<{ functionId: string; code: string; name: string }[]> {
  return db
    .selectFrom('grants as g')
    .innerJoin('business_functions as f', 'f.id', 'g.function_id')
    .select(['f.id as functionId', 'f.code', 'f.name'])
    .where('g.account_id', '=', accountId)
    .where('g.kind', '=', 'function')
    .where('g.revoked_at', 'is', null)
    .where('g.valid_from', '<=', at)
    .where((eb) => eb.or([eb('g.valid_to', 'is', null), eb('g.valid_to', '>', at)]))
    .orderBy('f.code')
    .execute();
}

export async function findNames(db: Executor, functionIds: string[], unitIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (functionIds.length > 0) {
    for (const f of await db.selectFrom('business_functions').select(['id', 'code']).where('id', 'in', functionIds).execute()) names.set(f.id, f.code);
  }
  if (unitIds.length > 0) {
    for (const u of await db.selectFrom('units').select(['id', 'code', 'name']).where('id', 'in', unitIds).execute()) names.set(u.id, `${u.code} ${u.name}`);
  }
  return names;
}

export interface RequestAbout {
  id: string;
  subjectWorkerId: string;
  status: RequestStatus;
  justification: string;
  riskLevel: 'low' | 'medium' | 'high';
  submittedAt: string | null;
  closedAt: string | null;
}

/** Requests about one worker, newest first. */
export async function listRequestsAbout(db: Executor, query: { workerId: string; status?: RequestStatus | undefined; beforeId?: string | undefined; limit: number }): Promise<RequestAbout[]> {
  let q = db
    .selectFrom('access_requests')
    .select(['id', 'subject_worker_id as subjectWorkerId', 'status', 'justification', 'risk_level as riskLevel', 'submitted_at as submittedAt', 'closed_at as closedAt'])
    .where('subject_worker_id', '=', query.workerId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.beforeId) q = q.where('id', '<', query.beforeId);
  return q.orderBy('id', 'desc').limit(query.limit).execute();
}
