import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { AccountHistoryTable, AccountsTable, LifecycleEventsTable, WorkerHistoryTable, WorkersTable } from '../../db/schema.ts';
import type { AuditEntry, AuditLog } from '../../domain/audit/audit.service.ts';
import type { RequestContext } from '../../domain/auth/actor.ts';
import { newId } from '../../shared/ids.ts';
import type { AccountRepairChange, Change, GoneChange, JoinChange, UpdateChange } from './plan.ts';
import { unassignedJobType } from './plan.ts';
import type { AgencyContext, KnownAccount, KnownWorker } from './sync-state.repo.ts';
import * as write from './sync-write.repo.ts';

export interface ApplyContext {
  ctx: RequestContext;
  audit: AuditLog;
  agency: AgencyContext;
  accounts: Map<string, KnownAccount[]>;
  sourceId: string;
  sourceKind: string;
  runId: string;
  now: string;
}

/** Everything one batch writes, gathered first so each table gets a few multi-row statements. */
class BatchWrites {
  workers: Insertable<WorkersTable>[] = [];
  workerHistory: Insertable<WorkerHistoryTable>[] = [];
  closedWorkerHistory: string[] = [];
  accounts: Insertable<AccountsTable>[] = [];
  accountHistory: Insertable<AccountHistoryTable>[] = [];
  closedAccountHistory: string[] = [];
  workerUpdates: { id: string; patch: Partial<WorkersTable> }[] = [];
  accountStatus: { account: KnownAccount; status: 'active' | 'disabled'; disabledBy: string | null }[] = [];
  lifecycle: Insertable<LifecycleEventsTable>[] = [];
  audit: AuditEntry[] = [];
}

type WorkerState = Pick<WorkersTable, 'enabled' | 'unit_id' | 'job_type' | 'leave_start' | 'leave_return' | 'termination_date'>;

function historyRow(workerId: string, state: WorkerState, at: string): Insertable<WorkerHistoryTable> {
  return { id: newId(), worker_id: workerId, valid_from: at, valid_to: null, ...state };
}

/** Applies one batch of planned changes inside the caller's transaction. */
export async function applyBatch(trx: Executor, apply: ApplyContext, changes: Change[]): Promise<void> {
  const batch = new BatchWrites();
  for (const change of changes) {
    if (change.kind === 'join') addJoin(batch, apply, change);
    else if (change.kind === 'update') addUpdate(batch, apply, change);
    else if (change.kind === 'gone') addGone(batch, apply, change);
    else addRepair(batch, apply, change);
  }
  await write.insertWorkers(trx, batch.workers);
  await write.closeWorkerHistory(trx, batch.closedWorkerHistory, apply.now);
  await write.insertWorkerHistory(trx, batch.workerHistory);
  for (const update of batch.workerUpdates) await write.updateWorker(trx, update.id, update.patch);
  await write.insertAccounts(trx, batch.accounts);
  await write.closeAccountHistory(trx, batch.closedAccountHistory, apply.now);
  for (const { account, status, disabledBy } of batch.accountStatus) {
    await write.setAccountStatus(trx, account.id, { status, disabled_by: disabledBy, updated_at: apply.now });
  }
  await write.insertAccountHistory(trx, batch.accountHistory);
  await write.insertLifecycleEvents(trx, batch.lifecycle);
  await apply.audit.record(trx, apply.ctx, batch.audit);
}

function addJoin(batch: BatchWrites, apply: ApplyContext, change: JoinChange): void {
  const { record, workerId } = change;
  const state: WorkerState = {
    enabled: change.enabled ? 1 : 0, unit_id: change.unitId, job_type: record.jobType ?? unassignedJobType,
    leave_start: null, leave_return: null, termination_date: record.terminationDate,
  };
  batch.workers.push({
    id: workerId, agency_id: apply.agency.agencyId, login_id: record.loginId, login_key: record.loginId.toLowerCase(),
    first_name: record.firstName, last_name: record.lastName, email: record.email, supervisor_id: change.supervisorId,
    hire_date: record.hireDate, source: apply.sourceKind, external_id: record.externalId, source_id: apply.sourceId,
    source_hash: change.hash, version: 1, created_at: apply.now, updated_at: apply.now, ...state,
  });
  batch.workerHistory.push(historyRow(workerId, state, apply.now));
  batch.audit.push({
    action: 'worker.registered', subjectType: 'worker', subjectId: workerId, agencyId: apply.agency.agencyId, reason: 'new in the directory',
    after: { loginId: record.loginId, externalId: record.externalId, unitCode: record.unitCode, jobType: state.job_type, enabled: change.enabled },
  });
  for (const applicationId of apply.agency.provisionedApplicationIds) {
    const accountId = newId();
    const status = change.enabled ? 'active' : 'disabled';
    batch.accounts.push({
      id: accountId, worker_id: workerId, application_id: applicationId, agency_id: apply.agency.agencyId, unit_id: apply.agency.holdingUnitId,
      status, disabled_by: change.enabled ? null : 'directory', end_date: null, version: 1, created_at: apply.now, updated_at: apply.now,
    });
    batch.accountHistory.push({ id: newId(), account_id: accountId, valid_from: apply.now, valid_to: null, status, unit_id: apply.agency.holdingUnitId, end_date: null });
    batch.audit.push({
      action: 'account.opened', subjectType: 'account', subjectId: accountId, agencyId: apply.agency.agencyId,
      reason: 'new worker: account in the holding unit with no access', after: { workerId, applicationId, unitId: apply.agency.holdingUnitId, status },
    });
  }
}

function addUpdate(batch: BatchWrites, apply: ApplyContext, change: UpdateChange): void {
  const { worker, record } = change;
  const jobType = record.jobType ?? unassignedJobType;
  const state: WorkerState = {
    enabled: change.enabled ? 1 : 0, unit_id: change.unitId, job_type: jobType,
    leave_start: worker.leaveStart, leave_return: worker.leaveReturn, termination_date: record.terminationDate,
  };
  batch.workerUpdates.push({
    id: worker.id,
    patch: {
      login_id: record.loginId, login_key: record.loginId.toLowerCase(), first_name: record.firstName, last_name: record.lastName,
      email: record.email, supervisor_id: change.supervisorId, hire_date: record.hireDate, source_hash: change.hash,
      version: worker.version + 1, updated_at: apply.now, ...state,
    },
  });
  const stateChanged = (worker.enabled === 1) !== change.enabled || worker.unitId !== change.unitId || worker.jobType !== jobType || worker.terminationDate !== record.terminationDate;
  if (stateChanged) {
    batch.closedWorkerHistory.push(worker.id);
    batch.workerHistory.push(historyRow(worker.id, state, apply.now));
  }
  batch.audit.push({
    action: 'worker.updated', subjectType: 'worker', subjectId: worker.id, agencyId: apply.agency.agencyId, reason: 'changed in the directory',
    before: { enabled: worker.enabled === 1, unitId: worker.unitId, jobType: worker.jobType, terminationDate: worker.terminationDate },
    after: { loginId: record.loginId, enabled: change.enabled, unitId: change.unitId, jobType, terminationDate: record.terminationDate },
  });
  if (change.mover) {
    addLifecycle(batch, apply, worker.id, 'mover', { from: { unitId: worker.unitId, jobType: worker.jobType }, to: { unitId: change.unitId, jobType } });
  }
  if (worker.enabled === 1 && !change.enabled) {
    addLifecycle(batch, apply, worker.id, 'leaver', { cause: record.enabled ? 'termination_date' : 'directory_disabled' });
  }
  if (worker.enabled === 0 && change.enabled) addLifecycle(batch, apply, worker.id, 'returner', {});
  alignAccounts(batch, apply, worker, change.enabled);
}

function addGone(batch: BatchWrites, apply: ApplyContext, change: GoneChange): void {
  const { worker } = change;
  if (worker.enabled === 1) {
    batch.workerUpdates.push({ id: worker.id, patch: { enabled: 0, version: worker.version + 1, updated_at: apply.now } });
    batch.closedWorkerHistory.push(worker.id);
    batch.workerHistory.push(historyRow(worker.id, {
      enabled: 0, unit_id: worker.unitId, job_type: worker.jobType, leave_start: worker.leaveStart, leave_return: worker.leaveReturn, termination_date: worker.terminationDate,
    }, apply.now));
    batch.audit.push({
      action: 'worker.disabled', subjectType: 'worker', subjectId: worker.id, agencyId: apply.agency.agencyId,
      reason: 'no longer in the directory', before: { enabled: true }, after: { enabled: false },
    });
    addLifecycle(batch, apply, worker.id, 'leaver', { cause: 'gone_from_directory' });
  }
  alignAccounts(batch, apply, worker, false);
}

function addRepair(batch: BatchWrites, apply: ApplyContext, change: AccountRepairChange): void {
  alignAccounts(batch, apply, change.worker, change.enabled);
}

/** Makes the worker's accounts follow the directory, never overriding a coordinator's or leave disable. */
function alignAccounts(batch: BatchWrites, apply: ApplyContext, worker: KnownWorker, enabled: boolean): void {
  const accounts = apply.accounts.get(worker.id) ?? [];
  for (const account of accounts) {
    if (account.status === 'end_dated') continue;
    const disable = !enabled && account.status === 'active';
    const enable = enabled && account.status === 'disabled' && account.disabledBy === 'directory';
    if (!disable && !enable) continue;
    const status = disable ? 'disabled' : 'active';
    batch.accountStatus.push({ account, status, disabledBy: disable ? 'directory' : null });
    batch.closedAccountHistory.push(account.id);
    batch.accountHistory.push({ id: newId(), account_id: account.id, valid_from: apply.now, valid_to: null, status, unit_id: account.unitId, end_date: account.endDate });
    batch.audit.push({
      action: disable ? 'account.disabled' : 'account.enabled', subjectType: 'account', subjectId: account.id, agencyId: apply.agency.agencyId,
      reason: disable ? 'directory account disabled' : 'directory account enabled again', before: { status: account.status }, after: { status },
    });
  }
  for (const applicationId of apply.agency.provisionedApplicationIds) {
    if (accounts.some((a) => a.applicationId === applicationId)) continue;
    const accountId = newId();
    const status = enabled ? 'active' : 'disabled';
    batch.accounts.push({
      id: accountId, worker_id: worker.id, application_id: applicationId, agency_id: apply.agency.agencyId, unit_id: apply.agency.holdingUnitId,
      status, disabled_by: enabled ? null : 'directory', end_date: null, version: 1, created_at: apply.now, updated_at: apply.now,
    });
    batch.accountHistory.push({ id: newId(), account_id: accountId, valid_from: apply.now, valid_to: null, status, unit_id: apply.agency.holdingUnitId, end_date: null });
    batch.audit.push({
      action: 'account.opened', subjectType: 'account', subjectId: accountId, agencyId: apply.agency.agencyId,
      reason: 'missing account for a directory worker', after: { workerId: worker.id, applicationId, status },
    });
  }
}

function addLifecycle(batch: BatchWrites, apply: ApplyContext, workerId: string, kind: LifecycleEventsTable['kind'], details: unknown): void {
  batch.lifecycle.push({
    id: newId(), agency_id: apply.agency.agencyId, worker_id: workerId, kind, detected_at: apply.now, sync_run_id: apply.runId,
    details: JSON.stringify(details), handled_at: null,
  });
}
