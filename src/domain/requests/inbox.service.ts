import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { type Page, type PageRequest, decodeCursor, encodeCursor } from '../../shared/page.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import { findDelegatorsOn, findPerson } from '../approvals/approvals.repo.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import { findTemplateFor } from '../templates/templates.repo.ts';
import * as inbox from './inbox.repo.ts';
import type { InboxItem } from './inbox.schemas.ts';
import type { RequestWorkflow } from './request-workflow.service.ts';
import * as repo from './requests.repo.ts';

export type InboxService = ReturnType<typeof createInboxService>;

/** What waits for an approver's decision, with what they need to decide it. */
export function createInboxService(deps: { db: Database; clock: Clock; workflow: RequestWorkflow }) {
  async function describe(requestId: string, seats: string[], now: string): Promise<InboxItem | undefined> {
    const header = await repo.findRequest(deps.db, requestId);
    if (!header) return undefined;
    const items = await repo.listItems(deps.db, requestId);
    const stages = await repo.listStages(deps.db, requestId);
    const placement = await inbox.findAccountPlacement(deps.db, header.accountId);
    const subject = await repo.findSubjectWorker(deps.db, header.subjectWorkerId);
    const stage = stages.find((s) => s.status === 'active');
    if (!stage || !placement || !subject) return undefined;
    const template = new Set((await findTemplateFor(deps.db, header.agencyId, header.applicationId, subject.jobType)) ?? []);
    const grants = (await inbox.listHeldGrants(deps.db, header.accountId, now)).map((g) => ({ ...g, inTemplate: g.kind !== 'function' || template.has(g.functionId ?? '') }));
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
  async function list(ctx: RequestContext, page: PageRequest): Promise<Page<InboxItem>> {
    const workerId = ctx.actor.workerId;
    assertThat(workerId, 'approval.not_approver', 'Your sign-in is not linked to a worker, so nothing waits for your approval; approvers sign in as themselves.');
    const worker = await findPerson(deps.db, workerId);
    if (!worker) throw new AppError('worker.not_found', 'The worker your sign-in is linked to no longer exists.');
    authorize(ctx.actor, 'requests.decide', worker.agencyId, 'worker.not_found', 'worker');
    const now = deps.clock.now();
    const agency = await findAgency(deps.db, worker.agencyId);
    const seats = [workerId, ...(await findDelegatorsOn(deps.db, workerId, calendarDateAt(now, agency?.timeZone ?? 'UTC')))];
    const ids = await inbox.listInboxRequestIds(deps.db, { workerId, agencyId: worker.agencyId, seats, afterId: decodeCursor(page.cursor), limit: page.limit + 1 });
    const items: InboxItem[] = [];
    for (const id of ids.slice(0, page.limit)) {
      const item = await describe(id, seats, now.toISOString());
      if (item) items.push(item);
    }
    const lastId = ids[page.limit - 1];
    return { items, nextCursor: ids.length > page.limit && lastId ? encodeCursor(lastId) : null };
  }

  return { list };
}
