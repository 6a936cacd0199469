import type { Executor } from '../../db/database.ts';
import { activeStage } from './requests.repo.ts';

/** A request waiting in an inbox, with what a list of them shows. */
export interface WaitingRow {
  requestId: string;
  riskLevel: 'low' | 'medium' | 'high';
  stageId: string;
  stageName: string;
  dueAt: string | null;
  /** The stage's approvers, as JSON text. */
  approverIds: string;
  subjectWorkerId: string;
  subjectName: string;
  subjectLoginId: string;
}

/**
 * Pending requests whose active stage waits for one of the seats (the worker's own, or those of
 * workers they deputise for today) and that seat has not decided yet; requests the worker made
 * or is the subject of are left out. By request id, after `afterId`.
 */
export async function listWaiting(db: Executor, query: { workerId: string; agencyId: string; seats: string[]; afterId?: string | undefined; limit: number }): Promise<WaitingRow[]> {
  if (query.seats.length === 0) return [];
  let q = db
    .selectFrom('request_stages as s')
    .innerJoin('access_requests as r', 'r.id', 's.request_id')
    .innerJoin('workers as w', 'w.id', 'r.subject_worker_id')
    .select(['r.id as requestId', 'r.risk_level as riskLevel', 's.id as stageId', 's.name as stageName', 's.due_at as dueAt', 's.approver_ids as approverIds'])
    .select(['r.subject_worker_id as subjectWorkerId', 'w.first_name as firstName', 'w.last_name as lastName', 'w.login_id as subjectLoginId'])
    .where('s.status', '=', activeStage)
    .where('r.status', '=', 'pending')
    .where('r.agency_id', '=', query.agencyId)
    .where('r.subject_worker_id', '!=', query.workerId)
    .where((eb) => eb.or([eb('r.requester_worker_id', 'is', null), eb('r.requester_worker_id', '!=', query.workerId)]))
    .where((eb) =>
      eb.or(
        // Worker ids are checked UUIDs, so they hold no LIKE wildcard.
        query.seats.map((seat) =>
          eb.and([
            eb('s.approver_ids', 'like', `%"${seat}"%`),
            eb.not(eb.exists(eb.selectFrom('request_decisions as d').select('d.id').whereRef('d.stage_id', '=', 's.id').where('d.approver_worker_id', '=', seat))),
          ]),
        ),
      ),
    );
  if (query.afterId) q = q.where('r.id', '>', query.afterId);
  const rows = await q.orderBy('r.id').limit(query.limit).execute();
  return rows.map(({ firstName, lastName, ...row }) => ({ ...row, subjectName: `${firstName} ${lastName}` }));
}

/** Who has decided on each of the stages, by stage id. */
export async function listStageDeciders(db: Executor, stageIds: string[]): Promise<Map<string, Set<string>>> {
  const deciders = new Map<string, Set<string>>();
  if (stageIds.length === 0) return deciders;
  const rows = await db.selectFrom('request_decisions').select(['stage_id', 'approver_worker_id']).where('stage_id', 'in', stageIds).execute();
  for (const row of rows) deciders.set(row.stage_id, (deciders.get(row.stage_id) ?? new Set()).add(row.approver_worker_id));
  return deciders;
}

export interface HeldGrant {
  grantId: string;
  kind: 'function' | 'unit_hierarchy';
  functionId: string | null;
  code: string | null;
  unitId: string | null;
  validTo: string | null;
}

/** The account's live grants, with function codes. */
export async function listHeldGrants(db: Executor, accountId: string, at: string): Promise<HeldGrant[]> {
  return db
    .selectFrom('grants as g')
    .leftJoin('business_functions as f', 'f.id', 'g.function_id')
    .select(['g.id as grantId', 'g.kind', 'g.function_id as functionId', 'f.code', 'g.unit_id as unitId', 'g.valid_to as validTo'])
    .where('g.account_id', '=', accountId)
    .where('g.valid_from', '<=', at)
    .where((eb) => eb.or([eb('g.valid_to', 'is', null), eb('g.valid_to', '>', at)]))
    .where('g.revoked_at', 'is', null)
    .orderBy('g.id')
    .execute();
}

export async function findAccountPlacement(db: Executor, accountId: string): Promise<{ unitId: string; status: string } | undefined> {
  return db.selectFrom('accounts').select(['unit_id as unitId', 'status']).where('id', '=', accountId).executeTakeFirst();
}

/** Who a request is about, as an approver needs to recognise them. */
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

/** The code and name of each function and unit, by id. */
export async function findLabels(db: Executor, functionIds: string[], unitIds: string[]): Promise<Map<string, { code: string; name: string }>> {
  const labels = new Map<string, { code: string; name: string }>();
  if (functionIds.length > 0) {
    for (const f of await db.selectFrom('business_functions').select(['id', 'code', 'name']).where('id', 'in', [...new Set(functionIds)]).execute()) labels.set(f.id, { code: f.code, name: f.name });
  }
  if (unitIds.length > 0) {
    for (const u of await db.selectFrom('units').select(['id', 'code', 'name']).where('id', 'in', [...new Set(unitIds)]).execute()) labels.set(u.id, { code: u.code, name: u.name });
  }
  return labels;
}
