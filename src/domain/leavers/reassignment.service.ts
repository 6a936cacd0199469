import type { Database, Executor } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { findWorkItem } from '../work-items/work-items.repo.ts';
import type { WorkItemService } from '../work-items/work-items.service.ts';
import type { LeaverCaseService } from './leaver-cases.service.ts';
import * as repo from './leavers.repo.ts';
import type { ApplyPlanInput, LeaverCaseDetail, OpenWorkItem, ProposePlanInput, ReassignmentPlan } from './leavers.schemas.ts';
import { type CandidatesFor, type PlanCandidate, planReassignment } from './reassignment-planner.ts';
import * as planRepo from './reassignment.repo.ts';

const itemsPlanned = 500;

export type ReassignmentService = ReturnType<typeof createReassignmentService>;

/** The reassignment planner: proposes who takes a leaver's open work, and applies the plan the coordinator settles on. */
export function createReassignmentService(deps: {
  db: Database;
  clock: Clock;
  audit: AuditLog;
  cases: Pick<LeaverCaseService, 'requireCase' | 'noteWorkReassignedInTransaction' | 'get'>;
  workItems: Pick<WorkItemService, 'reassignInTransaction'>;
}) {
  async function withCaseloads(db: Executor, workers: { workerId: string; name: string }[]): Promise<PlanCandidate[]> {
    const counts = await repo.countOpenItems(db, workers.map((w) => w.workerId));
    return workers.map((w) => {
      const open = counts.get(w.workerId);
      return { ...w, openItems: (open?.openCases ?? 0) + (open?.openTodos ?? 0) };
    });
  }

  async function supervisorCandidates(leaver: planRepo.PlanWorker): Promise<CandidatesFor> {
    const supervisor = leaver.supervisorId ? await planRepo.findPlanWorker(deps.db, leaver.supervisorId) : undefined;
    if (!supervisor) return () => 'The leaver has no supervisor in the directory; use the unit strategy or name an owner yourself.';
    if (!supervisor.enabled) return () => `The supervisor ${supervisor.name} is disabled; use the unit strategy or name an owner yourself.`;
    const [candidate] = await withCaseloads(deps.db, [{ workerId: supervisor.id, name: supervisor.name }]);
    return () => (candidate ? [candidate] : 'The supervisor could not be read.');
  }

  /** Per application: the unit's enabled workers who hold one of the leaver's functions there (any, if the leaver held none). */
  async function unitCandidates(leaver: planRepo.PlanWorker, items: OpenWorkItem[]): Promise<CandidatesFor> {
    const now = deps.clock.now();
    const at = now.toISOString();
    const today = calendarDateAt(now, (await repo.findAgencyTimeZone(deps.db, leaver.agencyId)) ?? 'UTC');
    const byApplication = new Map<string, PlanCandidate[]>();
    for (const applicationId of new Set(items.map((i) => i.applicationId))) {
      const functionIds = await planRepo.listLiveFunctionIds(deps.db, leaver.id, applicationId, at);
      const workers = await planRepo.listUnitCandidates(deps.db, { unitId: leaver.unitId, leaverId: leaver.id, applicationId, functionIds, at, today });
      byApplication.set(applicationId, await withCaseloads(deps.db, workers));
    }
    return (item) => {
      const candidates = byApplication.get(item.applicationId) ?? [];
      return candidates.length > 0 ? candidates : "No enabled worker of the leaver's unit holds one of the leaver's business functions in this application; use the supervisor strategy or name an owner yourself.";
    };
  }

  /** A proposal only: nothing changes until the coordinator applies it (edited or not). */
  async function propose(ctx: RequestContext, caseId: string, input: ProposePlanInput): Promise<ReassignmentPlan> {
    const row = await deps.cases.requireCase(deps.db, ctx, caseId, 'leavers.write');
    assertThat(row.status === 'open', 'leaver_case.closed', `This leaver case is ${row.status.replace('_', '-')}; there is no work left to plan.`);
    const leaver = await planRepo.findPlanWorker(deps.db, row.workerId);
    assertThat(leaver, 'internal', 'The leaver of this case could not be read.');
    const items = await repo.listOpenWorkItems(deps.db, leaver.id, itemsPlanned);
    const candidatesFor = input.strategy === 'supervisor' ? await supervisorCandidates(leaver) : await unitCandidates(leaver, items);
    return planReassignment(row.id, input.strategy, items, candidatesFor);
  }

  /**
   * Applies the assignments in one transaction, each audited as a reassignment of its work item:
   * all of them or, if any is refused, none. Items left out stay with the leaver.
   */
  async function apply(ctx: RequestContext, caseId: string, input: ApplyPlanInput): Promise<LeaverCaseDetail> {
    await deps.db.transaction().execute(async (trx) => {
      let row = await deps.cases.requireCase(trx, ctx, caseId, 'leavers.write');
      assertThat(row.status === 'open', 'leaver_case.closed', `This leaver case is ${row.status.replace('_', '-')}; its work can no longer be reassigned here.`);
      assertThat(row.version === input.version, 'conflict.version', `This leaver case changed since you read it (now version ${row.version}); read it again and retry.`, { currentVersion: row.version });
      const problems: { field: string; message: string }[] = [];
      const moves: { workItemId: string; reference: string; from: string; to: string }[] = [];
      for (const [index, assignment] of input.assignments.entries()) {
        const item = await findWorkItem(trx, assignment.workItemId);
        const field = `body.assignments.${index}.workItemId`;
        if (!item || item.agencyId !== row.agencyId) problems.push({ field, message: 'No work item with that id in this agency.' });
        else if (item.status !== 'open') problems.push({ field, message: `${item.reference} is closed already.` });
        else if (item.ownerWorkerId !== row.workerId) problems.push({ field, message: `${item.reference} is no longer the leaver's; read the case again.` });
        else if (assignment.ownerWorkerId === row.workerId) problems.push({ field: `body.assignments.${index}.ownerWorkerId`, message: 'The leaver cannot take their own work.' });
        else {
          await deps.workItems.reassignInTransaction(trx, ctx, item, assignment.ownerWorkerId, `${row.loginId} left: ${input.reason}`);
          moves.push({ workItemId: item.id, reference: item.reference, from: row.workerId, to: assignment.ownerWorkerId });
        }
      }
      if (problems.length > 0) throw new AppError('input.invalid', `${problems.length} of the assignments cannot be applied; nothing was reassigned. Fix them and send the plan again.`, problems);
      const at = deps.clock.now().toISOString();
      if (!(await repo.updateCase(trx, row.id, row.version, { updated_at: at }))) throw new AppError('conflict.version', 'This leaver case changed while the plan was applied; read it again and retry.');
      row = { ...row, version: row.version + 1, updatedAt: at };
      await deps.audit.record(trx, ctx, [{ action: 'leaver_case.work_items_reassigned', subjectType: 'leaver_case', subjectId: row.id, agencyId: row.agencyId, reason: input.reason, after: { moves } }]);
      if (!(await repo.countOpenItems(trx, [row.workerId])).has(row.workerId)) {
        await deps.cases.noteWorkReassignedInTransaction(trx, ctx, row, 'The reassignment plan left no open work item');
      }
    });
    return deps.cases.get(ctx, caseId);
  }

  return { propose, apply };
}
