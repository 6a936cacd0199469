import type { Database, Executor } from '../../db/database.ts';
import type { RequestItemsTable, RiskLevel } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAccount, findUnitAgency } from '../accounts/accounts.repo.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { type Permission, authorize, hasPermission } from '../auth/permissions.ts';
import { findTemplateFor } from '../templates/templates.repo.ts';
import type { RequestWorkflow } from './request-workflow.service.ts';
import * as repo from './requests.repo.ts';
import type { AccessRequest, CreateRequestInput, DecideInput, RequestHeader, RequestItemInput } from './requests.schemas.ts';

const riskOrder: RiskLevel[] = ['low', 'medium', 'high'];

function toStoredInstant(value: string | undefined): string | null {
  return value === undefined ? null : new Date(value).toISOString();
}

export interface RequestListFilter extends PageRequest {
  status?: RequestHeader['status'] | undefined;
  subjectWorkerId?: string | undefined;
}

export type RequestService = ReturnType<typeof createRequestService>;

export function createRequestService(deps: { db: Database; clock: Clock; audit: AuditLog; workflow: RequestWorkflow }) {
  async function requireAgency(db: Executor, ctx: RequestContext, agencyId: string, permission: Permission, refusal: string): Promise<void> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, permission, agencyId, 'agency.not_found', 'agency', refusal);
    if (!(await findAgency(db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
  }

  /** True when the request or list is about the calling worker themselves. */
  function aboutMe(ctx: RequestContext, subjectWorkerId: string | undefined): boolean {
    return subjectWorkerId !== undefined && subjectWorkerId === ctx.actor.workerId;
  }

  /** Checks one item against the account and the job template; returns the row to store and, for a function it adds, the function's risk. */
  async function checkItem(trx: Executor, item: RequestItemInput, position: number, scope: { agencyId: string; applicationId: string; template: string[]; live: repo.LiveGrant[] }, requestId: string): Promise<{ row: RequestItemsTable; risk: RiskLevel | null }> {
    const where = `items.${position}`;
    const validFrom = toStoredInstant(item.validFrom);
    const validTo = toStoredInstant(item.validTo);
    assertThat(validFrom === null || validTo === null || validFrom < validTo, 'input.invalid', `${where}: validFrom must be before validTo.`);
    let beyondTemplate = false;
    let risk: RiskLevel | null = null;
    if (item.action === 'remove') {
      assertThat(item.kind !== 'unit_placement', 'input.invalid', `${where}: a placement cannot be removed; request a placement in another unit instead.`);
      const grant = scope.live.find((g) => g.id === item.grantId && g.kind === item.kind);
      if (!grant) throw new AppError('grant.not_found', `${where}: no live ${item.kind} grant with id ${item.grantId ?? '(missing grantId)'} on the worker's account.`);
    } else if (item.kind === 'function') {
      assertThat(item.functionId && !item.unitId && !item.grantId, 'input.invalid', `${where}: a function item names a functionId only.`);
      const [fn] = await repo.findFunctionsById(trx, [item.functionId]);
      if (!fn || fn.applicationId !== scope.applicationId) throw new AppError('function.not_found', `${where}: no business function ${item.functionId} in the request's application.`);
      assertThat(!scope.live.some((g) => g.functionId === fn.id), 'grant.duplicate', `${where}: the worker already holds ${fn.code}; leave it out of the request.`);
      beyondTemplate = !scope.template.includes(fn.id);
      risk = fn.riskLevel;
      assertThat(!beyondTemplate || item.justification, 'request.justification_required', `${where}: ${fn.code} is beyond the job's access template; write a justification for it.`, { functionId: fn.id });
    } else {
      assertThat(item.unitId && !item.functionId && !item.grantId, 'input.invalid', `${where}: a ${item.kind} item names a unitId only.`);
      const unit = await findUnitAgency(trx, item.unitId);
      if (!unit || unit.agencyId !== scope.agencyId) throw new AppError('unit.not_found', `${where}: no unit ${item.unitId} in the worker's agency.`);
      assertThat(item.kind === 'unit_hierarchy' || (validFrom === null && validTo === null), 'input.invalid', `${where}: a placement has no validity window.`);
    }
    const row: RequestItemsTable = {
      id: newId(), request_id: requestId, position, action: item.action, kind: item.kind, function_id: item.functionId ?? null, unit_id: item.unitId ?? null,
      grant_id: item.grantId ?? null, valid_from: validFrom, valid_to: validTo, beyond_template: beyondTemplate ? 1 : 0, justification: item.justification ?? null,
    };
    return { row, risk };
  }

  /**
   * Records a request (and submits it unless it is a draft) inside the caller's transaction; the
   * assessment service uses it to turn a completed survey into a request, the lifecycle services
   * for a mover's new functions and for an exception (no items; `riskFloor` is the function's risk).
   * Answers the request as the transaction leaves it, so no caller reads it back.
   */
  async function createInTransaction(trx: Executor, ctx: RequestContext, agencyId: string, input: CreateRequestInput, assessmentId: string | null, riskFloor: RiskLevel = 'low'): Promise<AccessRequest> {
    const subject = await repo.findSubjectWorker(trx, input.subjectWorkerId);
    if (!subject || subject.agencyId !== agencyId) throw new AppError('worker.not_found', 'No worker with that id in this agency.');
    const account = await findAccount(trx, subject.id, input.applicationId);
    if (!account) throw new AppError('account.not_found', 'The worker has no account in that application yet; the directory sync opens it in the holding unit.');
    const now = deps.clock.now().toISOString();
    const scope = {
      agencyId, applicationId: input.applicationId, template: (await findTemplateFor(trx, agencyId, input.applicationId, subject.jobType)) ?? [],
      live: await repo.listLiveAccountGrants(trx, account.id, now),
    };
    const id = newId();
    const items: RequestItemsTable[] = [];
    const risks: RiskLevel[] = [riskFloor];
    for (const [position, item] of input.items.entries()) {
      const checked = await checkItem(trx, item, position, scope, id);
      items.push(checked.row);
      if (checked.risk) risks.push(checked.risk);
    }
    const riskLevel = riskOrder[Math.max(...risks.map((r) => riskOrder.indexOf(r)))] ?? 'low';
    const row = {
      id, agency_id: agencyId, application_id: input.applicationId, account_id: account.id, subject_worker_id: subject.id, requester_principal_id: ctx.actor.principalId,
      requester_worker_id: ctx.actor.workerId, assessment_id: assessmentId, justification: input.justification, status: 'draft' as const, risk_level: riskLevel,
      policy_version: null, sod_conflicts: '[]', failure: null, version: 1, created_at: now, updated_at: now, submitted_at: null, closed_at: null,
    };
    await repo.insertRequest(trx, row, items);
    const header = repo.toHeader(row);
    const stored = items.map(repo.toItem);
    await deps.audit.record(trx, ctx, [
      {
        action: 'request.created', subjectType: 'access_request', subjectId: id, agencyId, reason: input.justification,
        after: { subjectWorkerId: subject.id, riskLevel, assessmentId, items: stored.map(({ id: _id, ...item }) => item) },
      },
    ]);
    const submitted = input.submit ? await deps.workflow.submitInTransaction(trx, ctx, header, stored) : { header, stages: [] };
    return { ...submitted.header, items: stored, stages: submitted.stages };
  }

  async function create(ctx: RequestContext, agencyId: string, input: CreateRequestInput): Promise<AccessRequest> {
    // The requester may read what they requested: the request is answered as the transaction left it.
    return deps.db.transaction().execute(async (trx) => {
      await requireAgency(
        trx, ctx, agencyId, aboutMe(ctx, input.subjectWorkerId) ? 'requests.create_own' : 'requests.create',
        'You may request access only for yourself; a security coordinator requests access for a colleague.',
      );
      return createInTransaction(trx, ctx, agencyId, input, null);
    });
  }

  /** One request, for staff of its agency and whoever takes part in it (see request-readers.ts). */
  async function get(ctx: RequestContext, id: string): Promise<AccessRequest> {
    const { header, stages } = await deps.workflow.requireReadable(deps.db, ctx, id);
    return { ...header, items: await repo.listItems(deps.db, id), stages };
  }

  /** The agency's requests for staff; anyone else may list only those about themselves (`subjectWorkerId` their own worker). */
  async function list(ctx: RequestContext, agencyId: string, filter: RequestListFilter): Promise<Page<RequestHeader>> {
    await requireAgency(
      deps.db, ctx, agencyId, aboutMe(ctx, filter.subjectWorkerId) ? 'requests.read_own' : 'requests.read',
      'Your roles let you list only the access requests about yourself (your own worker as subjectWorkerId); security coordinators and auditors list every request of the agency.',
    );
    const rows = await repo.listRequests(deps.db, { agencyId, subjectWorkerId: filter.subjectWorkerId, status: filter.status, beforeId: decodeCursor(filter.cursor), limit: filter.limit + 1 });
    return toPage(rows, filter.limit, (r) => r.id);
  }

  /** The requests about the calling worker, newest first; none for a sign-in that is not a worker. */
  async function listAboutMe(ctx: RequestContext, page: PageRequest): Promise<Page<RequestHeader>> {
    const me = ctx.actor.workerId ? await repo.findSubjectWorker(deps.db, ctx.actor.workerId) : undefined;
    if (!me) return { items: [], nextCursor: null };
    const rows = await repo.listRequests(deps.db, { agencyId: me.agencyId, subjectWorkerId: me.id, beforeId: decodeCursor(page.cursor), limit: page.limit + 1 });
    return toPage(rows, page.limit, (r) => r.id);
  }

  /** The requester, or a coordinator, may submit a draft or withdraw a request. */
  function assertMayManage(ctx: RequestContext, header: RequestHeader): void {
    const mine = header.requesterPrincipalId === ctx.actor.principalId;
    assertThat(mine || hasPermission(ctx.actor, 'requests.manage', header.agencyId), 'auth.forbidden', 'Only the requester or a security coordinator can submit or cancel this request.');
  }

  async function submit(ctx: RequestContext, id: string): Promise<AccessRequest> {
    return deps.db.transaction().execute(async (trx) => {
      const { header } = await deps.workflow.requireReadable(trx, ctx, id);
      assertMayManage(ctx, header);
      assertThat(header.status === 'draft', 'request.not_pending', `This request is ${header.status}; only a draft can be submitted.`);
      const items = await repo.listItems(trx, id);
      const submitted = await deps.workflow.submitInTransaction(trx, ctx, header, items);
      return { ...submitted.header, items, stages: submitted.stages };
    });
  }

  async function cancelInTransaction(trx: Executor, ctx: RequestContext, header: RequestHeader, reason: string): Promise<void> {
    assertThat(header.status === 'draft' || header.status === 'pending', 'request.not_pending', `This request is ${header.status}; only a draft or pending request can be cancelled.`);
    const at = deps.clock.now().toISOString();
    const moved = await repo.advanceRequest(trx, header.id, header.version, { status: 'cancelled', updated_at: at, closed_at: at });
    assertThat(moved, 'conflict.version', 'The request changed while you were cancelling it; reload it and try again.');
    await repo.closeOpenStages(trx, header.id, 'cancelled', at);
    await deps.audit.record(trx, ctx, [{ action: 'request.cancelled', subjectType: 'access_request', subjectId: header.id, agencyId: header.agencyId, reason, before: { status: header.status }, after: { status: 'cancelled' } }]);
  }

  async function cancel(ctx: RequestContext, id: string, reason: string): Promise<AccessRequest> {
    await deps.db.transaction().execute(async (trx) => {
      const { header } = await deps.workflow.requireReadable(trx, ctx, id);
      assertMayManage(ctx, header);
      await cancelInTransaction(trx, ctx, header, reason);
    });
    return get(ctx, id);
  }

  /** Cancels every draft or pending request about the worker (a leave starting); the caller has authorised it. Returns their ids. */
  async function cancelOpenForWorkerInTransaction(trx: Executor, ctx: RequestContext, workerId: string, reason: string): Promise<string[]> {
    const open = await repo.listOpenRequestsAbout(trx, workerId);
    for (const header of open) await cancelInTransaction(trx, ctx, header, reason);
    return open.map((r) => r.id);
  }

  async function decide(ctx: RequestContext, id: string, input: DecideInput): Promise<AccessRequest> {
    return deps.workflow.decide(ctx, id, input);
  }

  return { create, createInTransaction, get, list, listAboutMe, submit, cancel, cancelOpenForWorkerInTransaction, decide, processDeadlines: deps.workflow.processDeadlines };
}
