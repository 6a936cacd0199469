import type { Database } from '../../db/database.ts';
import type { LeaverCause } from '../../db/schema.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import { enqueueWorkerChanges } from '../../outbox/outbox.ts';
import { insertLifecycleEvents } from '../../sync/engine/sync-write.repo.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import { type RequestContext, systemContext } from '../auth/actor.ts';
import { type Permission, authorize } from '../auth/permissions.ts';
import type { LeaverHooks } from '../leavers/leaver-cases.service.ts';
import { findUnit } from '../units/units.repo.ts';
import { type WorkerDates, dateOrderProblems } from './worker-dates.ts';
import * as repo from './workers.repo.ts';
import type { RegisterWorkerInput, UpdateWorkerInput, Worker } from './workers.schemas.ts';

export interface WorkerListFilter extends PageRequest {
  unitId?: string | undefined;
  jobType?: string | undefined;
  enabled?: boolean | undefined;
  search?: string | undefined;
}

/** The fields a patch may change, in the order the audit log shows them. */
export const patchableFields = [
  'loginId', 'firstName', 'lastName', 'email', 'unitId', 'jobType', 'supervisorId',
  'hireDate', 'leaveStart', 'leaveReturn', 'terminationDate', 'externalId',
] as const satisfies readonly (keyof Worker)[];

export function summarize(worker: Worker, fields: readonly (keyof Worker)[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, worker[field]]));
}

function assertDatesInOrder(dates: WorkerDates): void {
  const problems = dateOrderProblems(dates);
  assertThat(problems.length === 0, 'input.invalid', `The dates are out of order: ${problems.map((p) => p.message).join(' ')}`, problems);
}

function decodeSortKey(cursor: string | undefined): repo.WorkerSortKey | undefined {
  const text = decodeCursor(cursor);
  if (text === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(text);
    if (Array.isArray(key) && key.length === 3 && key.every((part) => typeof part === 'string')) return key as repo.WorkerSortKey;
  } catch {
    // Falls through to the error below: the cursor was not one this API gave out.
  }
  throw new AppError('request.invalid', 'The cursor is not one this list gave out; start again without it.', [{ field: 'query.cursor', message: 'Unknown cursor.' }]);
}

export type WorkerService = ReturnType<typeof createWorkerService>;

export function createWorkerService(deps: {
  db: Database;
  clock: Clock;
  audit: AuditLog;
  accounts: Pick<AccountService, 'followDirectoryInTransaction' | 'openHoldingAccountsInTransaction'>;
  leavers: LeaverHooks;
}) {
  async function requireAgency(ctx: RequestContext, agencyId: string, permission: Permission): Promise<void> {
    const agency = isId(agencyId) ? await findAgency(deps.db, agencyId) : undefined;
    if (!agency) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, permission, agency.id, 'agency.not_found', 'agency');
  }

  async function findExisting(id: string): Promise<Worker> {
    const worker = isId(id) ? await repo.findWorker(deps.db, id) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    return worker;
  }

  async function loadWorker(ctx: RequestContext, id: string, permission: Permission): Promise<Worker> {
    const worker = await findExisting(id);
    authorize(ctx.actor, permission, worker.agencyId, 'worker.not_found', 'worker');
    return worker;
  }

  async function assertUnitOfAgency(agencyId: string, unitId: string): Promise<void> {
    const unit = await findUnit(deps.db, unitId);
    if (!unit || unit.agencyId !== agencyId) throw new AppError('unit.not_found', "No unit with that id in this agency; a worker's unit must belong to the worker's agency.");
  }

  const loginTaken = (loginId: string) => `Login id ${loginId} is taken (login ids are unique statewide, ignoring case); choose another.`;

  async function assertLoginFree(loginId: string): Promise<void> {
    const existing = await repo.findWorkerByLoginId(deps.db, loginId);
    assertThat(!existing, 'worker.duplicate', loginTaken(loginId));
  }

  /** The supervisor must work for the same agency and must not report, directly or not, to the worker. */
  async function assertSupervisor(agencyId: string, supervisorId: string, workerId: string): Promise<void> {
    assertThat(supervisorId !== workerId, 'worker.supervisor_cycle', 'A worker cannot supervise themselves; choose another supervisor.');
    const supervisor = await repo.findWorker(deps.db, supervisorId);
    if (!supervisor || supervisor.agencyId !== agencyId) throw new AppError('worker.not_found', "No supervisor with that id in this agency; a supervisor must work for the worker's agency.");
    const seen = new Set<string>();
    for (let above: string | null | undefined = supervisor.supervisorId; above && !seen.has(above); above = await repo.findSupervisorId(deps.db, above)) {
      assertThat(above !== workerId, 'worker.supervisor_cycle', 'That supervisor reports, directly or through others, to this worker; choose a supervisor outside their reporting line.');
      seen.add(above);
    }
  }

  /** Registers a worker in the built-in directory and opens its history. */
  async function register(ctx: RequestContext, agencyId: string, input: RegisterWorkerInput): Promise<Worker> {
    await requireAgency(ctx, agencyId, 'workers.write');
    const id = newId();
    await assertUnitOfAgency(agencyId, input.unitId);
    if (input.supervisorId) await assertSupervisor(agencyId, input.supervisorId, id);
    await assertLoginFree(input.loginId);
    const now = deps.clock.now().toISOString();
    const worker: Worker = {
      id, agencyId, loginId: input.loginId, firstName: input.firstName, lastName: input.lastName, email: input.email ?? null,
      unitId: input.unitId, jobType: input.jobType, supervisorId: input.supervisorId ?? null, enabled: input.enabled,
      hireDate: input.hireDate ?? null, leaveStart: input.leaveStart ?? null, leaveReturn: input.leaveReturn ?? null,
      terminationDate: input.terminationDate ?? null, source: 'builtin', externalId: input.externalId ?? null, version: 1, createdAt: now, updatedAt: now,
    };
    assertDatesInOrder(worker);
    await deps.db.transaction().execute(async (trx) => {
      await refuseDuplicate(repo.insertWorker(trx, worker), 'worker.duplicate', loginTaken(worker.loginId));
      await repo.recordWorkerState(trx, worker, now);
      await deps.audit.record(trx, ctx, [
        { action: 'worker.registered', subjectType: 'worker', subjectId: id, agencyId, after: summarize(worker, [...patchableFields, 'enabled', 'source']) },
      ]);
      await deps.accounts.openHoldingAccountsInTransaction(trx, ctx, worker);
    });
    return worker;
  }

  /**
   * Changes the fields given; the rest stay. With `expectedVersion`, refuses when the worker changed
   * since the caller read it.
   */
  async function update(ctx: RequestContext, id: string, patch: Omit<UpdateWorkerInput, 'version'>, expectedVersion?: number): Promise<Worker> {
    const worker = await loadWorker(ctx, id, 'workers.write');
    const versionConflict = (current: number) =>
      new AppError('conflict.version', `This worker changed since you read it (now version ${current}); read it again and reapply your change.`, { currentVersion: current });
    if (expectedVersion !== undefined && expectedVersion !== worker.version) throw versionConflict(worker.version);
    const changed = patchableFields.filter((field) => patch[field] !== undefined && patch[field] !== worker[field]);
    if (changed.length === 0) return worker;
    const updated: Worker = { ...worker, ...Object.fromEntries(changed.map((field) => [field, patch[field]])), version: worker.version + 1, updatedAt: deps.clock.now().toISOString() };
    if (updated.loginId.toLowerCase() !== worker.loginId.toLowerCase()) await assertLoginFree(updated.loginId);
    if (updated.unitId !== worker.unitId) await assertUnitOfAgency(worker.agencyId, updated.unitId);
    if (updated.supervisorId && updated.supervisorId !== worker.supervisorId) await assertSupervisor(worker.agencyId, updated.supervisorId, worker.id);
    assertDatesInOrder(updated);
    await deps.db.transaction().execute(async (trx) => {
      if (!(await refuseDuplicate(repo.saveWorker(trx, updated, worker.version), 'worker.duplicate', loginTaken(updated.loginId)))) {
        const current = await repo.findWorker(trx, id);
        throw versionConflict(current?.version ?? worker.version);
      }
      await repo.recordWorkerState(trx, updated, updated.updatedAt);
      await deps.audit.record(trx, ctx, [
        { action: 'worker.updated', subjectType: 'worker', subjectId: id, agencyId: worker.agencyId, reason: patch.reason, before: summarize(worker, changed), after: summarize(updated, changed) },
      ]);
      await enqueueWorkerChanges(trx, [id], 'worker.updated', updated.updatedAt);
      if (updated.unitId !== worker.unitId || updated.jobType !== worker.jobType) {
        // The same mover event the directory sync and SCIM record; the lifecycle timers act on it.
        await insertLifecycleEvents(trx, [{
          id: newId(), agency_id: worker.agencyId, worker_id: id, kind: 'mover', detected_at: updated.updatedAt, sync_run_id: null, handled_at: null,
          details: JSON.stringify({ from: { unitId: worker.unitId, jobType: worker.jobType }, to: { unitId: updated.unitId, jobType: updated.jobType } }),
        }]);
      }
    });
    return updated;
  }

  /** Enables or disables the directory account and every account with it, in one transaction; the caller has authorized it. */
  async function applyEnabled(ctx: RequestContext, worker: Worker, enabled: boolean, reason: string, cause: LeaverCause): Promise<Worker> {
    const { id } = worker;
    const now = deps.clock.now().toISOString();
    return deps.db.transaction().execute(async (trx) => {
      const updated = await repo.setWorkerEnabled(trx, id, enabled, now);
      await repo.recordWorkerState(trx, updated, now);
      await deps.audit.record(trx, ctx, [
        { action: enabled ? 'worker.enabled' : 'worker.disabled', subjectType: 'worker', subjectId: id, agencyId: worker.agencyId, reason, before: { enabled: worker.enabled }, after: { enabled } },
      ]);
      await deps.accounts.followDirectoryInTransaction(trx, ctx, id, enabled, reason);
      if (enabled) await deps.leavers.cancelCasesInTransaction(trx, ctx, [id], reason);
      else await deps.leavers.openCasesInTransaction(trx, ctx, { agencyId: worker.agencyId, at: now, syncRunId: null, leavers: [{ workerId: id, cause }] });
      return updated;
    });
  }

  async function setEnabled(ctx: RequestContext, id: string, enabled: boolean, reason: string): Promise<Worker> {
    const worker = await loadWorker(ctx, id, 'workers.write');
    if (worker.enabled === enabled) return worker;
    return applyEnabled(ctx, worker, enabled, reason, 'directory_disabled');
  }

  /**
   * A termination date in the built-in or SCIM directory takes effect on its day (the agency's
   * calendar): the worker is disabled like any directory disable. Sync sources do this in their runs.
   */
  async function disableDueTerminations(now: Date = deps.clock.now()): Promise<{ disabled: number }> {
    const ctx = systemContext(`terminations-${now.toISOString()}`, 'gatehouse terminations');
    let disabled = 0;
    for (const agency of await repo.listAgencyTimeZones(deps.db)) {
      for (const worker of await repo.listDueTerminations(deps.db, agency.id, calendarDateAt(now, agency.timeZone), 500)) {
        await applyEnabled(ctx, worker, false, `Termination date ${worker.terminationDate ?? ''} reached`, 'termination_date');
        disabled += 1;
      }
    }
    return { disabled };
  }

  /** Disables the directory account at once; disabling an already disabled worker changes nothing. */
  async function disable(ctx: RequestContext, id: string, reason: string): Promise<Worker> {
    return setEnabled(ctx, id, false, reason);
  }

  /** Enables the directory account again; enabling an enabled worker changes nothing. */
  async function enable(ctx: RequestContext, id: string, reason: string): Promise<Worker> {
    return setEnabled(ctx, id, true, reason);
  }

  /** A worker for staff of its agency, and for the worker themselves. */
  async function get(ctx: RequestContext, id: string): Promise<Worker> {
    const worker = await findExisting(id);
    if (ctx.actor.workerId !== worker.id) authorize(ctx.actor, 'workers.read', worker.agencyId, 'worker.not_found', 'worker');
    return worker;
  }

  /** The agency's worker with this login id (case ignored), through the unique login index; undefined when none. */
  async function findByLogin(ctx: RequestContext, agencyId: string, loginId: string): Promise<Worker | undefined> {
    await requireAgency(ctx, agencyId, 'workers.read');
    const worker = await repo.findWorkerByLoginId(deps.db, loginId.trim());
    return worker?.agencyId === agencyId ? worker : undefined;
  }

  /** Workers of an agency by last name, first name and id. */
  async function list(ctx: RequestContext, agencyId: string, filter: WorkerListFilter): Promise<Page<Worker>> {
    await requireAgency(ctx, agencyId, 'workers.read');
    const rows = await repo.listWorkers(deps.db, {
      agencyId, unitId: filter.unitId, jobType: filter.jobType, enabled: filter.enabled, search: filter.search, after: decodeSortKey(filter.cursor), limit: filter.limit + 1,
    });
    return toPage(rows, filter.limit, (w) => JSON.stringify([w.lastName, w.firstName, w.id]));
  }

  return { register, update, disable, enable, disableDueTerminations, get, list, findByLogin };
}
