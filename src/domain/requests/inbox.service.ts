import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import { findDelegatorsOn, findPerson } from '../approvals/approvals.repo.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize, hasPermission } from '../auth/permissions.ts';
import { findTemplateFor } from '../templates/templates.repo.ts';
import * as inbox from './inbox.repo.ts';
import type { InboxItem } from './inbox.schemas.ts';
import type { RequestWorkflow } from './request-workflow.service.ts';
import * as repo from './requests.repo.ts';
import type { AccessRequest, RequestHeader } from './requests.schemas.ts';

type HeldGrant = InboxItem['subjectAccess']['grants'][number];

/** A request waiting for the reader's decision, as a list of them shows it. */
export interface InboxSummary {
  requestId: string;
  riskLevel: 'low' | 'medium' | 'high';
  stage: { name: string; dueAt: string | null };
  subject: { id: string; name: string; loginId: string };
  /** The approvers whose seat the reader fills on this stage: their own worker id, or those they are a deputy for today. */
  seats: string[];
  overdue: boolean;
}

/** One request as a reader sees it: who it is about, what they hold now, and whether it waits for the reader. */
export interface RequestView {
  request: AccessRequest;
  subject: inbox.SubjectSummary;
  /** The subject's live grants, each marked whether the job template holds it. */
  heldGrants: HeldGrant[];
  /** Code and name of the functions and units the request and the grants name, by id. */
  labels: Map<string, { code: string; name: string }>;
  /** True when the current stage waits for the reader's decision (or their deputy's decision for someone). */
  awaitingMe: boolean;
}

export type InboxService = ReturnType<typeof createInboxService>;

/** What waits for an approver's decision, with what they need to decide it. */
export function createInboxService(deps: { db: Database; clock: Clock; workflow: RequestWorkflow }) {
  /** The seats the worker fills today: their own, and those of approvers who named them deputy. */
  async function seatsOf(worker: { id: string; agencyId: string }, now: Date): Promise<string[]> {
    const agency = await findAgency(deps.db, worker.agencyId);
    return [worker.id, ...(await findDelegatorsOn(deps.db, worker.id, calendarDateAt(now, agency?.timeZone ?? 'UTC')))];
  }

  async function heldGrantsOf(header: RequestHeader, jobType: string, now: string): Promise<HeldGrant[]> {
    const template = new Set((await findTemplateFor(deps.db, header.agencyId, header.applicationId, jobType)) ?? []);
    return (await inbox.listHeldGrants(deps.db, header.accountId, now)).map((g) => ({ ...g, inTemplate: g.kind !== 'function' || template.has(g.functionId ?? '') }));
  }

  async function describe(requestId: string, seats: string[], now: string): Promise<InboxItem | undefined> {
    const header = await repo.findRequest(deps.db, requestId);
    if (!header) return undefined;
    const items = await repo.listItems(deps.db, requestId);
    const stages = await repo.listStages(deps.db, requestId);
    const placement = await inbox.findAccountPlacement(deps.db, header.accountId);
    const subject = await repo.findSubjectWorker(deps.db, header.subjectWorkerId);
    const stage = stages.find((s) => s.status === 'active');
    if (!stage || !placement || !subject) return undefined;
    const grants = await heldGrantsOf(header, subject.jobType, now);
    const decided = new Set(stage.decisions.map((d) => d.approverWorkerId));
    return {
      request: { ...header, items, stages },
      stage: { id: stage.id, name: stage.name, dueAt: stage.dueAt, escalated: stage.escalated },
      seats: seats.filter((seat) => stage.approverIds.includes(seat) && !decided.has(seat)),
      subjectAccess: { accountStatus: placement.status, unitId: placement.unitId, grants },
      beyondTemplate: {
        requested: items.flatMap((i) => (i.action === 'add' && i.beyondTemplate && i.functionId ? [i.functionId] : [])),
        held: grants.flatMap((g) => (g.inTemplate || !g.functionId ? [] : [g.functionId])),
      },
      sodWarnings: await deps.workflow.sodConflictsOf(deps.db, header, items),
    };
  }

  /**
   * The pending requests whose current stage waits for the calling worker, as approver or as a
   * deputy today, oldest first; never their own requests nor ones about themselves.
   */
  async function listWaiting(ctx: RequestContext, page: PageRequest): Promise<{ rows: inbox.WaitingRow[]; seats: string[]; now: Date; nextCursor: string | null }> {
    const workerId = ctx.actor.workerId;
    assertThat(workerId, 'approval.not_approver', 'Your sign-in is not linked to a worker, so nothing waits for your approval; approvers sign in as themselves.');
    const worker = await findPerson(deps.db, workerId);
    if (!worker) throw new AppError('worker.not_found', 'The worker your sign-in is linked to no longer exists.');
    authorize(ctx.actor, 'requests.decide', worker.agencyId, 'worker.not_found', 'worker');
    const now = deps.clock.now();
    const seats = await seatsOf(worker, now);
    const rows = await inbox.listWaiting(deps.db, { workerId, agencyId: worker.agencyId, seats, afterId: decodeCursor(page.cursor), limit: page.limit + 1 });
    return { rows: rows.slice(0, page.limit), seats, now, nextCursor: toPage(rows, page.limit, (r) => r.requestId).nextCursor };
  }

  /** The inbox with everything needed to decide each request, as `GET /approvals/inbox` answers it. */
  async function list(ctx: RequestContext, page: PageRequest): Promise<Page<InboxItem>> {
    const { rows, seats, now, nextCursor } = await listWaiting(ctx, page);
    const items: InboxItem[] = [];
    for (const row of rows) {
      const item = await describe(row.requestId, seats, now.toISOString());
      if (item) items.push(item);
    }
    return { items, nextCursor };
  }

  /** The inbox as a list to choose from: who each request is about, its stage and deadline. */
  async function listSummaries(ctx: RequestContext, page: PageRequest): Promise<Page<InboxSummary>> {
    const { rows, seats, now, nextCursor } = await listWaiting(ctx, page);
    const deciders = await inbox.listStageDeciders(deps.db, rows.map((r) => r.stageId));
    const at = now.toISOString();
    const items = rows.map((r): InboxSummary => {
      const approvers = JSON.parse(r.approverIds) as string[];
      const decided = deciders.get(r.stageId);
      return {
        requestId: r.requestId, riskLevel: r.riskLevel, stage: { name: r.stageName, dueAt: r.dueAt }, subject: { id: r.subjectWorkerId, name: r.subjectName, loginId: r.subjectLoginId },
        seats: seats.filter((seat) => approvers.includes(seat) && !decided?.has(seat)), overdue: r.dueAt !== null && r.dueAt <= at,
      };
    });
    return { items, nextCursor };
  }

  /**
   * One request for whoever may read access in its agency, the worker it is about, its requester,
   * or an approver (or deputy) named on a stage; anyone else is told it does not exist.
   */
  async function view(ctx: RequestContext, requestId: string): Promise<RequestView> {
    const header = await deps.workflow.requireRequest(deps.db, ctx, requestId, 'requests.read');
    const items = await repo.listItems(deps.db, header.id);
    const stages = await repo.listStages(deps.db, header.id);
    const now = deps.clock.now();
    const me = ctx.actor.workerId ? await findPerson(deps.db, ctx.actor.workerId) : undefined;
    const seats = me ? await seatsOf(me, now) : [];
    const involved = me !== undefined && (header.subjectWorkerId === me.id || header.requesterWorkerId === me.id);
    const named = stages.some((s) => s.approverIds.some((id) => seats.includes(id)));
    const mayRead = hasPermission(ctx.actor, 'access.read', header.agencyId) || involved || header.requesterPrincipalId === ctx.actor.principalId || named;
    if (!mayRead) throw new AppError('request.not_found', 'No access request with that id.');
    const subject = await inbox.findSubjectSummary(deps.db, header.subjectWorkerId);
    if (!subject) throw new AppError('worker.not_found', 'The worker this request is about no longer exists.');
    const heldGrants = await heldGrantsOf(header, subject.jobType, now.toISOString());
    const labels = await inbox.findLabels(
      deps.db,
      [...items, ...heldGrants].flatMap((i) => (i.functionId ? [i.functionId] : [])),
      items.flatMap((i) => (i.unitId ? [i.unitId] : [])),
    );
    const active = stages.find((s) => s.status === 'active');
    const decided = new Set(active?.decisions.map((d) => d.approverWorkerId));
    const awaitingMe = header.status === 'pending' && !involved && (active?.approverIds.some((id) => seats.includes(id) && !decided.has(id)) ?? false);
    return { request: { ...header, items, stages }, subject, heldGrants, labels, awaitingMe };
  }

  return { list, listSummaries, view };
}
