import type { Database } from '../../db/database.ts';
import type { RequestStatus } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import { findDelegatorsOn } from '../approvals/approvals.repo.ts';
import type { RequestContext } from '../auth/actor.ts';
import { agencyScope, authorize, hasPermission } from '../auth/permissions.ts';
import * as repo from './approver-inbox.repo.ts';
import type { AccessRequest } from './requests.schemas.ts';
import type { RequestService } from './requests.service.ts';

export interface InboxEntry extends Omit<repo.InboxRow, 'approverIds'> {
  /** Set when the actor decides in an absent approver's place. */
  asDeputyOf: string | null;
  overdue: boolean;
}

/** What an approver sees before deciding: the request, who it is about, and what they hold now. */
export interface ApproverView {
  request: AccessRequest;
  subject: repo.SubjectSummary;
  currentFunctions: { functionId: string; code: string; name: string }[];
  /** Display names of the functions and units the items name, by id. */
  names: Map<string, string>;
  /** True when the current stage waits for the actor's decision (or a deputy's). */
  awaitingMe: boolean;
}

export type ApproverInbox = ReturnType<typeof createApproverInbox>;

/** The approver's side of access requests: what waits for my decision, and what I need to decide it. */
export function createApproverInbox(deps: { db: Database; clock: Clock; requests: Pick<RequestService, 'get'> }) {
  /** The seats the actor may fill today: their own, and those of approvers who named them deputy. */
  async function seatsOf(ctx: RequestContext): Promise<string[]> {
    const workerId = ctx.actor.workerId;
    if (!workerId) return [];
    const agencyId = ctx.actor.roles.find((r) => r.agencyId !== null)?.agencyId;
    const agency = agencyId ? await findAgency(deps.db, agencyId) : undefined;
    const today = calendarDateAt(deps.clock.now(), agency?.timeZone ?? 'UTC');
    return [workerId, ...(await findDelegatorsOn(deps.db, workerId, today))];
  }

  /** Pending requests whose current stage waits for the signed-in worker (or someone they deputise for). */
  async function awaitingMyDecision(ctx: RequestContext, page: PageRequest): Promise<Page<InboxEntry>> {
    const seats = await seatsOf(ctx);
    const now = deps.clock.now().toISOString();
    const rows = await repo.listActiveStagesFor(deps.db, { approverIds: seats, agencyIds: agencyScope(ctx.actor, 'requests.decide'), afterRequestId: decodeCursor(page.cursor), limit: page.limit + 1 });
    const entries = rows
      .filter((r) => r.subjectWorkerId !== ctx.actor.workerId)
      .map(({ approverIds, ...row }) => {
        const named = JSON.parse(approverIds) as string[];
        return { ...row, asDeputyOf: named.includes(ctx.actor.workerId ?? '') ? null : (named.find((id) => seats.includes(id)) ?? null), overdue: row.dueAt !== null && row.dueAt <= now };
      });
    return toPage(entries, page.limit, (e) => e.requestId);
  }

  /**
   * The request with its subject and current access, for a named approver or deputy of it, or for
   * anyone who may read access in the agency; anyone else is told it does not exist.
   */
  async function approverView(ctx: RequestContext, requestId: string): Promise<ApproverView> {
    const request = await deps.requests.get(ctx, requestId);
    const seats = await seatsOf(ctx);
    const named = await repo.listStageApprovers(deps.db, request.id);
    const mayRead = hasPermission(ctx.actor, 'access.read', request.agencyId) || request.subjectWorkerId === ctx.actor.workerId || named.some((id) => seats.includes(id));
    if (!mayRead) throw new AppError('request.not_found', 'No access request with that id.');
    const subject = await repo.findSubjectSummary(deps.db, request.subjectWorkerId);
    if (!subject) throw new AppError('worker.not_found', 'The worker this request is about no longer exists.');
    const currentFunctions = await repo.listLiveFunctions(deps.db, request.accountId, deps.clock.now().toISOString());
    const names = await repo.findNames(
      deps.db,
      request.items.flatMap((i) => (i.functionId ? [i.functionId] : [])),
      request.items.flatMap((i) => (i.unitId ? [i.unitId] : [])),
    );
    const active = request.stages.find((s) => s.status === 'active');
    const decided = new Set(active?.decisions.map((d) => d.approverWorkerId));
    const involved = request.subjectWorkerId === ctx.actor.workerId || request.requesterWorkerId === ctx.actor.workerId;
    const awaitingMe = request.status === 'pending' && !involved && (active?.approverIds.some((id) => seats.includes(id) && !decided.has(id)) ?? false);
    return { request, subject, currentFunctions, names, awaitingMe };
  }

  /** Requests about the signed-in worker, newest first. */
  async function requestsAboutMe(ctx: RequestContext, page: PageRequest): Promise<Page<repo.RequestAbout>> {
    const workerId = ctx.actor.workerId;
    if (!workerId || !isId(workerId)) return { items: [], nextCursor: null };
    const rows = await repo.listRequestsAbout(deps.db, { workerId, beforeId: decodeCursor(page.cursor), limit: page.limit + 1 });
    return toPage(rows, page.limit, (r) => r.id);
  }

  /** Requests about one worker of an agency the actor may read requests in, newest first. */
  async function requestsAbout(ctx: RequestContext, workerId: string, filter: PageRequest & { status?: RequestStatus | undefined }): Promise<Page<repo.RequestAbout>> {
    const subject = isId(workerId) ? await repo.findSubjectSummary(deps.db, workerId) : undefined;
    if (!subject) throw new AppError('worker.not_found', 'No worker with that id.');
    authorize(ctx.actor, 'requests.read', subject.agencyId, 'worker.not_found', 'worker');
    const rows = await repo.listRequestsAbout(deps.db, { workerId: subject.id, status: filter.status, beforeId: decodeCursor(filter.cursor), limit: filter.limit + 1 });
    return toPage(rows, filter.limit, (r) => r.id);
  }

  return { awaitingMyDecision, approverView, requestsAboutMe, requestsAbout };
}
