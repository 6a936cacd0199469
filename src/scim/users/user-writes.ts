import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { LifecycleEventsTable, WorkersTable } from '../../db/schema.ts';
import type { AccountService } from '../../domain/accounts/accounts.service.ts';
import type { AuditEntry, AuditLog } from '../../domain/audit/audit.service.ts';
import type { LeaverHooks } from '../../domain/leavers/leaver-cases.service.ts';
import { enqueueAccountChanges, enqueueWorkerChanges } from '../../outbox/outbox.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type AgencyContext, loadAgencyContext } from '../../sync/engine/sync-state.repo.ts';
import * as write from '../../sync/engine/sync-write.repo.ts';
import { type ScimCall, ConcurrentChange, contextOf } from '../scim-call.ts';
import { invalidValue, refuseScimDuplicate, ScimError } from '../scim-errors.ts';
import type { Json } from '../scim-json.ts';
import * as repo from './scim-users.repo.ts';
import type { UserFields } from './user-mapping.ts';

export interface UserWriteDeps {
  audit: AuditLog;
  accounts: Pick<AccountService, 'followDirectoryInTransaction'>;
  leavers: LeaverHooks;
}

/** Where the worker sits: the unit its code names and the supervisor its manager names. */
export interface Placement {
  agency: AgencyContext;
  unitId: string;
  supervisorId: string | null;
}

const uniqueness = (detail: string) => new ScimError(409, 'uniqueness', detail);

export function loginTaken(loginId: string): ScimError {
  return uniqueness(`userName "${loginId}" is already in use (login ids are unique state-wide, ignoring case); choose another.`);
}

/** Resolves the unit code and checks the manager: a User of the same agency, outside the worker's own reporting line. */
export async function resolvePlacement(trx: Executor, call: ScimCall, fields: UserFields, workerId: string, currentSupervisorId: string | null): Promise<Placement> {
  const agency = await loadAgencyContext(trx, call.client.agencyId);
  if (!agency) throw new ScimError(500, null, 'The agency has no holding unit (N01) to place workers in; ask a state administrator to repair it.');
  let unitId = agency.holdingUnitId;
  if (fields.unitCode !== null) {
    const found = agency.unitIdsByCode.get(fields.unitCode.toUpperCase());
    if (!found) throw invalidValue(`There is no unit "${fields.unitCode}" in agency ${call.client.agencyCode}; use one of its unit codes, or leave the unit out for the holding unit.`);
    unitId = found;
  }
  const supervisorId = fields.supervisorId;
  if (supervisorId !== null && supervisorId !== currentSupervisorId) {
    if (supervisorId === workerId) throw invalidValue('A User cannot be their own manager.');
    if (!isId(supervisorId) || !(await repo.findUser(trx, call.client.agencyId, supervisorId))) {
      throw invalidValue(`manager.value "${supervisorId.slice(0, 80)}" is not the id of a User of this agency.`);
    }
    const seen = new Set<string>();
    for (let above = await repo.findSupervisor(trx, supervisorId); above && !seen.has(above); above = await repo.findSupervisor(trx, above)) {
      if (above === workerId) throw invalidValue('That manager reports, directly or through others, to this User; choose a manager outside their reporting line.');
      seen.add(above);
    }
  }
  return { agency, unitId, supervisorId };
}

function workerColumns(fields: UserFields, placement: Placement, enabled: boolean, externalId: string) {
  return {
    login_id: fields.loginId, login_key: fields.loginId.toLowerCase(), first_name: fields.firstName, last_name: fields.lastName, email: fields.email,
    unit_id: placement.unitId, job_type: fields.jobType, supervisor_id: placement.supervisorId, enabled: enabled ? 1 : 0,
    leave_start: fields.leaveStart, leave_return: fields.leaveReturn, termination_date: fields.terminationDate, external_id: externalId,
  } as const;
}

type WorkerColumns = ReturnType<typeof workerColumns>;

function stateOf(columns: Pick<WorkerColumns, 'enabled' | 'unit_id' | 'job_type' | 'leave_start' | 'leave_return' | 'termination_date'>) {
  const { enabled, unit_id, job_type, leave_start, leave_return, termination_date } = columns;
  return { enabled, unit_id, job_type, leave_start, leave_return, termination_date };
}

function scimColumns(fields: UserFields, resource: Json) {
  return { external_id: fields.externalId, display_key: fields.displayKey, emails: fields.emailsText, resource: JSON.stringify(resource) };
}

/**
 * A new worker in the agency's SCIM directory (rule 2): registered with its history, and an
 * account with no access in the holding unit of every application the directory provisions.
 */
export async function registerUser(trx: Executor, deps: UserWriteDeps, call: ScimCall, fields: UserFields, resource: Json, placement: Placement, id: string, now: string): Promise<void> {
  const enabled = fields.enabled ?? true;
  const columns = workerColumns(fields, placement, enabled, fields.externalId ?? id);
  const worker: Insertable<WorkersTable> = {
    ...columns, id, agency_id: call.client.agencyId, hire_date: null, source: 'scim', source_id: call.client.sourceId, source_hash: null,
    version: 1, created_at: now, updated_at: now,
  };
  await refuseScimDuplicate(write.insertWorkers(trx, [worker]), loginTaken(fields.loginId).message);
  await write.insertWorkerHistory(trx, [{ id: newId(), worker_id: id, valid_from: now, valid_to: null, ...stateOf(columns) }]);
  const agencyId = call.client.agencyId;
  const audit: AuditEntry[] = [{
    action: 'worker.registered', subjectType: 'worker', subjectId: id, agencyId, reason: 'created by the SCIM client',
    after: { loginId: fields.loginId, externalId: columns.external_id, unitId: placement.unitId, jobType: fields.jobType, enabled },
  }];
  const { holdingUnitId, provisionedApplicationIds } = placement.agency;
  const status = enabled ? 'active' : 'disabled';
  const accounts = provisionedApplicationIds.map((applicationId) => ({
    id: newId(), worker_id: id, application_id: applicationId, agency_id: agencyId, unit_id: holdingUnitId, status,
    disabled_by: enabled ? null : 'directory', end_date: null, version: 1, created_at: now, updated_at: now,
  } as const));
  await write.insertAccounts(trx, accounts);
  await write.insertAccountHistory(trx, accounts.map((a) => ({ id: newId(), account_id: a.id, valid_from: now, valid_to: null, status, unit_id: holdingUnitId, end_date: null })));
  for (const account of accounts) {
    audit.push({
      action: 'account.opened', subjectType: 'account', subjectId: account.id, agencyId, reason: 'new worker: account in the holding unit with no access',
      after: { workerId: id, applicationId: account.application_id, unitId: holdingUnitId, status },
    });
  }
  await refuseScimDuplicate(
    repo.insertScimUser(trx, { worker_id: id, agency_id: agencyId, ...scimColumns(fields, resource), version: 1, created_at: now, updated_at: now }),
    `externalId "${fields.externalId ?? ''}" is already used by another User of this agency.`,
  );
  audit.push({ action: 'scim_user.created', subjectType: 'worker', subjectId: id, agencyId, after: { userName: fields.loginId, externalId: fields.externalId } });
  await deps.audit.record(trx, contextOf(call), audit);
  await enqueueAccountChanges(trx, accounts.map((a) => a.id), 'account.opened', now);
}

/**
 * A worker of the agency's SCIM directory that the client deleted earlier (or that has no SCIM
 * resource yet) is shown again, with its history, before it is changed like any other User.
 */
export async function reattachUser(trx: Executor, deps: UserWriteDeps, call: ScimCall, workerId: string, now: string): Promise<repo.UserRow> {
  await repo.insertScimUser(trx, { worker_id: workerId, agency_id: call.client.agencyId, external_id: null, display_key: null, emails: '', resource: '{}', version: 1, created_at: now, updated_at: now });
  await deps.audit.record(trx, contextOf(call), [{ action: 'scim_user.created', subjectType: 'worker', subjectId: workerId, agencyId: call.client.agencyId, reason: 'the client created a User for a worker of its directory again' }]);
  const row = await repo.findUser(trx, call.client.agencyId, workerId);
  if (!row) throw new ConcurrentChange();
  return row;
}

const auditedFields = [
  ['login_id', 'loginId'], ['first_name', 'firstName'], ['last_name', 'lastName'], ['email', 'email'], ['unit_id', 'unitId'], ['job_type', 'jobType'],
  ['supervisor_id', 'supervisorId'], ['leave_start', 'leaveStart'], ['leave_return', 'leaveReturn'], ['termination_date', 'terminationDate'], ['external_id', 'externalId'],
] as const;

/**
 * Applies a User's new state to the worker and the SCIM row. `active` changing to false is rule
 * 4's immediate path: every application account is disabled in this same transaction.
 */
export async function changeUser(
  trx: Executor, deps: UserWriteDeps, call: ScimCall, current: repo.UserRow, change: { fields: UserFields; resource: Json; resourceChanged: boolean; placement: Placement; reason: string }, now: string,
): Promise<boolean> {
  const { fields, placement, reason } = change;
  const wasEnabled = current.enabled === 1;
  const enabled = fields.enabled ?? wasEnabled;
  const before = {
    login_id: current.loginId, first_name: current.firstName, last_name: current.lastName, email: current.email, unit_id: current.unitId, job_type: current.jobType,
    supervisor_id: current.supervisorId, leave_start: current.leaveStart, leave_return: current.leaveReturn, termination_date: current.terminationDate,
    external_id: current.workerExternalId,
  };
  const after = workerColumns(fields, placement, enabled, fields.externalId ?? current.id);
  const changed = auditedFields.filter(([column]) => before[column] !== after[column]);
  const enabledChanged = enabled !== wasEnabled;
  const agencyId = call.client.agencyId;
  const ctx = contextOf(call);
  if (changed.length > 0 || enabledChanged) {
    const values = { ...after, version: current.workerVersion + 1, updated_at: now };
    if (!(await refuseScimDuplicate(repo.updateWorkerColumns(trx, current.id, values, current.workerVersion), loginTaken(fields.loginId).message))) throw new ConcurrentChange();
    const audit: AuditEntry[] = [];
    const lifecycle: Insertable<LifecycleEventsTable>[] = [];
    const event = (kind: LifecycleEventsTable['kind'], details: unknown) =>
      lifecycle.push({ id: newId(), agency_id: agencyId, worker_id: current.id, kind, detected_at: now, sync_run_id: null, details: JSON.stringify(details), handled_at: null });
    if (changed.length > 0) {
      audit.push({
        action: 'worker.updated', subjectType: 'worker', subjectId: current.id, agencyId, reason,
        before: Object.fromEntries(changed.map(([column, name]) => [name, before[column]])), after: Object.fromEntries(changed.map(([column, name]) => [name, after[column]])),
      });
    }
    if (enabledChanged) {
      audit.push({ action: enabled ? 'worker.enabled' : 'worker.disabled', subjectType: 'worker', subjectId: current.id, agencyId, reason, before: { enabled: wasEnabled }, after: { enabled } });
      event(enabled ? 'returner' : 'leaver', enabled ? {} : { cause: 'scim_inactive' });
    }
    if (before.unit_id !== after.unit_id || before.job_type !== after.job_type) {
      event('mover', { from: { unitId: before.unit_id, jobType: before.job_type }, to: { unitId: after.unit_id, jobType: after.job_type } });
    }
    const stateChanged = enabledChanged || changed.some(([column]) => ['unit_id', 'job_type', 'leave_start', 'leave_return', 'termination_date'].includes(column));
    if (stateChanged) {
      await write.closeWorkerHistory(trx, [current.id], now);
      await write.insertWorkerHistory(trx, [{ id: newId(), worker_id: current.id, valid_from: now, valid_to: null, ...stateOf(after) }]);
    }
    await write.insertLifecycleEvents(trx, lifecycle);
    await deps.audit.record(trx, ctx, audit);
    if (enabledChanged) {
      await deps.accounts.followDirectoryInTransaction(trx, ctx, current.id, enabled, reason);
      if (enabled) await deps.leavers.cancelCasesInTransaction(trx, ctx, [current.id], reason);
      else await deps.leavers.openCasesInTransaction(trx, ctx, { agencyId, at: now, syncRunId: null, leavers: [{ workerId: current.id, cause: 'scim_inactive' }] });
    }
    // Connected applications get the new name, email or placement too.
    if (changed.length > 0) await enqueueWorkerChanges(trx, [current.id], 'worker.updated', now);
  }
  const anyChange = changed.length > 0 || enabledChanged || change.resourceChanged;
  if (anyChange) {
    const row = { worker_id: current.id, ...scimColumns(fields, change.resource), version: current.version + 1, updated_at: now };
    const written = await refuseScimDuplicate(repo.updateScimUser(trx, row, current.version), `externalId "${fields.externalId ?? ''}" is already used by another User of this agency.`);
    if (!written) throw new ConcurrentChange();
  }
  return anyChange;
}

/**
 * DELETE: the User is gone for the client (404 from now on) but the worker row stays, for its
 * history: disabled at once with every account, and out of every group.
 */
export async function removeUser(trx: Executor, deps: UserWriteDeps, call: ScimCall, current: repo.UserRow, now: string): Promise<void> {
  const agencyId = call.client.agencyId;
  const ctx = contextOf(call);
  const reason = 'deleted by the SCIM client';
  if (current.enabled === 1) {
    const values = { enabled: 0 as const, version: current.workerVersion + 1, updated_at: now };
    if (!(await repo.updateWorkerColumns(trx, current.id, values, current.workerVersion))) throw new ConcurrentChange();
    await write.closeWorkerHistory(trx, [current.id], now);
    await write.insertWorkerHistory(trx, [{
      id: newId(), worker_id: current.id, valid_from: now, valid_to: null, enabled: 0, unit_id: current.unitId, job_type: current.jobType,
      leave_start: current.leaveStart, leave_return: current.leaveReturn, termination_date: current.terminationDate,
    }]);
    await write.insertLifecycleEvents(trx, [{ id: newId(), agency_id: agencyId, worker_id: current.id, kind: 'leaver', detected_at: now, sync_run_id: null, details: JSON.stringify({ cause: 'scim_deleted' }), handled_at: null }]);
    await deps.audit.record(trx, ctx, [{ action: 'worker.disabled', subjectType: 'worker', subjectId: current.id, agencyId, reason, before: { enabled: true }, after: { enabled: false } }]);
    await deps.accounts.followDirectoryInTransaction(trx, ctx, current.id, false, reason);
    await deps.leavers.openCasesInTransaction(trx, ctx, { agencyId, at: now, syncRunId: null, leavers: [{ workerId: current.id, cause: 'scim_deleted' }] });
  }
  await repo.deleteScimUser(trx, current.id, now);
  await deps.audit.record(trx, ctx, [{ action: 'scim_user.deleted', subjectType: 'worker', subjectId: current.id, agencyId, reason, before: { userName: current.loginId } }]);
}
