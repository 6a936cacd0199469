import { type Updateable, sql } from 'kysely';
import { bulkInsert } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/database.ts';
import { patchShape, prepareByShape, prepareListQuery, prepareQuery } from '../../db/prepared-query.ts';
import type { AccessRequestsTable, AcknowledgmentRemindersTable, RequestDecisionsTable, RequestItemsTable, RequestStagesTable, RequestStatus, StageStatus } from '../../db/schema.ts';
import type { Acknowledgment, Decision, RequestHeader, RequestItem, Stage } from './requests.schemas.ts';

/** A request row as the domain reads it. */
export function toHeader(row: AccessRequestsTable): RequestHeader {
  return {
    id: row.id, agencyId: row.agency_id, applicationId: row.application_id, accountId: row.account_id, subjectWorkerId: row.subject_worker_id,
    requesterPrincipalId: row.requester_principal_id, requesterWorkerId: row.requester_worker_id, assessmentId: row.assessment_id,
    justification: row.justification, status: row.status, riskLevel: row.risk_level, policyVersion: row.policy_version,
    sodConflicts: JSON.parse(row.sod_conflicts) as RequestHeader['sodConflicts'], failure: row.failure, version: row.version,
    createdAt: row.created_at, updatedAt: row.updated_at, submittedAt: row.submitted_at, closedAt: row.closed_at,
  };
}

/** A request item row as the domain reads it. */
export function toItem(row: RequestItemsTable): RequestItem {
  return {
    id: row.id, action: row.action, kind: row.kind, functionId: row.function_id, unitId: row.unit_id, grantId: row.grant_id,
    validFrom: row.valid_from, validTo: row.valid_to, beyondTemplate: row.beyond_template === 1, justification: row.justification,
  };
}

export function toDecision(row: RequestDecisionsTable): Decision {
  return {
    id: row.id, approverWorkerId: row.approver_worker_id, decidedByWorkerId: row.decided_by_worker_id, principalId: row.principal_id,
    decision: row.decision, comment: row.comment, decidedAt: row.decided_at,
  };
}

export async function insertRequest(db: Executor, row: AccessRequestsTable, items: RequestItemsTable[]): Promise<void> {
  await bulkInsert(db, 'access_requests', [row]);
  await bulkInsert(db, 'request_items', items);
}

// Every create and decision reads the request, its items and its stages again: prepared once.
const requestById = prepareQuery((db, p: { id: string }) => db.selectFrom('access_requests').selectAll().where('id', '=', p.id));
const itemsOfRequest = prepareQuery((db, p: { requestId: string }) => db.selectFrom('request_items').selectAll().where('request_id', '=', p.requestId).orderBy('position'));
const stagesOfRequest = prepareQuery((db, p: { requestId: string }) => db.selectFrom('request_stages').selectAll().where('request_id', '=', p.requestId).orderBy('position'));
const decisionsOfRequest = prepareQuery((db, p: { requestId: string }) => db.selectFrom('request_decisions').selectAll().where('request_id', '=', p.requestId).orderBy('decided_at').orderBy('id'));

export async function findRequest(db: Executor, id: string): Promise<RequestHeader | undefined> {
  const [row] = (await requestById(db, { id })).rows;
  return row && toHeader(row);
}

export async function listItems(db: Executor, requestId: string): Promise<RequestItem[]> {
  return (await itemsOfRequest(db, { requestId })).rows.map(toItem);
}

/** Decisions in the order a stage lists them: by time, then id, as the query orders them. */
export function inDecisionOrder(decisions: Decision[]): Decision[] {
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return decisions.sort((a, b) => byText(a.decidedAt, b.decidedAt) || byText(a.id, b.id));
}

/** A stage row as the domain reads it, with its decisions. */
export function toStage(row: RequestStagesTable, decisions: Decision[]): Stage {
  return {
    id: row.id, position: row.position, name: row.name, quorum: row.quorum, status: row.status, approverIds: JSON.parse(row.approver_ids) as string[],
    escalated: row.escalated === 1, activatedAt: row.activated_at, dueAt: row.due_at, closedAt: row.closed_at, decisions,
  };
}

export async function listStages(db: Executor, requestId: string): Promise<Stage[]> {
  const rows = (await stagesOfRequest(db, { requestId })).rows;
  const decisions = (await decisionsOfRequest(db, { requestId })).rows;
  return rows.map((row) => toStage(row, decisions.filter((d) => d.stage_id === row.id).map(toDecision)));
}

/** The stored deadline of a stage, as JSON text. */
const stageDeadline = prepareQuery((db, p: { stageId: string }) => db.selectFrom('request_stages').select('deadline').where('id', '=', p.stageId));

export async function findStageDeadline(db: Executor, stageId: string): Promise<string> {
  const [row] = (await stageDeadline(db, { stageId })).rows;
  if (!row) throw new Error(`No request stage ${stageId}`);
  return row.deadline;
}

/**
 * Moves the request to its next version if it is still at `expectedVersion`. Every workflow step
 * starts with this write, so on PostgreSQL a concurrent step waits for the first and then finds
 * the version gone; false when someone else changed the request first.
 */
type RequestPatch = Updateable<AccessRequestsTable>;
const requestUpdate = prepareByShape((db, p: RequestPatch & { id: string; expectedVersion: number }, columns) =>
  db
    .updateTable('access_requests')
    .set(Object.fromEntries(columns.map((column) => [column, p[column as keyof RequestPatch]])) as RequestPatch)
    .where('id', '=', p.id)
    .where('version', '=', p.expectedVersion),
);

export async function advanceRequest(db: Executor, id: string, expectedVersion: number, patch: RequestPatch): Promise<boolean> {
  const changes = { ...patch, version: expectedVersion + 1 };
  const result = await requestUpdate(db, { ...changes, id, expectedVersion }, patchShape(changes));
  return (result.numAffectedRows ?? 0n) > 0n;
}

export async function insertStages(db: Executor, rows: RequestStagesTable[]): Promise<void> {
  await bulkInsert(db, 'request_stages', rows);
}

type StagePatch = Updateable<RequestStagesTable>;
const stageUpdate = prepareByShape((db, p: StagePatch & { stageId: string }, columns) =>
  db
    .updateTable('request_stages')
    .set(Object.fromEntries(columns.map((column) => [column, p[column as keyof StagePatch]])) as StagePatch)
    .where('id', '=', p.stageId),
);

export async function updateStage(db: Executor, id: string, patch: StagePatch): Promise<void> {
  await stageUpdate(db, { ...patch, stageId: id }, patchShape(patch));
}

/** Closes every stage of the request still waiting or active. */
export async function closeOpenStages(db: Executor, requestId: string, status: StageStatus, at: string): Promise<void> {
  await db.updateTable('request_stages').set({ status, closed_at: at }).where('request_id', '=', requestId).where('status', 'in', ['waiting', 'active']).execute();
}

export async function insertDecision(db: Executor, row: RequestDecisionsTable): Promise<void> {
  await bulkInsert(db, 'request_decisions', [row]);
}

/** Written into the SQL, not bound: the deadline and reminder indexes hold active stages only (migration 0012), and a query uses them only when it says so literally. */
export const activeStage = sql.lit<'active'>('active');

/** Active stages whose deadline has passed, oldest first. */
export async function listOverdueStages(db: Executor, at: string, limit: number): Promise<{ stageId: string; requestId: string }[]> {
  return db
    .selectFrom('request_stages')
    .select(['id as stageId', 'request_id as requestId'])
    .where('status', '=', activeStage)
    .where('due_at', '<=', at)
    .orderBy('due_at')
    .limit(limit)
    .execute();
}

/** An agency's requests, or one worker's of it, newest first. */
export async function listRequests(db: Executor, filter: { agencyId: string; subjectWorkerId?: string | undefined; status?: RequestStatus | undefined; beforeId?: string | undefined; limit: number }): Promise<RequestHeader[]> {
  let q = db.selectFrom('access_requests').selectAll().where('agency_id', '=', filter.agencyId);
  if (filter.subjectWorkerId) q = q.where('subject_worker_id', '=', filter.subjectWorkerId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(toHeader);
}

/** Draft and pending requests about the worker, oldest first. */
export async function listOpenRequestsAbout(db: Executor, workerId: string): Promise<RequestHeader[]> {
  const rows = await db.selectFrom('access_requests').selectAll().where('subject_worker_id', '=', workerId).where('status', 'in', ['draft', 'pending']).orderBy('id').limit(500).execute();
  return rows.map(toHeader);
}

export interface SubjectWorker {
  id: string;
  agencyId: string;
  unitId: string;
  jobType: string;
}

const subjectWorker = prepareQuery((db, p: { id: string }) => db.selectFrom('workers').select(['id', 'agency_id as agencyId', 'unit_id as unitId', 'job_type as jobType']).where('id', '=', p.id));

export async function findSubjectWorker(db: Executor, id: string): Promise<SubjectWorker | undefined> {
  return (await subjectWorker(db, { id })).rows[0];
}

const functionsById = prepareListQuery((db, ids) => db.selectFrom('business_functions').select(['id', 'code', 'application_id as applicationId', 'risk_level as riskLevel']).where('id', 'in', ids as string[]));

export async function findFunctionsById(db: Executor, ids: string[]): Promise<{ id: string; code: string; applicationId: string; riskLevel: 'low' | 'medium' | 'high' }[]> {
  return functionsById(db, [...new Set(ids)], {});
}

export interface LiveGrant {
  id: string;
  kind: 'function' | 'unit_hierarchy';
  functionId: string | null;
  unitId: string | null;
}

const liveAccountGrants = prepareQuery((db, p: { accountId: string; at: string }) =>
  db
    .selectFrom('grants')
    .select(['id', 'kind', 'function_id as functionId', 'unit_id as unitId'])
    .where('account_id', '=', p.accountId)
    .where('valid_from', '<=', p.at)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', p.at)]))
    .where('revoked_at', 'is', null),
);

/** Live grants of an account. */
export async function listLiveAccountGrants(db: Executor, accountId: string, at: string): Promise<LiveGrant[]> {
  return (await liveAccountGrants(db, { accountId, at })).rows;
}

export async function insertAcknowledgment(db: Executor, row: { id: string; agency_id: string; worker_id: string; agreement_version: string; principal_id: string; acknowledged_at: string }): Promise<void> {
  await db.insertInto('acknowledgments').values(row).execute();
}

const acknowledgmentsOf = prepareQuery((db, p: { workerId: string }) => db.selectFrom('acknowledgments').selectAll().where('worker_id', '=', p.workerId).orderBy('acknowledged_at').limit(100));

export async function listAcknowledgments(db: Executor, workerId: string): Promise<Acknowledgment[]> {
  const rows = (await acknowledgmentsOf(db, { workerId })).rows;
  return rows.map((r) => ({ id: r.id, workerId: r.worker_id, agreementVersion: r.agreement_version, principalId: r.principal_id, acknowledgedAt: r.acknowledged_at }));
}

/** Schedules the worker's next reminder to acknowledge the agreement version (replacing any earlier one). */
export async function scheduleAcknowledgmentReminder(db: Executor, row: AcknowledgmentRemindersTable): Promise<void> {
  await db
    .insertInto('acknowledgment_reminders')
    .values(row)
    .onConflict((oc) => oc.column('worker_id').doUpdateSet({ agency_id: row.agency_id, agreement_version: row.agreement_version, next_reminder_at: row.next_reminder_at }))
    .execute();
}

/** The worker owes no acknowledgment any more. */
export async function dropAcknowledgmentReminder(db: Executor, workerId: string): Promise<void> {
  await db.deleteFrom('acknowledgment_reminders').where('worker_id', '=', workerId).execute();
}

/** Acknowledgment reminders due at `at`, oldest first. */
export async function listDueAcknowledgmentReminders(db: Executor, at: string, limit: number): Promise<{ workerId: string; nextReminderAt: string }[]> {
  return db
    .selectFrom('acknowledgment_reminders')
    .select(['worker_id as workerId', 'next_reminder_at as nextReminderAt'])
    .where('next_reminder_at', '<=', at)
    .orderBy('next_reminder_at')
    .orderBy('worker_id')
    .limit(limit)
    .execute();
}

/** Moves the worker's reminder from `expected` to `next`; false when another node already did. */
export async function moveAcknowledgmentReminder(db: Executor, workerId: string, expected: string, next: string): Promise<boolean> {
  const result = await db.updateTable('acknowledgment_reminders').set({ next_reminder_at: next }).where('worker_id', '=', workerId).where('next_reminder_at', '=', expected).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

const acknowledgmentOf = prepareQuery((db, p: { workerId: string; agreementVersion: string }) =>
  db.selectFrom('acknowledgments').select('id').where('worker_id', '=', p.workerId).where('agreement_version', '=', p.agreementVersion),
);

/** Whether the worker has acknowledged that version of the agreement. */
export async function hasAcknowledged(db: Executor, workerId: string, agreementVersion: string): Promise<boolean> {
  return (await acknowledgmentOf(db, { workerId, agreementVersion })).rows.length > 0;
}

export async function countProvisionedRequests(db: Executor, workerId: string): Promise<number> {
  const row = await db
    .selectFrom('access_requests')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('subject_worker_id', '=', workerId)
    .where('status', '=', 'provisioned')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Active stages whose next reminder is due, oldest first. */
export async function listStagesDueReminder(db: Executor, at: string, limit: number): Promise<{ stageId: string; requestId: string; nextReminderAt: string }[]> {
  const rows = await db
    .selectFrom('request_stages')
    .select(['id', 'request_id', 'next_reminder_at'])
    .where('status', '=', activeStage)
    .where('next_reminder_at', '<=', at)
    .orderBy('next_reminder_at')
    .limit(limit)
    .execute();
  return rows.flatMap((r) => (r.next_reminder_at === null ? [] : [{ stageId: r.id, requestId: r.request_id, nextReminderAt: r.next_reminder_at }]));
}

/** Moves the stage's reminder from `expected` to `next`; false when another node already did. */
export async function moveReminder(db: Executor, stageId: string, expected: string, next: string | null): Promise<boolean> {
  const result = await db.updateTable('request_stages').set({ next_reminder_at: next }).where('id', '=', stageId).where('next_reminder_at', '=', expected).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
