import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { AccountHistoryTable, AccountsTable, LeaverCause, LifecycleEventsTable, WorkerHistoryTable, WorkersTable } from '../../db/schema.ts';
import type { AuditEntry, AuditLog } from '../../domain/audit/audit.service.ts';
import type { RequestContext } from '../../domain/auth/actor.ts';
import type { LeaverHooks } from '../../domain/leavers/leaver-cases.service.ts';
import { enqueueAccountChanges } from '../../outbox/outbox.ts';
import { newId } from '../../shared/ids.ts';
import type { AccountRepairChange, Change, GoneChange, JoinChange, UpdateChange } from './plan.ts';
import { unassignedJobType } from './plan.ts';
import type { KnownWorker } from './known-workers.ts';
import { unpackRecord } from './packed-record.ts';
import { type AgencyContext, type KnownAccount, loadAccountsOf, loadWorkerDetails, type WorkerDetails } from './sync-state.repo.ts';
import * as write from './sync-write.repo.ts';

export interface ApplyContext {
  ctx: RequestContext;
  audit: AuditLog;
  leavers: LeaverHooks;
  agency: AgencyContext;
  sourceId: string;
  sourceKind: string;
  runId: string;
  now: string;
}

/** Everything one batch writes, gathered first so each table gets a few multi-row statements. */
class BatchWrites {
  constructor(
    readonly details: Map<string, WorkerDetails>,
    readonly accountsOf: Map<string, KnownAccount[]>,
  ) {}

  workers: Insertable<WorkersTable>[] = [];
  workerHistory: Insertable<WorkerHistoryTable>[] = [];
  closedWorkerHistory: string[] = [];
  accounts: Insertable<AccountsTable>[] = [];
  accountHistory: Insertable<AccountHistoryTable>[] = [];
  closedAccountHistory: string[] = [];
  workerUpdates: write.WorkerUpdate[] = [];
  workerDisables: string[] = [];
  accountStatus: { account: KnownAccount; status: 'active' | 'disabled'; disabledBy: string | null }[] = [];
  lifecycle: Insertable<LifecycleEventsTable>[] = [];
  leavers: { workerId: string; cause: LeaverCause }[] = [];
  returners: string[] = [];
  audit: AuditEntry[] = [];
}

type WorkerState = Pick<WorkersTable, 'enabled' | 'unit_id' | 'job_type' | 'leave_start' | 'leave_return' | 'termination_date'>;

function historyRow(workerId: string, state: WorkerState, at: string): Insertable<WorkerHistoryTable> {
  return { id: newId(), worker_id: workerId, valid_from: at, valid_to: null, ...state };
}

/** Changes whose rows are built and written together; a transaction holds several such slices. */
const sliceSize = 1000;

/**
 * Applies one batch of planned changes inside the caller's transaction, a slice at a time: the
 * rows of a slice are written and dropped before the next is built, so they never pile up in
 * memory for the length of a large transaction.
 */
export async function applyBatch(trx: Executor, apply: ApplyContext, changes: Change[]): Promise<void> {
  for (let i = 0; i < changes.length; i += sliceSize) await applySlice(trx, apply, changes.slice(i, i + sliceSize));
}

/**
 * What a slice needs of the known workers beyond the plan (their accounts, leave and termination
 * dates) is read here, for this slice only, inside the same transaction.
 */
async function applySlice(trx: Executor, apply: ApplyContext, changes: Change[]): Promise<void> {
  const knownIds = changes.flatMap((c) => (c.kind === 'join' ? [] : [c.worker.id]));
  const batch = new BatchWrites(await loadWorkerDetails(trx, knownIds), await loadAccountsOf(trx, knownIds));
  for (const change of changes) {
    if (change.kind === 'join') addJoin(batch, apply, change);
    else if (change.kind === 'update') addUpdate(batch, apply, change);
    else if (change.kind === 'gone') addGone(batch, apply, change);
    else addRepair(batch, apply, change);
  }
  await write.insertWorkers(trx, batch.workers);
  await write.closeWorkerHistory(trx, batch.closedWorkerHistory, apply.now);
  await write.insertWorkerHistory(trx, batch.workerHistory);
  await write.updateWorkers(trx, batch.workerUpdates, apply.now);
  await write.disableWorkers(trx, batch.workerDisables, apply.now);
  await write.insertAccounts(trx, batch.accounts);
  await write.closeAccountHistory(trx, batch.closedAccountHistory, apply.now);
  await write.setAccountStatuses(trx, batch.accountStatus.map(({ account, status, disabledBy }) => ({ id: account.id, status, disabledBy })), apply.now);
  await write.insertAccountHistory(trx, batch.accountHistory);
  await write.insertLifecycleEvents(trx, batch.lifecycle);
  await apply.audit.record(trx, apply.ctx, batch.audit);
  await apply.leavers.openCasesInTransaction(trx, apply.ctx, { agencyId: apply.agency.agencyId, at: apply.now, syncRunId: apply.runId, leavers: batch.leavers });
  await apply.leavers.cancelCasesInTransaction(trx, apply.ctx, batch.returners, 'directory account enabled again');
  // New and re-aligned accounts, and every account of a changed worker (its name or email may have changed).
  const touched = [
    ...batch.accounts.map((a) => a.id), ...batch.accountStatus.map((s) => s.account.id),
    ...batch.workerUpdates.flatMap((u) => (batch.accountsOf.get(u.id) ?? []).map((a) => a.id)),
  ];
  await enqueueAccountChanges(trx, touched, 'directory sync', apply.now);
}

function addJoin(batch: BatchWrites, apply: ApplyContext, change: JoinChange): void {
  const { workerId } = change;
  const record = unpackRecord(change.record);
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
  const { worker } = change;
  const record = unpackRecord(change.record);
  const details = detailsOf(batch, worker);
  const jobType = record.jobType ?? unassignedJobType;
  const state: WorkerState = {
    enabled: change.enabled ? 1 : 0, unit_id: change.unitId, job_type: jobType,
    leave_start: details.leaveStart, leave_return: details.leaveReturn, termination_date: record.terminationDate,
  };
  batch.workerUpdates.push({ id: worker.id, record, hash: change.hash, supervisorId: change.supervisorId, enabled: state.enabled, unitId: change.unitId, jobType });
  const stateChanged = (worker.enabled === 1) !== change.enabled || details.unitId !== change.unitId || details.jobType !== jobType || details.terminationDate !== record.terminationDate;
  if (stateChanged) {
    batch.closedWorkerHistory.push(worker.id);
    batch.workerHistory.push(historyRow(worker.id, state, apply.now));
  }
  batch.audit.push({
    action: 'worker.updated', subjectType: 'worker', subjectId: worker.id, agencyId: apply.agency.agencyId, reason: 'changed in the directory',
    before: { enabled: worker.enabled === 1, unitId: details.unitId, jobType: details.jobType, terminationDate: details.terminationDate },
    after: { loginId: record.loginId, enabled: change.enabled, unitId: change.unitId, jobType, terminationDate: record.terminationDate },
  });
  if (change.mover) {
    addLifecycle(batch, apply, worker.id, 'mover', { from: { unitId: details.unitId, jobType: details.jobType }, to: { unitId: change.unitId, jobType } });
  }
  if (worker.enabled === 1 && !change.enabled) addLeaver(batch, apply, worker.id, record.enabled ? 'termination_date' : 'directory_disabled');
  if (worker.enabled === 0 && change.enabled) {
    addLifecycle(batch, apply, worker.id, 'returner', {});
    batch.returners.push(worker.id);
  }
  alignAccounts(batch, apply, worker, change.enabled);
}

function addGone(batch: BatchWrites, apply: ApplyContext, change: GoneChange): void {
  const { worker } = change;
  if (worker.enabled === 1) {
    const details = detailsOf(batch, worker);
    batch.workerDisables.push(worker.id);
    batch.closedWorkerHistory.push(worker.id);
    batch.workerHistory.push(historyRow(worker.id, {
      enabled: 0, unit_id: details.unitId, job_type: details.jobType, leave_start: details.leaveStart, leave_return: details.leaveReturn, termination_date: details.terminationDate,
    }, apply.now));
    batch.audit.push({
      action: 'worker.disabled', subjectType: 'worker', subjectId: worker.id, agencyId: apply.agency.agencyId,
      reason: 'no longer in the directory', before: { enabled: true }, after: { enabled: false },
    });
    addLeaver(batch, apply, worker.id, 'gone_from_directory');
  }
  alignAccounts(batch, apply, worker, false);
}

function addRepair(batch: BatchWrites, apply: ApplyContext, change: AccountRepairChange): void {
  alignAccounts(batch, apply, change.worker, change.enabled);
}

/** Makes the worker's accounts follow the directory, never overriding a coordinator's or leave disable. */
function alignAccounts(batch: BatchWrites, apply: ApplyContext, worker: KnownWorker, enabled: boolean): void {
  const accounts = batch.accountsOf.get(worker.id) ?? [];
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

function detailsOf(batch: BatchWrites, worker: KnownWorker): WorkerDetails {
  const details = batch.details.get(worker.id);
  if (!details) throw new Error(`Worker ${worker.externalId} vanished while the sync ran; run it again.`);
  return details;
}

function addLifecycle(batch: BatchWrites, apply: ApplyContext, workerId: string, kind: LifecycleEventsTable['kind'], details: unknown): void {
  batch.lifecycle.push({
    id: newId(), agency_id: apply.agency.agencyId, worker_id: workerId, kind, detected_at: apply.now, sync_run_id: apply.runId,
    details: JSON.stringify(details), handled_at: null,
  });
}

/** A leaver event, and a leaver case opened in the same transaction as the disable. */
function addLeaver(batch: BatchWrites, apply: ApplyContext, workerId: string, cause: LeaverCause): void {
  addLifecycle(batch, apply, workerId, 'leaver', { cause });
  batch.leavers.push({ workerId, cause });
}
