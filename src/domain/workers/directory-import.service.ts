import type { Database, Executor } from '../../db/database.ts';
import { enqueueWorkerChanges } from '../../outbox/outbox.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import type { DirectoryProblem, DirectoryRecord } from '../../sync/directory-record.ts';
import { findRecordProblem } from '../../sync/directory-record-rules.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import type { AuditEntry, AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import type { LeaverHooks } from '../leavers/leaver-cases.service.ts';
import { listUnitCodes } from '../units/units.repo.ts';
import { dateOrderProblems } from './worker-dates.ts';
import * as repo from './workers.repo.ts';
import type { Worker } from './workers.schemas.ts';
import { patchableFields, summarize } from './workers.service.ts';

/** The most records one import takes; a larger HR export belongs in a CSV directory source. */
export const maxImportRecords = 100_000;

export interface DirectoryImportResult {
  records: number;
  registered: number;
  updated: number;
  enabled: number;
  disabled: number;
  unchanged: number;
  /** Records left out (only with `skipInvalid`; otherwise any problem refuses the whole import). */
  skipped: DirectoryProblem[];
  dryRun: boolean;
}

interface Planned {
  record: DirectoryRecord;
  before: Worker | undefined;
  after: Worker;
}

/**
 * Registers and changes workers of an agency's built-in directory from records read off an HR
 * export. A record is matched to a built-in worker of the agency by its external id, then by its
 * login id; workers the file does not list are left alone (an import is not a sync). The whole
 * import is one transaction: any invalid record refuses it, unless `skipInvalid` leaves it out.
 */
export function createDirectoryImport(deps: {
  db: Database;
  clock: Clock;
  audit: AuditLog;
  accounts: Pick<AccountService, 'followDirectoryInTransaction' | 'openHoldingAccountsInTransaction'>;
  leavers: LeaverHooks;
}) {
  async function importRecords(
    ctx: RequestContext,
    agencyId: string,
    records: DirectoryRecord[],
    options: { dryRun?: boolean | undefined; skipInvalid?: boolean | undefined; reason: string },
  ): Promise<DirectoryImportResult> {
    const agency = isId(agencyId) ? await findAgency(deps.db, agencyId) : undefined;
    if (!agency) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'workers.write', agency.id, 'agency.not_found', 'agency');
    if (records.length > maxImportRecords) {
      throw new AppError('input.invalid', `The file holds ${records.length} workers; one import takes at most ${maxImportRecords}. Split the file, or add it as a CSV directory source.`);
    }
    const now = deps.clock.now().toISOString();
    return deps.db.transaction().execute(async (trx) => {
      const { planned, problems } = await planImport(trx, agency.id, records, now);
      if (problems.length > 0 && !options.skipInvalid) {
        throw new AppError(
          'input.invalid',
          `${problems.length} of ${records.length} records cannot be imported, so nothing was: fix them, or leave them out with --skip-invalid.`,
          problems.map((p) => ({ field: p.ref, message: p.reason })),
        );
      }
      const result = countChanges(planned, records.length, problems, Boolean(options.dryRun));
      if (!options.dryRun) await writeChanges(trx, ctx, agency.id, planned, options.reason, now);
      return result;
    });
  }

  async function writeChanges(trx: Executor, ctx: RequestContext, agencyId: string, planned: Planned[], reason: string, now: string): Promise<void> {
    const entries: AuditEntry[] = [];
    const changedIds: string[] = [];
    const toggled: Worker[] = [];
    for (const { before, after } of supervisorsFirst(planned)) {
      if (!before) {
        await repo.insertWorker(trx, after);
        await repo.recordWorkerState(trx, after, now);
        entries.push({ action: 'worker.registered', subjectType: 'worker', subjectId: after.id, agencyId: after.agencyId, reason, after: summarize(after, [...patchableFields, 'enabled', 'source']) });
        continue;
      }
      const changed = patchableFields.filter((field) => after[field] !== before[field]);
      if (changed.length === 0 && after.enabled === before.enabled) continue;
      if (!(await repo.saveWorker(trx, after, before.version))) {
        throw new AppError('conflict.version', `Worker ${before.loginId} changed while the import ran; run the import again.`);
      }
      await repo.recordWorkerState(trx, after, now);
      if (changed.length > 0) {
        entries.push({ action: 'worker.updated', subjectType: 'worker', subjectId: after.id, agencyId: after.agencyId, reason, before: summarize(before, changed), after: summarize(after, changed) });
        changedIds.push(after.id);
      }
      if (after.enabled !== before.enabled) {
        entries.push({ action: after.enabled ? 'worker.enabled' : 'worker.disabled', subjectType: 'worker', subjectId: after.id, agencyId: after.agencyId, reason, before: { enabled: before.enabled }, after: { enabled: after.enabled } });
        toggled.push(after);
      }
    }
    await deps.audit.record(trx, ctx, entries);
    for (const { before, after } of planned) if (!before) await deps.accounts.openHoldingAccountsInTransaction(trx, ctx, after);
    for (const worker of toggled) await deps.accounts.followDirectoryInTransaction(trx, ctx, worker.id, worker.enabled, reason);
    const leavers = toggled.filter((w) => !w.enabled).map((w) => ({ workerId: w.id, cause: 'directory_disabled' as const }));
    await deps.leavers.openCasesInTransaction(trx, ctx, { agencyId, at: now, syncRunId: null, leavers });
    await deps.leavers.cancelCasesInTransaction(trx, ctx, toggled.filter((w) => w.enabled).map((w) => w.id), reason);
    if (changedIds.length > 0) await enqueueWorkerChanges(trx, changedIds, 'worker.updated', now);
  }

  return { importRecords };
}

function countChanges(planned: Planned[], records: number, skipped: DirectoryProblem[], dryRun: boolean): DirectoryImportResult {
  const result: DirectoryImportResult = { records, registered: 0, updated: 0, enabled: 0, disabled: 0, unchanged: 0, skipped, dryRun };
  for (const { before, after } of planned) {
    if (!before) {
      result.registered += 1;
      continue;
    }
    const changed = patchableFields.some((field) => after[field] !== before[field]);
    if (changed) result.updated += 1;
    if (after.enabled && !before.enabled) result.enabled += 1;
    if (!after.enabled && before.enabled) result.disabled += 1;
    if (!changed && after.enabled === before.enabled) result.unchanged += 1;
  }
  return result;
}

/** Each record as the worker it would become, and what is wrong with the records that cannot be imported. */
async function planImport(trx: Executor, agencyId: string, records: DirectoryRecord[], now: string): Promise<{ planned: Planned[]; problems: DirectoryProblem[] }> {
  const problems = new Map<DirectoryRecord, string>();
  const fail = (record: DirectoryRecord, reason: string) => {
    if (!problems.has(record)) problems.set(record, reason);
  };
  const unitIds = new Map((await listUnitCodes(trx, agencyId)).map((u) => [u.code.toUpperCase(), u.id]));
  const byExternalId = new Map((await repo.findWorkersByExternalIds(trx, agencyId, records.map((r) => r.externalId))).map((w) => [w.externalId ?? '', w]));
  const byLogin = new Map((await repo.findWorkersByLoginIds(trx, records.map((r) => r.loginId))).map((w) => [w.loginId.toLowerCase(), w]));

  const seenKeys = new Set<string>();
  const seenLogins = new Set<string>();
  const planned = new Map<string, Planned>();
  for (const record of records) {
    const shape = findRecordProblem(record);
    if (shape !== null) fail(record, shape);
    const loginKey = record.loginId.toLowerCase();
    if (seenKeys.has(record.externalId)) fail(record, `external id "${record.externalId}" appears twice in the file; keep one row per worker`);
    if (seenLogins.has(loginKey)) fail(record, `login id "${record.loginId}" appears twice in the file; keep one row per worker`);
    seenKeys.add(record.externalId);
    seenLogins.add(loginKey);
    const loginHolder = byLogin.get(loginKey);
    const before = byExternalId.get(record.externalId) ?? (loginHolder?.agencyId === agencyId && loginHolder.externalId === null ? loginHolder : undefined);
    if (before && before.source !== 'builtin') fail(record, `worker ${before.loginId} comes from the agency's ${before.source} directory source; change them there`);
    if (loginHolder && loginHolder.id !== before?.id) fail(record, `login id "${record.loginId}" already belongs to another worker; choose another`);
    const unitId = record.unitCode === null ? undefined : unitIds.get(record.unitCode.toUpperCase());
    if (record.unitCode === null) fail(record, 'the unit code is empty; the built-in directory places every worker in a unit');
    else if (unitId === undefined) fail(record, `unit "${record.unitCode}" does not exist in the agency; create it first`);
    if (record.jobType === null) fail(record, 'the job type is empty; give the job type code, e.g. cps_caseworker');
    const after: Worker = {
      id: before?.id ?? newId(), agencyId, loginId: record.loginId, firstName: record.firstName, lastName: record.lastName, email: record.email,
      unitId: unitId ?? '', jobType: record.jobType ?? '', supervisorId: null, enabled: record.enabled, hireDate: record.hireDate,
      leaveStart: before?.leaveStart ?? null, leaveReturn: before?.leaveReturn ?? null, terminationDate: record.terminationDate, source: 'builtin',
      externalId: record.externalId, version: (before?.version ?? 0) + 1, createdAt: before?.createdAt ?? now, updatedAt: now,
    };
    const dateProblem = dateOrderProblems(after)[0];
    if (dateProblem) fail(record, dateProblem.message);
    if (!planned.has(record.externalId)) planned.set(record.externalId, { record, before, after });
  }

  const supervisors = await repo.findWorkersByExternalIds(trx, agencyId, records.flatMap((r) => (r.supervisorExternalId !== null && !planned.has(r.supervisorExternalId) ? [r.supervisorExternalId] : [])));
  const supervisorIds = new Map(supervisors.map((w) => [w.externalId ?? '', w.id]));
  for (const { record, after } of planned.values()) {
    if (record.supervisorExternalId === null) continue;
    const supervisorId = planned.get(record.supervisorExternalId)?.after.id ?? supervisorIds.get(record.supervisorExternalId);
    if (supervisorId === undefined) fail(record, `supervisor "${record.supervisorExternalId}" is neither in the file nor a worker of the agency`);
    else after.supervisorId = supervisorId;
  }
  for (const cycle of findSupervisorCycles([...planned.values()])) fail(cycle.record, 'the supervisors of these rows form a cycle; break it by naming another supervisor');

  // A record whose supervisor is left out cannot be written either (the supervisor would not exist).
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of planned.values()) {
      const boss = p.record.supervisorExternalId === null ? undefined : planned.get(p.record.supervisorExternalId);
      if (!problems.has(p.record) && boss && problems.has(boss.record)) {
        fail(p.record, `its supervisor "${boss.record.externalId}" cannot be imported`);
        changed = true;
      }
    }
  }
  const kept = [...planned.values()].filter((p) => !problems.has(p.record));
  return { planned: kept, problems: [...problems].map(([record, reason]) => ({ ref: record.externalId, reason })) };
}

/** Records whose supervisor chain, within the file, comes back to them. */
function findSupervisorCycles(planned: Planned[]): Planned[] {
  const byId = new Map(planned.map((p) => [p.after.id, p]));
  const inCycle: Planned[] = [];
  for (const start of planned) {
    const seen = new Set<string>();
    for (let at: Planned | undefined = start; at; at = at.after.supervisorId === null ? undefined : byId.get(at.after.supervisorId)) {
      if (seen.has(at.after.id)) {
        if (at === start) inCycle.push(start);
        break;
      }
      seen.add(at.after.id);
    }
  }
  return inCycle;
}

/** The planned workers ordered so that a new supervisor is written before those who report to them. */
function supervisorsFirst(planned: Planned[]): Planned[] {
  const byId = new Map(planned.map((p) => [p.after.id, p]));
  const ordered: Planned[] = [];
  const placed = new Set<string>();
  const place = (p: Planned) => {
    const chain: Planned[] = [];
    for (let at: Planned | undefined = p; at && !placed.has(at.after.id); at = at.after.supervisorId === null ? undefined : byId.get(at.after.supervisorId)) {
      placed.add(at.after.id);
      chain.push(at);
    }
    ordered.push(...chain.reverse());
  };
  for (const p of planned) place(p);
  return ordered;
}
