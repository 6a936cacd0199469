import type { Database, Executor } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import * as repo from './work-items.repo.ts';
import type { CreateWorkItemInput, ReassignWorkItemInput, WorkItem } from './work-items.schemas.ts';

export interface WorkItemListRequest extends PageRequest {
  ownerWorkerId?: string | undefined;
  status?: WorkItem['status'] | undefined;
  kind?: WorkItem['kind'] | undefined;
  unitId?: string | undefined;
}

export type WorkItemService = ReturnType<typeof createWorkItemService>;

export function createWorkItemService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function requireOwner(db: Executor, workerId: string, agencyId: string) {
    const owner = await repo.findOwnerCandidate(db, workerId);
    if (!owner || owner.agencyId !== agencyId) throw new AppError('worker.not_found', "No worker with that id in the work item's agency.");
    return owner;
  }

  async function requireAgency(ctx: RequestContext, agencyId: string, permission: 'work_items.read' | 'work_items.write'): Promise<void> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, permission, agencyId, 'agency.not_found', 'agency');
    if (!(await findAgency(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
  }

  /** Records a case or to-do owned by a worker of the agency. */
  async function create(ctx: RequestContext, agencyId: string, input: CreateWorkItemInput): Promise<WorkItem> {
    await requireAgency(ctx, agencyId, 'work_items.write');
    if (!(await repo.applicationExists(deps.db, input.applicationId))) throw new AppError('application.not_found', 'No application with that id.');
    const unit = await repo.findItemUnit(deps.db, input.unitId);
    if (!unit || unit.agencyId !== agencyId) throw new AppError('unit.not_found', 'No unit with that id in this agency.');
    await requireOwner(deps.db, input.ownerWorkerId, agencyId);
    const duplicateMessage = `This agency already has a ${input.kind} with reference ${input.reference}; use another reference or update that one.`;
    assertThat(!(await repo.findWorkItemByReference(deps.db, agencyId, input.kind, input.reference)), 'work_item.duplicate', duplicateMessage);
    const now = deps.clock.now();
    const at = now.toISOString();
    return deps.db.transaction().execute(async (trx) => {
      const item = await refuseDuplicate(
        repo.insertWorkItem(trx, {
          id: newId(now.getTime()), agency_id: agencyId, application_id: input.applicationId, kind: input.kind, reference: input.reference,
          title: input.title, unit_id: input.unitId, owner_worker_id: input.ownerWorkerId, status: 'open', due_date: input.dueDate ?? null,
          opened_at: at, closed_at: null, version: 1, updated_at: at,
        }),
        'work_item.duplicate',
        duplicateMessage,
      );
      await deps.audit.record(trx, ctx, [{ action: 'work_item.created', subjectType: 'work_item', subjectId: item.id, agencyId, after: input }]);
      return item;
    });
  }

  async function load(ctx: RequestContext, id: string, permission: 'work_items.read' | 'work_items.write'): Promise<WorkItem> {
    const item = isId(id) ? await repo.findWorkItem(deps.db, id) : undefined;
    if (!item) throw new AppError('work_item.not_found', 'No work item with that id.');
    authorize(ctx.actor, permission, item.agencyId, 'work_item.not_found', 'work item');
    return item;
  }

  async function get(ctx: RequestContext, id: string): Promise<WorkItem> {
    return load(ctx, id, 'work_items.read');
  }

  async function list(ctx: RequestContext, agencyId: string, filter: WorkItemListRequest): Promise<Page<WorkItem>> {
    await requireAgency(ctx, agencyId, 'work_items.read');
    const rows = await repo.listWorkItems(deps.db, {
      agencyId, ownerWorkerId: filter.ownerWorkerId, status: filter.status, kind: filter.kind, unitId: filter.unitId,
      afterId: decodeCursor(filter.cursor), limit: filter.limit + 1,
    });
    return toPage(rows, filter.limit, (item) => item.id);
  }

  function assertOpen(item: WorkItem): void {
    assertThat(item.status === 'open', 'work_item.closed', `Work item ${item.reference} was closed at ${item.closedAt}; a closed item cannot change.`);
  }

  const staleMessage = 'Someone changed this work item since you read it; read it again and retry.';

  async function close(ctx: RequestContext, id: string, reason: string): Promise<WorkItem> {
    const item = await load(ctx, id, 'work_items.write');
    assertOpen(item);
    const at = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      const updated = await repo.updateWorkItem(trx, id, item.version, { status: 'closed', closed_at: at, updated_at: at });
      assertThat(updated, 'conflict.version', staleMessage);
      await deps.audit.record(trx, ctx, [
        { action: 'work_item.closed', subjectType: 'work_item', subjectId: id, agencyId: item.agencyId, reason, before: { status: 'open' }, after: { status: 'closed', closedAt: at } },
      ]);
    });
    return { ...item, status: 'closed', closedAt: at, updatedAt: at, version: item.version + 1 };
  }

  /**
   * Hands an open item to another enabled worker of its agency inside the caller's transaction,
   * audited; the caller has authorized the change (a reassignment plan applies many at once).
   */
  async function reassignInTransaction(trx: Executor, ctx: RequestContext, item: WorkItem, ownerWorkerId: string, reason: string): Promise<WorkItem> {
    assertOpen(item);
    assertThat(ownerWorkerId !== item.ownerWorkerId, 'input.invalid', `That worker already owns ${item.reference}; choose another owner.`);
    const owner = await requireOwner(trx, ownerWorkerId, item.agencyId);
    assertThat(owner.enabled === 1, 'work_item.owner_disabled', `The new owner of ${item.reference} is disabled in the directory; choose an enabled worker.`);
    const at = deps.clock.now().toISOString();
    const updated = await repo.updateWorkItem(trx, item.id, item.version, { owner_worker_id: ownerWorkerId, updated_at: at });
    assertThat(updated, 'conflict.version', staleMessage, { workItemId: item.id });
    await deps.audit.record(trx, ctx, [
      {
        action: 'work_item.reassigned', subjectType: 'work_item', subjectId: item.id, agencyId: item.agencyId, reason,
        before: { ownerWorkerId: item.ownerWorkerId }, after: { ownerWorkerId },
      },
    ]);
    return { ...item, ownerWorkerId, updatedAt: at, version: item.version + 1 };
  }

  /** Hands an open item to another enabled worker of the same agency. */
  async function reassign(ctx: RequestContext, id: string, input: ReassignWorkItemInput): Promise<WorkItem> {
    const item = await load(ctx, id, 'work_items.write');
    assertOpen(item);
    assertThat(item.version === input.version, 'conflict.version', staleMessage, { currentVersion: item.version });
    return deps.db.transaction().execute((trx) => reassignInTransaction(trx, ctx, item, input.ownerWorkerId, input.reason));
  }

  return { create, get, list, close, reassign, reassignInTransaction };
}
