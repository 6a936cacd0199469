import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { type CalendarDate, addCalendarDays, calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import { findWorkerByLoginId } from '../workers/workers.repo.ts';
import * as repo from './approvals.repo.ts';
import type { CreateDelegationInput, Delegation } from './approvals.schemas.ts';

/** A delegation with its deputy's name, and whether it is in effect today or still to come. */
export interface DelegationInForce extends Delegation {
  deputyName: string;
  deputyLoginId: string;
  current: boolean;
}

export type DelegationService = ReturnType<typeof createDelegationService>;

/**
 * Deputies for absences: between two dates (inclusive, the agency's calendar) a deputy decides in
 * an approver's place. The approver manages their own, or a security coordinator does it for them.
 */
export function createDelegationService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function requireWorker(workerId: string): Promise<repo.PersonLink> {
    const worker = isId(workerId) ? await repo.findPerson(deps.db, workerId) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    return worker;
  }

  /** The worker manages their own deputies; a coordinator manages anyone's. Another agency's is not found. */
  function authorizeManage(ctx: RequestContext, worker: repo.PersonLink, notFound: 'worker.not_found' | 'delegation.not_found' = 'worker.not_found'): void {
    const what = notFound === 'worker.not_found' ? 'worker' : 'delegation';
    authorize(ctx.actor, ctx.actor.workerId === worker.id ? 'requests.decide' : 'delegations.write', worker.agencyId, notFound, what);
  }

  async function todayIn(agencyId: string): Promise<CalendarDate> {
    const agency = await findAgency(deps.db, agencyId);
    return calendarDateAt(deps.clock.now(), agency?.timeZone ?? 'UTC');
  }

  async function create(ctx: RequestContext, workerId: string, input: CreateDelegationInput): Promise<Delegation> {
    const worker = await requireWorker(workerId);
    authorizeManage(ctx, worker);
    const deputy = isId(input.deputyWorkerId) ? await repo.findPerson(deps.db, input.deputyWorkerId) : undefined;
    if (!deputy || deputy.agencyId !== worker.agencyId) throw new AppError('worker.not_found', "No deputy with that id in the worker's agency.", { field: 'deputyWorkerId' });
    assertThat(deputy.id !== worker.id, 'input.invalid', 'A worker cannot be their own deputy; name another worker.', { field: 'deputyWorkerId' });
    assertThat(input.startsOn <= input.endsOn, 'input.invalid', 'The last day (endsOn) is before the first day; give a last day on or after the first.', { field: 'endsOn' });
    const today = await todayIn(worker.agencyId);
    assertThat(input.endsOn >= today, 'input.invalid', `The last day (endsOn) is in the past; a deputy stands in from today (${today}) on.`, { field: 'endsOn' });
    const row = {
      id: newId(), agency_id: worker.agencyId, worker_id: worker.id, deputy_worker_id: deputy.id, starts_on: input.startsOn, ends_on: input.endsOn,
      reason: input.reason, created_by: ctx.actor.principalId, created_at: deps.clock.now().toISOString(),
    };
    return deps.db.transaction().execute(async (trx) => {
      const delegation = await repo.insertDelegation(trx, row);
      await deps.audit.record(trx, ctx, [
        { action: 'delegation.created', subjectType: 'worker', subjectId: worker.id, agencyId: worker.agencyId, reason: input.reason, after: { deputyWorkerId: deputy.id, startsOn: input.startsOn, endsOn: input.endsOn } },
      ]);
      return delegation;
    });
  }

  async function list(ctx: RequestContext, workerId: string): Promise<Delegation[]> {
    const worker = await requireWorker(workerId);
    if (ctx.actor.workerId !== worker.id) authorize(ctx.actor, 'approvals.read', worker.agencyId, 'worker.not_found', 'worker');
    return repo.listDelegations(deps.db, worker.id);
  }

  /** The worker's delegations in effect today or still to come, soonest first. */
  async function listInForce(ctx: RequestContext, workerId: string): Promise<DelegationInForce[]> {
    const worker = await requireWorker(workerId);
    if (ctx.actor.workerId !== worker.id) authorize(ctx.actor, 'approvals.read', worker.agencyId, 'worker.not_found', 'worker');
    const today = await todayIn(worker.agencyId);
    return (await repo.listDelegationsEndingFrom(deps.db, worker.id, today)).map((d) => ({ ...d, current: d.startsOn <= today }));
  }

  /**
   * Ends a delegation now, so the deputy decides nothing more from today: one begun before today
   * then ends yesterday; one begun today is removed (its window would be empty), and one still to
   * come is withdrawn. The audit log keeps each as it was.
   */
  async function end(ctx: RequestContext, delegationId: string): Promise<'ended' | 'withdrawn'> {
    const delegation = isId(delegationId) ? await repo.findDelegation(deps.db, delegationId) : undefined;
    if (!delegation) throw new AppError('delegation.not_found', 'No delegation with that id.');
    const worker = await requireWorker(delegation.workerId);
    authorizeManage(ctx, worker, 'delegation.not_found');
    const today = await todayIn(worker.agencyId);
    assertThat(delegation.endsOn >= today, 'delegation.ended', `This delegation already ended on ${delegation.endsOn}.`);
    const before = { deputyWorkerId: delegation.deputyWorkerId, startsOn: delegation.startsOn, endsOn: delegation.endsOn };
    const yesterday = addCalendarDays(today, -1);
    const outcome = delegation.startsOn <= today ? 'ended' : 'withdrawn';
    await deps.db.transaction().execute(async (trx) => {
      if (delegation.startsOn <= yesterday) await repo.setDelegationEnd(trx, delegation.id, yesterday);
      else await repo.deleteDelegation(trx, delegation.id);
      const after = delegation.startsOn <= yesterday ? { after: { ...before, endsOn: yesterday } } : {};
      await deps.audit.record(trx, ctx, [{ action: `delegation.${outcome}`, subjectType: 'worker', subjectId: worker.id, agencyId: worker.agencyId, before, ...after }]);
    });
    return outcome;
  }

  /** The deputy a worker names by login id: someone else of the same agency, for the approver or their coordinator to choose. */
  async function findDeputyByLogin(ctx: RequestContext, workerId: string, loginId: string): Promise<{ id: string; name: string } | undefined> {
    const worker = await requireWorker(workerId);
    authorizeManage(ctx, worker);
    const deputy = await findWorkerByLoginId(deps.db, loginId.trim().slice(0, 64));
    return deputy?.agencyId === worker.agencyId ? { id: deputy.id, name: `${deputy.firstName} ${deputy.lastName}` } : undefined;
  }

  return { create, list, listInForce, end, findDeputyByLogin };
}
