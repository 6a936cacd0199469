import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findPerson } from '../approvals/approvals.repo.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
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
    const seats = await deps.workflow.seatsOf(deps.db, worker.agencyId, worker.id);
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

  /** One request for whoever may read it (see request-readers.ts); anyone else is told it does not exist. */
  async function view(ctx: RequestContext, requestId: string): Promise<RequestView> {
    const { header, stages, seatsToday } = await deps.workflow.requireReadable(deps.db, ctx, requestId);
    const items = await repo.listItems(deps.db, header.id);
    const now = deps.clock.now();
    const seats = await seatsToday();
    const me = ctx.actor.workerId;
    const involved = me !== null && (header.subjectWorkerId === me || header.requesterWorkerId === me);
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
