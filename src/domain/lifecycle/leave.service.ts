import type { Database, Executor } from '../../db/database.ts';
import type { LeavesTable } from '../../db/schema.ts';
import { instantDateBegins } from '../../connectors/account-view.ts';
import { enqueueWorkerChanges } from '../../outbox/outbox.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import { type RequestContext, systemContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import { listGrants } from '../grants/grants.repo.ts';
import type { GrantService } from '../grants/grants.service.ts';
import type { RequestService } from '../requests/requests.service.ts';
import { findWorker, recordWorkerState, saveWorker } from '../workers/workers.repo.ts';
import type { CoverageService } from './coverage.service.ts';
import * as repo from './leaves.repo.ts';
import type { ChangeLeaveInput, GrantSnapshot, Leave, RecordLeaveInput } from './lifecycle.schemas.ts';
import { runEach, runEachInTransaction } from '../../db/run-each.ts';

export interface LeaveListFilter extends PageRequest {
  status?: Leave['status'] | undefined;
}

export type LeaveService = ReturnType<typeof createLeaveService>;

/**
 * Leave of absence (DESIGN rule 7): from its start the worker's accounts are disabled and the
 * grants held are snapshotted; at return exactly the snapshot comes back, minus what was removed
 * meanwhile, and the leave's coverage ends.
 */
export function createLeaveService(deps: {
  db: Database;
  clock: Clock;
  audit: AuditLog;
  accounts: Pick<AccountService, 'followLeaveInTransaction'>;
  grants: Pick<GrantService, 'revokeInTransaction'>;
  requests: Pick<RequestService, 'cancelOpenForWorkerInTransaction'>;
  coverage: Pick<CoverageService, 'endForLeaveInTransaction' | 'moveWindowInTransaction'>;
}) {
  async function timeZoneOf(db: Executor, agencyId: string): Promise<string> {
    return (await findAgency(db, agencyId))?.timeZone ?? 'UTC';
  }

  async function requireLeave(db: Executor, ctx: RequestContext, id: string, permission: 'workers.write' | 'workers.read'): Promise<LeavesTable> {
    const leave = isId(id) ? await repo.findLeaveRow(db, id) : undefined;
    if (!leave) throw new AppError('leave.not_found', 'No leave with that id.');
    authorize(ctx.actor, permission, leave.agency_id, 'leave.not_found', 'leave');
    return leave;
  }

  /** Keeps the worker's own leave dates (what rule 1 and the connected applications read) in step with the leave. */
  async function setWorkerLeaveDates(trx: Executor, ctx: RequestContext, workerId: string, leaveStart: string | null, leaveReturn: string | null, reason: string): Promise<void> {
    const worker = await findWorker(trx, workerId);
    if (!worker || (worker.leaveStart === leaveStart && worker.leaveReturn === leaveReturn)) return;
    const at = deps.clock.now().toISOString();
    const updated = { ...worker, leaveStart, leaveReturn, version: worker.version + 1, updatedAt: at };
    assertThat(await saveWorker(trx, updated, worker.version), 'conflict.version', 'The worker changed at the same moment; try again.');
    await recordWorkerState(trx, updated, at);
    await deps.audit.record(trx, ctx, [
      { action: 'worker.updated', subjectType: 'worker', subjectId: workerId, agencyId: worker.agencyId, reason, before: { leaveStart: worker.leaveStart, leaveReturn: worker.leaveReturn }, after: { leaveStart, leaveReturn } },
    ]);
    await enqueueWorkerChanges(trx, [workerId], 'worker.leave', at);
  }

  async function save(trx: Executor, leave: LeavesTable, patch: Partial<LeavesTable>): Promise<LeavesTable> {
    const at = deps.clock.now().toISOString();
    assertThat(await repo.updateLeave(trx, leave.id, leave.version, { ...patch, updated_at: at }), 'conflict.version', 'The leave changed at the same moment; reload it and try again.');
    return { ...leave, ...patch, updated_at: at, version: leave.version + 1 };
  }

  /** Every grant the worker holds now, as the snapshot the return restores. */
  async function snapshotOf(trx: Executor, workerId: string, at: string): Promise<GrantSnapshot[]> {
    const live = await listGrants(trx, { workerId, liveAt: at, limit: 5000 });
    return live.map((g) => ({ grantId: g.id, accountId: g.accountId, kind: g.kind, functionId: g.functionId, unitId: g.unitId }));
  }

  async function startInTransaction(trx: Executor, ctx: RequestContext, leave: LeavesTable): Promise<LeavesTable> {
    const at = deps.clock.now().toISOString();
    const snapshot = await snapshotOf(trx, leave.worker_id, at);
    const reason = `Leave of absence from ${leave.starts_on}`;
    await deps.accounts.followLeaveInTransaction(trx, ctx, leave.worker_id, true, reason);
    // Nothing is decided for a worker while away: what they need on return is asked for then.
    const cancelled = await deps.requests.cancelOpenForWorkerInTransaction(trx, ctx, leave.worker_id, `The worker went on leave on ${leave.starts_on}; request again after the return.`);
    const started = await save(trx, leave, { status: 'on_leave', snapshot: JSON.stringify(snapshot), started_at: at });
    await deps.audit.record(trx, ctx, [
      { action: 'leave.started', subjectType: 'leave', subjectId: leave.id, agencyId: leave.agency_id, reason, after: { workerId: leave.worker_id, snapshot, cancelledRequestIds: cancelled } },
    ]);
    return started;
  }

  async function returnInTransaction(trx: Executor, ctx: RequestContext, leave: LeavesTable, returnsOn: string, reason: string): Promise<LeavesTable> {
    const at = deps.clock.now().toISOString();
    const snapshot = JSON.parse(leave.snapshot ?? '[]') as GrantSnapshot[];
    const kept = new Set(snapshot.map((g) => g.grantId));
    const live = await listGrants(trx, { workerId: leave.worker_id, liveAt: at, limit: 5000 });
    const liveIds = new Set(live.map((g) => g.id));
    // Rule 7, "no more": anything granted while away that the snapshot lacks ends now.
    const revoked: string[] = [];
    for (const grant of live.filter((g) => !kept.has(g.id))) {
      await deps.grants.revokeInTransaction(trx, ctx, grant.id, `Granted during the leave; a return restores exactly the grants held on ${leave.starts_on}`);
      revoked.push(grant.id);
    }
    const removedMeanwhile = snapshot.filter((g) => !liveIds.has(g.grantId)).map((g) => g.grantId);
    await deps.accounts.followLeaveInTransaction(trx, ctx, leave.worker_id, false, reason);
    const coverageEnded = await deps.coverage.endForLeaveInTransaction(trx, ctx, leave.id, `${reason}: the absent worker is back`);
    const returned = await save(trx, leave, { status: 'returned', returns_on: returnsOn, returns_at: leave.returns_at !== null && leave.returns_at < at ? leave.returns_at : at, returned_at: at });
    await deps.audit.record(trx, ctx, [
      {
        action: 'leave.ended', subjectType: 'leave', subjectId: leave.id, agencyId: leave.agency_id, reason,
        after: { workerId: leave.worker_id, returnsOn, restored: snapshot.filter((g) => liveIds.has(g.grantId)).map((g) => g.grantId), removedMeanwhile, revokedExtras: revoked, coverageEnded },
      },
    ]);
    return returned;
  }

  /** A LAN administrator records a leave starting today or later, with its expected return if known. */
  async function record(ctx: RequestContext, workerId: string, input: RecordLeaveInput): Promise<Leave> {
    const worker = isId(workerId) ? await findWorker(deps.db, workerId) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    authorize(ctx.actor, 'workers.write', worker.agencyId, 'worker.not_found', 'worker');
    const timeZone = await timeZoneOf(deps.db, worker.agencyId);
    const now = deps.clock.now();
    const today = calendarDateAt(now, timeZone);
    assertThat(input.startsOn >= today, 'input.invalid', `The leave cannot start in the past; give today (${today}) or a later date.`);
    assertThat(input.returnsOn === undefined || input.returnsOn > input.startsOn, 'input.invalid', `The return date must be after the start (${input.startsOn}).`);
    const at = now.toISOString();
    const id = newId();
    await deps.db.transaction().execute(async (trx) => {
      const open = await repo.findOpenLeaveOf(trx, worker.id);
      assertThat(!open, 'leave.overlap', `The worker already has a leave ${open?.status === 'on_leave' ? 'under way' : 'scheduled'} (${open?.id}); change that one instead.`, { leaveId: open?.id });
      const leave: LeavesTable = {
        id, agency_id: worker.agencyId, worker_id: worker.id, starts_on: input.startsOn, returns_on: input.returnsOn ?? null,
        starts_at: instantDateBegins(input.startsOn, timeZone).toISOString(), returns_at: input.returnsOn ? instantDateBegins(input.returnsOn, timeZone).toISOString() : null,
        status: 'scheduled', reason: input.reason, snapshot: null, started_at: null, returned_at: null, created_by: ctx.actor.principalId, created_at: at, updated_at: at, version: 1,
      };
      await repo.insertLeave(trx, leave);
      await deps.audit.record(trx, ctx, [
        { action: 'leave.recorded', subjectType: 'leave', subjectId: id, agencyId: worker.agencyId, reason: input.reason, after: { workerId: worker.id, startsOn: leave.starts_on, returnsOn: leave.returns_on } },
      ]);
      await setWorkerLeaveDates(trx, ctx, worker.id, leave.starts_on, leave.returns_on, input.reason);
      if (leave.starts_at <= at) await startInTransaction(trx, ctx, leave);
    });
    return get(ctx, id);
  }

  /** Moves the start (before it comes) or the expected return; a return date of today or earlier is an early return. */
  async function change(ctx: RequestContext, id: string, input: ChangeLeaveInput): Promise<Leave> {
    await deps.db.transaction().execute(async (trx) => {
      const leave = await requireLeave(trx, ctx, id, 'workers.write');
      if (input.version !== undefined) assertThat(input.version === leave.version, 'conflict.version', `The leave is at version ${leave.version}, not ${input.version}; reload it and try again.`);
      assertThat(leave.status === 'scheduled' || leave.status === 'on_leave', 'leave.not_changeable', `This leave is ${leave.status}; it can no longer change.`);
      assertThat(input.startsOn === undefined || leave.status === 'scheduled', 'leave.not_changeable', 'The leave has started; only its return date can change.');
      const timeZone = await timeZoneOf(trx, leave.agency_id);
      const today = calendarDateAt(deps.clock.now(), timeZone);
      const startsOn = input.startsOn ?? leave.starts_on;
      const returnsOn = input.returnsOn === undefined ? leave.returns_on : input.returnsOn;
      assertThat(input.startsOn === undefined || startsOn >= today, 'input.invalid', `The leave cannot start in the past; give today (${today}) or a later date.`);
      assertThat(returnsOn === null || returnsOn > startsOn, 'input.invalid', `The return date must be after the start (${startsOn}).`);
      if (leave.status === 'on_leave' && returnsOn !== null && returnsOn <= today) {
        await returnInTransaction(trx, ctx, leave, today, input.reason);
        await setWorkerLeaveDates(trx, ctx, leave.worker_id, leave.starts_on, today, input.reason);
        return;
      }
      const changed = await save(trx, leave, {
        starts_on: startsOn, returns_on: returnsOn, starts_at: instantDateBegins(startsOn, timeZone).toISOString(), returns_at: returnsOn === null ? null : instantDateBegins(returnsOn, timeZone).toISOString(),
      });
      await deps.audit.record(trx, ctx, [
        { action: 'leave.changed', subjectType: 'leave', subjectId: id, agencyId: leave.agency_id, reason: input.reason, before: { startsOn: leave.starts_on, returnsOn: leave.returns_on }, after: { startsOn, returnsOn } },
      ]);
      await setWorkerLeaveDates(trx, ctx, leave.worker_id, startsOn, returnsOn, input.reason);
      await deps.coverage.moveWindowInTransaction(trx, ctx, { id, startsAt: changed.starts_at, returnsAt: changed.returns_at });
      if (changed.status === 'scheduled' && changed.starts_at <= deps.clock.now().toISOString()) await startInTransaction(trx, ctx, changed);
    });
    return get(ctx, id);
  }

  /** The worker is back before the expected return: reinstated now, coverage ended now. */
  async function returnEarly(ctx: RequestContext, id: string, reason: string): Promise<Leave> {
    await deps.db.transaction().execute(async (trx) => {
      const leave = await requireLeave(trx, ctx, id, 'workers.write');
      assertThat(leave.status === 'on_leave', 'leave.not_changeable', leave.status === 'scheduled' ? 'This leave has not started; cancel it instead.' : `This leave is ${leave.status}; the worker is not away.`);
      const today = calendarDateAt(deps.clock.now(), await timeZoneOf(trx, leave.agency_id));
      await returnInTransaction(trx, ctx, leave, today, reason);
      await setWorkerLeaveDates(trx, ctx, leave.worker_id, leave.starts_on, today, reason);
    });
    return get(ctx, id);
  }

  /** Withdraws a leave that has not started; its coverage never begins. */
  async function cancel(ctx: RequestContext, id: string, reason: string): Promise<Leave> {
    await deps.db.transaction().execute(async (trx) => {
      const leave = await requireLeave(trx, ctx, id, 'workers.write');
      assertThat(leave.status === 'scheduled', 'leave.not_changeable', leave.status === 'on_leave' ? 'This leave has started; record the return instead.' : `This leave is ${leave.status}; nothing to cancel.`);
      await save(trx, leave, { status: 'cancelled' });
      await deps.coverage.endForLeaveInTransaction(trx, ctx, id, `${reason}: the leave was cancelled`);
      await deps.audit.record(trx, ctx, [{ action: 'leave.cancelled', subjectType: 'leave', subjectId: id, agencyId: leave.agency_id, reason, before: { status: 'scheduled' }, after: { status: 'cancelled' } }]);
      await setWorkerLeaveDates(trx, ctx, leave.worker_id, null, null, reason);
    });
    return get(ctx, id);
  }

  async function get(ctx: RequestContext, id: string): Promise<Leave> {
    const leave = await requireLeave(deps.db, ctx, id, 'workers.read');
    return (await repo.findLeave(deps.db, leave.id)) as Leave;
  }

  async function listForAgency(ctx: RequestContext, agencyId: string, filter: LeaveListFilter): Promise<Page<Leave>> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'workers.read', agencyId, 'agency.not_found', 'agency');
    if (!(await findAgency(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
    const rows = await repo.listLeaves(deps.db, { agencyId, status: filter.status, afterId: decodeCursor(filter.cursor), limit: filter.limit + 1 });
    return toPage(rows, filter.limit, (l) => l.id);
  }

  async function listForWorker(ctx: RequestContext, workerId: string, page: PageRequest): Promise<Page<Leave>> {
    const worker = isId(workerId) ? await findWorker(deps.db, workerId) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    authorize(ctx.actor, 'workers.read', worker.agencyId, 'worker.not_found', 'worker');
    const rows = await repo.listLeaves(deps.db, { workerId, afterId: decodeCursor(page.cursor), limit: page.limit + 1 });
    return toPage(rows, page.limit, (l) => l.id);
  }

  /**
   * Leave dates that came from the directory (SCIM, an HR feed, a worker edit) rather than a leave
   * record get one, so such a leave disables, snapshots and restores like a recorded one.
   */
  async function adoptDirectoryLeaves(ctx: RequestContext, now: Date): Promise<number> {
    // A day's margin for time zones; a return already past needs no record.
    const returnAfter = new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    let adopted = 0;
    await runEach(await repo.listUnrecordedDirectoryLeaves(deps.db, returnAfter, 500), async (worker) => {
      const timeZone = await timeZoneOf(deps.db, worker.agencyId);
      if (worker.leaveReturn !== null && worker.leaveReturn <= calendarDateAt(now, timeZone)) return;
      const at = now.toISOString();
      await deps.db.transaction().execute(async (trx) => {
        if (await repo.findOpenLeaveOf(trx, worker.id)) return;
        const leave = await repo.insertLeave(trx, {
          id: newId(), agency_id: worker.agencyId, worker_id: worker.id, starts_on: worker.leaveStart, returns_on: worker.leaveReturn,
          starts_at: instantDateBegins(worker.leaveStart, timeZone).toISOString(), returns_at: worker.leaveReturn === null ? null : instantDateBegins(worker.leaveReturn, timeZone).toISOString(),
          status: 'scheduled', reason: 'Leave dates from the directory', snapshot: null, started_at: null, returned_at: null, created_by: ctx.actor.principalId, created_at: at, updated_at: at, version: 1,
        });
        await deps.audit.record(trx, ctx, [
          { action: 'leave.recorded', subjectType: 'leave', subjectId: leave.id, agencyId: worker.agencyId, reason: 'leave dates from the directory', after: { workerId: worker.id, startsOn: leave.startsOn, returnsOn: leave.returnsOn } },
        ]);
        adopted += 1;
      });
    });
    return adopted;
  }

  /** Starts and ends every leave whose date has come, including any that came while no server ran. */
  async function processDue(now: Date = deps.clock.now()): Promise<{ adopted: number; started: number; returned: number }> {
    const ctx = systemContext(`leaves-${now.toISOString()}`, 'gatehouse leave dates');
    const at = now.toISOString();
    const counts = { adopted: await adoptDirectoryLeaves(ctx, now), started: 0, returned: 0 };
    await runEachInTransaction(deps.db, await repo.listDueLeaves(deps.db, at, 500), async (trx, due) => {
      let leave = await repo.findLeaveRow(trx, due.id);
      if (leave?.status === 'scheduled' && leave.starts_at <= at) {
        leave = await startInTransaction(trx, ctx, leave);
        counts.started += 1;
      }
      if (leave?.status === 'on_leave' && leave.returns_at !== null && leave.returns_at <= at && leave.returns_on !== null) {
        await returnInTransaction(trx, ctx, leave, leave.returns_on, `Back from leave on ${leave.returns_on}`);
        counts.returned += 1;
      }
    });
    return counts;
  }

  return { record, change, returnEarly, cancel, get, listForAgency, listForWorker, processDue };
}
