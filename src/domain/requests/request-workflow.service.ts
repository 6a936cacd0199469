import type { Database, Executor } from '../../db/database.ts';
import type { RequestDecisionsTable, RequestStatus, RequestStagesTable } from '../../db/schema.ts';
import { runEachInTransaction } from '../../db/run-each.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { StageDefinition } from '../approvals/approvals.schemas.ts';
import { conflictsWithin, type ApprovalService } from '../approvals/approvals.service.ts';
import { findDelegatorsOn } from '../approvals/approvals.repo.ts';
import { type RoutingContext, computeDue, resolveApprovers } from '../approvals/approver-resolution.ts';
import type { AuditEntry, AuditLog } from '../audit/audit.service.ts';
import { type RequestContext, systemContext } from '../auth/actor.ts';
import { type Permission, authorize } from '../auth/permissions.ts';
import type { GrantService } from '../grants/grants.service.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { nextAcknowledgmentReminderAt, nextReminderAt } from '../notifications/reminder-schedule.ts';
import { accessAgreement } from './acknowledgments.service.ts';
import { mayReadRequest } from './request-readers.ts';
import * as repo from './requests.repo.ts';
import type { AccessRequest, DecideInput, RequestHeader, RequestItem, Stage } from './requests.schemas.ts';

/** A request its reader may read, with its stages and the approver seats the reader fills today. */
export interface ReadableRequest {
  header: RequestHeader;
  stages: Stage[];
  /** The reader's own worker id and the approvers who named them deputy for today (none for a sign-in that is not a worker); read once, when first asked. */
  seatsToday: () => Promise<string[]>;
}

/** Raised when approved changes cannot be applied; the request is then recorded as failed. */
class ProvisioningFailure extends Error {}

const sodStage: StageDefinition = { name: 'Separation of duties review', approvers: [{ kind: 'security_coordinators' }], quorum: 'any', deadline: { businessDays: 3 } };

function routingOf(header: RequestHeader, items: RequestItem[], workerUnitId: string): RoutingContext {
  const placement = items.find((i) => i.action === 'add' && i.kind === 'unit_placement');
  return {
    agencyId: header.agencyId,
    subjectWorkerId: header.subjectWorkerId,
    requesterWorkerId: header.requesterWorkerId,
    unitId: placement?.unitId ?? workerUnitId,
    functionIds: items.flatMap((i) => (i.action === 'add' && i.kind === 'function' && i.functionId ? [i.functionId] : [])),
  };
}

/**
 * Runs in the approving transaction after a request's items are applied (e.g. an exception the
 * request decides takes effect); an AppError it throws records the request as failed instead.
 */
export type ProvisionedHook = (trx: Executor, ctx: RequestContext, header: RequestHeader) => Promise<void>;

export type RequestWorkflow = ReturnType<typeof createRequestWorkflow>;

export function createRequestWorkflow(deps: {
  db: Database; clock: Clock; audit: AuditLog; approvals: ApprovalService; grants: GrantService; accounts: AccountService; notifier: Notifier; onProvisioned?: ProvisionedHook[];
}) {
  async function requireRequest(db: Executor, ctx: RequestContext, id: string, permission: Permission): Promise<RequestHeader> {
    const header = isId(id) ? await repo.findRequest(db, id) : undefined;
    if (!header) throw new AppError('request.not_found', 'No access request with that id.');
    authorize(ctx.actor, permission, header.agencyId, 'request.not_found', 'access request');
    return header;
  }

  /** The approver seats the worker fills on the agency's calendar day: their own, and those of approvers who named them deputy for it. */
  async function seatsOf(db: Executor, agencyId: string, workerId: string): Promise<string[]> {
    const agency = await findAgency(db, agencyId);
    return [workerId, ...(await findDelegatorsOn(db, workerId, calendarDateAt(deps.clock.now(), agency?.timeZone ?? 'UTC')))];
  }

  /** The request with its stages, for whoever `mayReadRequest` lets read it; anyone else is told it does not exist. */
  async function requireReadable(db: Executor, ctx: RequestContext, id: string, permission: Permission = 'requests.read_own'): Promise<ReadableRequest> {
    const header = await requireRequest(db, ctx, id, permission);
    const stages = await repo.listStages(db, header.id);
    const me = ctx.actor.workerId;
    let seats: Promise<string[]> | undefined;
    const seatsToday = () => (seats ??= me === null ? Promise.resolve([]) : seatsOf(db, header.agencyId, me));
    if (!(await mayReadRequest(ctx.actor, header, stages, seatsToday))) throw new AppError('request.not_found', 'No access request with that id.');
    return { header, stages, seatsToday };
  }

  /** Where the request routes: the unit it places the worker in, else the worker's own unit (read only then). */
  async function routingFor(trx: Executor, header: RequestHeader, items: RequestItem[]): Promise<RoutingContext> {
    if (items.some((i) => i.action === 'add' && i.kind === 'unit_placement')) return routingOf(header, items, '');
    const worker = await repo.findSubjectWorker(trx, header.subjectWorkerId);
    assertThat(worker, 'worker.not_found', 'The worker this request is about no longer exists.');
    return routingOf(header, items, worker.unitId);
  }

  /** The function set the account would hold once the request is applied. */
  async function functionsAfter(trx: Executor, header: RequestHeader, items: RequestItem[]): Promise<string[]> {
    const live = await repo.listLiveAccountGrants(trx, header.accountId, deps.clock.now().toISOString());
    const removed = new Set(items.filter((i) => i.action === 'remove').map((i) => i.grantId));
    const kept = live.filter((g) => g.kind === 'function' && !removed.has(g.id)).map((g) => g.functionId as string);
    return [...kept, ...routingOf(header, items, '').functionIds];
  }

  /** The SoD rules the request would break, for the request's record. */
  async function sodConflictsOf(trx: Executor, header: RequestHeader, items: RequestItem[]) {
    const rules = await deps.approvals.sodRulesOf(trx, header.agencyId);
    if (rules.length === 0) return [];
    return conflictsWithin(rules, await functionsAfter(trx, header, items)).map((r) => ({ ruleId: r.id, description: r.description }));
  }

  /**
   * Routes a draft through the policy in force: stages and their approvers are fixed now, so the
   * request is decided under this policy version whatever changes later.
   */
  async function submitInTransaction(trx: Executor, ctx: RequestContext, header: RequestHeader, items: RequestItem[]): Promise<{ header: RequestHeader; stages: Stage[] }> {
    const policy = await deps.approvals.policyInForce(trx, header.agencyId);
    const conflicts = await sodConflictsOf(trx, header, items);
    if (conflicts.length > 0 && policy.definition.sodMode === 'refuse') {
      throw new AppError('request.sod_conflict', `The worker would hold incompatible functions: ${conflicts.map((c) => c.description).join('; ')}. Remove one of the functions from the request.`, { conflicts });
    }
    const definitions = [...policy.definition[header.riskLevel], ...(conflicts.length > 0 ? [sodStage] : [])];
    const route = await routingFor(trx, header, items);
    const now = deps.clock.now();
    const stages: RequestStagesTable[] = [];
    for (const [position, definition] of definitions.entries()) {
      let approvers = await resolveApprovers(trx, route, definition.approvers);
      const escalated = approvers.length === 0;
      if (escalated) approvers = await resolveApprovers(trx, route, policy.definition.fallback);
      assertThat(approvers.length > 0, 'approval.no_approver', `Nobody may decide stage "${definition.name}": its approvers and the fallback are the requester, the worker, or unknown. Link an approver's principal to a worker or change the policy.`);
      const first = position === 0;
      const due = computeDue(now, definition.deadline);
      stages.push({
        id: newId(), request_id: header.id, position, name: definition.name, quorum: definition.quorum, deadline: JSON.stringify(definition.deadline),
        approver_ids: JSON.stringify(approvers), status: first ? 'active' : 'waiting', escalated: escalated ? 1 : 0,
        activated_at: first ? now.toISOString() : null, due_at: first ? due.toISOString() : null, closed_at: null, next_reminder_at: first ? nextReminderAt(now, due) : null,
      });
    }
    const at = now.toISOString();
    const moved = await repo.advanceRequest(trx, header.id, header.version, { status: 'pending', policy_version: policy.version, sod_conflicts: JSON.stringify(conflicts), submitted_at: at, updated_at: at });
    assertThat(moved, 'conflict.version', 'The request changed while you were submitting it; reload it and try again.');
    await repo.insertStages(trx, stages);
    const [first] = stages;
    if (first) await deps.notifier.notifyAboutRequest(trx, 'approval_needed', header, JSON.parse(first.approver_ids) as string[], { stageName: first.name, dueAt: first.due_at });
    await deps.audit.record(trx, ctx, [
      {
        action: 'request.submitted', subjectType: 'access_request', subjectId: header.id, agencyId: header.agencyId, before: { status: header.status },
        after: { status: 'pending', policyVersion: policy.version, riskLevel: header.riskLevel, sodConflicts: conflicts, stages: stages.map((s) => ({ name: s.name, approverIds: JSON.parse(s.approver_ids) as string[], escalated: s.escalated === 1 })) },
      },
    ]);
    return {
      header: { ...header, status: 'pending', policyVersion: policy.version, sodConflicts: conflicts, submittedAt: at, updatedAt: at, version: header.version + 1 },
      stages: stages.map((row) => repo.toStage(row, [])),
    };
  }

  /** The approver seat the actor fills on the stage: their own, or an absent approver's as deputy. */
  async function seatFor(readable: ReadableRequest, stage: Stage, workerId: string): Promise<string> {
    const decided = new Set(stage.decisions.map((d) => d.approverWorkerId));
    if (stage.approverIds.includes(workerId)) {
      assertThat(!decided.has(workerId), 'approval.already_decided', `You already decided stage "${stage.name}" of this request.`);
      return workerId;
    }
    const seats = await readable.seatsToday();
    const seat = stage.approverIds.find((id) => seats.includes(id) && !decided.has(id));
    if (seat) return seat;
    const passed = readable.stages.find((s) => s.position < stage.position && s.approverIds.includes(workerId));
    assertThat(!passed, 'approval.already_decided', `Stage "${passed?.name}" was already decided by another approver; the request has moved on to stage "${stage.name}". Reload it to see the outcome.`);
    throw new AppError('approval.not_approver', `You are not an approver of the current stage "${stage.name}" of this request, nor a deputy of one today.`);
  }

  async function apply(trx: Executor, ctx: RequestContext, header: RequestHeader, items: RequestItem[]): Promise<void> {
    const reason = `Access request ${header.id} approved`;
    try {
      for (const item of items) {
        if (item.action === 'remove') await deps.grants.revokeInTransaction(trx, ctx, item.grantId as string, reason);
        else if (item.kind === 'unit_placement') await deps.accounts.moveInTransaction(trx, ctx, header.accountId, item.unitId as string, reason);
        else {
          await deps.grants.grantInTransaction(trx, ctx, {
            accountId: header.accountId, kind: item.kind, functionId: item.functionId, unitId: item.unitId, provenanceKind: 'request', provenanceId: header.id,
            validFrom: item.validFrom, validTo: item.validTo, reason,
          });
        }
      }
      for (const hook of deps.onProvisioned ?? []) await hook(trx, ctx, header);
    } catch (error) {
      if (error instanceof AppError) throw new ProvisioningFailure(error.message);
      throw error;
    }
  }

  /** Records the decision and answers the request as the transaction leaves it. */
  async function decideInTransaction(trx: Executor, ctx: RequestContext, id: string, input: DecideInput, failure: string | null): Promise<AccessRequest> {
    // Someone who may not read the request learns nothing of it from a decision either: not its state, its stages or its approvers.
    const readable = await requireReadable(trx, ctx, id, 'requests.decide');
    const { header, stages } = readable;
    if (input.version !== undefined) {
      assertThat(input.version === header.version, 'conflict.version', `The request is at version ${header.version}, not ${input.version}: someone decided or changed it. Reload it and decide again.`);
    }
    assertThat(header.status === 'pending', 'request.not_pending', `This request is ${header.status}; only a pending request can be decided. Reload it to see how it was decided.`);
    const actor = ctx.actor.workerId;
    assertThat(actor, 'approval.not_approver', 'Your sign-in is not linked to a worker, so it cannot approve; approvers decide as themselves.');
    assertThat(actor !== header.requesterWorkerId, 'approval.self_decision', 'You made this request; nobody decides on their own request. It waits for its other approvers.');
    assertThat(actor !== header.subjectWorkerId, 'approval.self_decision', 'This request is about you; nobody decides on a request about themselves.');
    const stage = stages.find((s) => s.status === 'active');
    assertThat(stage, 'internal', 'The pending request has no active stage.');
    const seat = await seatFor(readable, stage, actor);

    const now = deps.clock.now();
    const at = now.toISOString();
    const approvals = new Set([...stage.decisions.filter((d) => d.decision === 'approve').map((d) => d.approverWorkerId), seat]);
    const stageDone = input.decision === 'deny' || stage.quorum === 'any' || stage.approverIds.every((a) => approvals.has(a));
    const next = stageDone && input.decision === 'approve' ? stages.find((s) => s.position > stage.position && s.status === 'waiting') : undefined;
    const finalApproval = stageDone && input.decision === 'approve' && !next;
    let status: RequestStatus = 'pending';
    if (input.decision === 'deny') status = 'denied';
    else if (finalApproval) status = failure === null ? 'provisioned' : 'failed';
    const closed = status === 'pending' ? {} : { closed_at: at };

    const won = await repo.advanceRequest(trx, id, header.version, { status, updated_at: at, failure, ...closed });
    assertThat(won, 'conflict.version', 'Another approver decided this request at the same moment; reload it to see the outcome.');
    const decision: RequestDecisionsTable = { id: newId(), request_id: id, stage_id: stage.id, approver_worker_id: seat, decided_by_worker_id: actor, principal_id: ctx.actor.principalId, decision: input.decision, comment: input.comment ?? null, decided_at: at };
    await refuseDuplicate(repo.insertDecision(trx, decision), 'approval.already_decided', `Stage "${stage.name}" already has a decision for that approver.`);
    // What each write below changes in a stage, for the answer.
    const stageChanges = new Map<string, Partial<Stage>>([[stage.id, { decisions: repo.inDecisionOrder([...stage.decisions, repo.toDecision(decision)]) }]]);
    const changeStage = (stageId: string, change: Partial<Stage>) => stageChanges.set(stageId, { ...stageChanges.get(stageId), ...change });
    const events: AuditEntry[] = [
      {
        action: `request.${input.decision === 'approve' ? 'approval' : 'denial'}_recorded`, subjectType: 'access_request', subjectId: id, agencyId: header.agencyId, reason: input.comment ?? null,
        after: { stage: stage.name, approverWorkerId: seat, decidedByWorkerId: actor, ...(seat === actor ? {} : { asDeputyOf: seat }) },
      },
    ];
    if (stageDone) {
      const stageStatus = input.decision === 'deny' ? 'denied' : 'approved';
      await repo.updateStage(trx, stage.id, { status: stageStatus, closed_at: at });
      changeStage(stage.id, { status: stageStatus, closedAt: at });
    }
    if (input.decision === 'deny') {
      await repo.closeOpenStages(trx, id, 'cancelled', at);
      for (const open of stages.filter((s) => s.id !== stage.id && (s.status === 'waiting' || s.status === 'active'))) changeStage(open.id, { status: 'cancelled', closedAt: at });
    }
    if (next) {
      const deadline = JSON.parse(await repo.findStageDeadline(trx, next.id)) as StageDefinition['deadline'];
      const due = computeDue(now, deadline);
      const dueAt = due.toISOString();
      await repo.updateStage(trx, next.id, { status: 'active', activated_at: at, due_at: dueAt, next_reminder_at: nextReminderAt(now, due) });
      changeStage(next.id, { status: 'active', activatedAt: at, dueAt });
      await deps.notifier.notifyAboutRequest(trx, 'approval_needed', header, next.approverIds, { stageName: next.name, dueAt });
    }
    if (status !== 'pending') events.push({ action: `request.${status === 'provisioned' ? 'approved' : status}`, subjectType: 'access_request', subjectId: id, agencyId: header.agencyId, reason: failure, after: { status } });
    await deps.audit.record(trx, ctx, events);
    const items = await repo.listItems(trx, id);
    if (status === 'provisioned') {
      await apply(trx, ctx, header, items);
      await deps.audit.record(trx, ctx, [{ action: 'request.provisioned', subjectType: 'access_request', subjectId: id, agencyId: header.agencyId, after: { status } }]);
      if (!(await repo.hasAcknowledged(trx, header.subjectWorkerId, accessAgreement.version))) {
        await deps.notifier.askForAcknowledgment(trx, header.subjectWorkerId, accessAgreement, false);
        await repo.scheduleAcknowledgmentReminder(trx, { worker_id: header.subjectWorkerId, agency_id: header.agencyId, agreement_version: accessAgreement.version, next_reminder_at: nextAcknowledgmentReminderAt(now) });
      }
    }
    if (status !== 'pending') await deps.notifier.notifyAboutRequest(trx, 'decision', header, [header.requesterWorkerId, header.subjectWorkerId], { outcome: status });
    return { ...header, status, updatedAt: at, failure, closedAt: status === 'pending' ? header.closedAt : at, version: header.version + 1, items, stages: stages.map((s) => ({ ...s, ...stageChanges.get(s.id) })) };
  }

  /**
   * One approver's decision on the current stage. The last approval applies the request in the
   * same transaction; if the changes cannot apply, the request is recorded as failed instead.
   */
  async function decide(ctx: RequestContext, id: string, input: DecideInput): Promise<AccessRequest> {
    try {
      return await deps.db.transaction().execute((trx) => decideInTransaction(trx, ctx, id, input, null));
    } catch (error) {
      if (!(error instanceof ProvisioningFailure)) throw error;
      return deps.db.transaction().execute((trx) => decideInTransaction(trx, ctx, id, input, error.message));
    }
  }

  /**
   * Works every overdue stage: the first time, it escalates to the policy's fallback approvers
   * with a fresh deadline; overdue again after escalation, the request is denied (status expired).
   */
  async function processDeadlines(now: Date = deps.clock.now()): Promise<{ escalated: number; autoDenied: number }> {
    const ctx = systemContext(`deadlines-${now.toISOString()}`, 'gatehouse deadlines');
    const at = now.toISOString();
    const counts = { escalated: 0, autoDenied: 0 };
    // One request that cannot be worked (a bug, a damaged row) must not hold back the others' escalations.
    await runEachInTransaction(deps.db, await repo.listOverdueStages(deps.db, at, 500), async (trx, overdue) => {
      const header = await repo.findRequest(trx, overdue.requestId);
      const stage = header?.status === 'pending' ? (await repo.listStages(trx, header.id)).find((s) => s.id === overdue.stageId) : undefined;
      if (!header || !stage || stage.status !== 'active' || (stage.dueAt ?? at) > at) return;
      if (!stage.escalated) {
        const policy = await deps.approvals.policyVersion(trx, header.agencyId, header.policyVersion ?? 0);
        const fallback = await resolveApprovers(trx, await routingFor(trx, header, await repo.listItems(trx, header.id)), policy.fallback);
        const approvers = [...new Set([...stage.approverIds, ...fallback])];
        const deadline = JSON.parse(await repo.findStageDeadline(trx, stage.id)) as StageDefinition['deadline'];
        if (!(await repo.advanceRequest(trx, header.id, header.version, { updated_at: at }))) return;
        const due = computeDue(now, deadline);
        await repo.updateStage(trx, stage.id, { escalated: 1, approver_ids: JSON.stringify(approvers), due_at: due.toISOString(), next_reminder_at: nextReminderAt(now, due) });
        await deps.notifier.notifyAboutRequest(trx, 'escalation', header, approvers, { stageName: stage.name, dueAt: due.toISOString() });
        await deps.audit.record(trx, ctx, [
          { action: 'request.escalated', subjectType: 'access_request', subjectId: header.id, agencyId: header.agencyId, reason: `Stage "${stage.name}" passed its deadline ${stage.dueAt}`, after: { approverIds: approvers } },
        ]);
        counts.escalated += 1;
        return;
      }
      if (!(await repo.advanceRequest(trx, header.id, header.version, { status: 'expired', updated_at: at, closed_at: at }))) return;
      await repo.updateStage(trx, stage.id, { status: 'expired', closed_at: at });
      await repo.closeOpenStages(trx, header.id, 'cancelled', at);
      await deps.audit.record(trx, ctx, [
        { action: 'request.auto_denied', subjectType: 'access_request', subjectId: header.id, agencyId: header.agencyId, reason: `Stage "${stage.name}" had no decision by ${stage.dueAt}, after escalation`, before: { status: 'pending' }, after: { status: 'expired' } },
      ]);
      await deps.notifier.notifyAboutRequest(trx, 'decision', header, [header.requesterWorkerId, header.subjectWorkerId], { outcome: 'expired' });
      counts.autoDenied += 1;
    });
    return counts;
  }

  return { requireReadable, seatsOf, sodConflictsOf, submitInTransaction, decide, processDeadlines };
}
