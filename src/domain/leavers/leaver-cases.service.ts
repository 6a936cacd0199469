import type { Database, Executor } from '../../db/database.ts';
import { runEachInTransaction } from '../../db/run-each.ts';
import type { LeaverCause } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import { computeDue } from '../approvals/approver-resolution.ts';
import type { AuditEntry, AuditLog } from '../audit/audit.service.ts';
import { type RequestContext, systemContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import * as repo from './leavers.repo.ts';
import {
  type EndDateLeaverInput, type LeaverCase, type LeaverCaseDetail, type LeaverSettings, type UpdateLeaverSettingsInput, defaultEndDateBusinessDays,
} from './leavers.schemas.ts';

export interface LeaverCaseListRequest extends PageRequest {
  status: LeaverCase['status'];
  overdue?: boolean | undefined;
  workerId?: string | undefined;
}

/** What the directory's disable paths report: who left, and how Gatehouse learned of it. */
export interface DetectedLeavers {
  agencyId: string;
  /** When the disable happened: the instant of the transaction that disabled the accounts. */
  at: string;
  syncRunId: string | null;
  leavers: { workerId: string; cause: LeaverCause }[];
}

/** The calls the directory's disable and enable paths make inside their own transaction. */
export type LeaverHooks = Pick<LeaverCaseService, 'openCasesInTransaction' | 'cancelCasesInTransaction'>;

const openItemsShown = 500;

function toCase(row: repo.CaseRow, blockers: { openCases: number; openTodos: number }, now: string): LeaverCase {
  const name = `${row.firstName} ${row.lastName}`;
  const overdue = row.status === 'open' ? row.dueAt < now : row.status === 'end_dated' && (row.endDatedAt ?? '') > row.dueAt;
  return {
    id: row.id, agencyId: row.agencyId, workerId: row.workerId, workerName: name, loginId: row.loginId, task: `End-date ${name} (${row.loginId})`,
    status: row.status, cause: row.cause, syncRunId: row.syncRunId, detectedAt: row.detectedAt, disabledAt: row.disabledAt, dueAt: row.dueAt, overdue,
    escalatedAt: row.escalatedAt, workReassignedAt: row.workReassignedAt, endDatedAt: row.endDatedAt, cancelledAt: row.cancelledAt,
    blockers, readyToEndDate: row.status === 'open' && blockers.openCases + blockers.openTodos === 0, version: row.version, updatedAt: row.updatedAt,
  };
}

function decodeQueueKey(cursor: string | undefined): [string, string] | undefined {
  const text = decodeCursor(cursor);
  if (text === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(text);
    if (Array.isArray(key) && key.length === 2 && key.every((part) => typeof part === 'string')) return key as [string, string];
  } catch {
    // Falls through to the error below: the cursor was not one this API gave out.
  }
  throw new AppError('request.invalid', 'The cursor is not one this list gave out; start again without it.', [{ field: 'query.cursor', message: 'Unknown cursor.' }]);
}

const staleCase = (version: number) =>
  new AppError('conflict.version', `This leaver case changed since you read it (now version ${version}); read it again and retry.`, { currentVersion: version });

export type LeaverCaseService = ReturnType<typeof createLeaverCaseService>;

/**
 * The leaver process after the disable: a case per departure in the security coordinator's queue,
 * its end-date deadline and escalation, and the end-dating itself once no work is left open.
 */
export function createLeaverCaseService(deps: { db: Database; clock: Clock; audit: AuditLog; accounts: Pick<AccountService, 'endDateInTransaction'> }) {
  async function businessDaysOf(db: Executor, agencyId: string): Promise<number> {
    return (await repo.findSettings(db, agencyId))?.endDateBusinessDays ?? defaultEndDateBusinessDays;
  }

  /**
   * Opens a case for each leaver without an open one, in the caller's transaction (the one that
   * disabled the accounts): a second disable while a case is open changes nothing.
   */
  async function openCasesInTransaction(trx: Executor, ctx: RequestContext, detected: DetectedLeavers): Promise<void> {
    if (detected.leavers.length === 0) return;
    const workerIds = detected.leavers.map((l) => l.workerId);
    const alreadyOpen = new Set((await repo.listOpenCasesOf(trx, workerIds)).map((c) => c.workerId));
    const fresh = [...new Map(detected.leavers.map((l) => [l.workerId, l])).values()].filter((l) => !alreadyOpen.has(l.workerId));
    if (fresh.length === 0) return;
    const dueAt = computeDue(new Date(detected.at), { businessDays: await businessDaysOf(trx, detected.agencyId) }).toISOString();
    const openItems = await repo.countOpenItems(trx, fresh.map((l) => l.workerId));
    const rows = fresh.map((leaver) => ({
      id: newId(), agency_id: detected.agencyId, worker_id: leaver.workerId, status: 'open' as const, cause: leaver.cause, sync_run_id: detected.syncRunId,
      detected_at: detected.at, disabled_at: detected.at, due_at: dueAt, escalated_at: null,
      // Nothing to reassign: that step is done the moment the case opens.
      work_reassigned_at: openItems.has(leaver.workerId) ? null : detected.at,
      end_dated_at: null, cancelled_at: null, version: 1, updated_at: detected.at,
    }));
    await repo.insertCases(trx, rows);
    await deps.audit.record(trx, ctx, rows.map((row): AuditEntry => ({
      action: 'leaver_case.opened', subjectType: 'leaver_case', subjectId: row.id, agencyId: row.agency_id, reason: `Worker disabled (${row.cause})`,
      after: { workerId: row.worker_id, cause: row.cause, detectedAt: row.detected_at, dueAt: row.due_at, ...openItems.get(row.worker_id) },
    })));
  }

  /** A leaver enabled again before being end-dated: the open case closes as cancelled. */
  async function cancelCasesInTransaction(trx: Executor, ctx: RequestContext, workerIds: readonly string[], reason: string): Promise<void> {
    if (workerIds.length === 0) return;
    const at = deps.clock.now().toISOString();
    const entries: AuditEntry[] = [];
    for (const open of await repo.listOpenCasesOf(trx, workerIds)) {
      if (!(await repo.updateCase(trx, open.id, open.version, { status: 'cancelled', cancelled_at: at, updated_at: at }))) throw staleCase(open.version + 1);
      entries.push({ action: 'leaver_case.cancelled', subjectType: 'leaver_case', subjectId: open.id, agencyId: open.agencyId, reason, before: { status: 'open' }, after: { status: 'cancelled', workerId: open.workerId } });
    }
    await deps.audit.record(trx, ctx, entries);
  }

  async function requireAgency(ctx: RequestContext, agencyId: string, permission: 'leavers.read' | 'leavers.write'): Promise<void> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, permission, agencyId, 'agency.not_found', 'agency');
    if ((await repo.findAgencyTimeZone(deps.db, agencyId)) === undefined) throw new AppError('agency.not_found', 'No agency with that id.');
  }

  async function requireCase(db: Executor, ctx: RequestContext, id: string, permission: 'leavers.read' | 'leavers.write'): Promise<repo.CaseRow> {
    const row = isId(id) ? await repo.findCase(db, id) : undefined;
    if (!row) throw new AppError('leaver_case.not_found', 'No leaver case with that id.');
    authorize(ctx.actor, permission, row.agencyId, 'leaver_case.not_found', 'leaver case');
    return row;
  }

  async function withBlockers(db: Executor, rows: repo.CaseRow[]): Promise<LeaverCase[]> {
    const counts = await repo.countOpenItems(db, rows.filter((r) => r.status === 'open').map((r) => r.workerId));
    const now = deps.clock.now().toISOString();
    return rows.map((row) => toCase(row, counts.get(row.workerId) ?? { openCases: 0, openTodos: 0 }, now));
  }

  /** The security coordinator's queue (open cases by deadline), or the closed ones; `overdue` keeps the late ones. */
  async function list(ctx: RequestContext, agencyId: string, request: LeaverCaseListRequest): Promise<Page<LeaverCase>> {
    await requireAgency(ctx, agencyId, 'leavers.read');
    const rows = await repo.listCases(deps.db, {
      agencyId, status: request.status, workerId: request.workerId, overdueAt: request.overdue ? deps.clock.now().toISOString() : undefined,
      after: decodeQueueKey(request.cursor), limit: request.limit + 1,
    });
    return toPage(await withBlockers(deps.db, rows), request.limit, (c) => JSON.stringify([c.dueAt, c.id]));
  }

  /** One case with the open work items that block end-dating. */
  async function get(ctx: RequestContext, id: string): Promise<LeaverCaseDetail> {
    const row = await requireCase(deps.db, ctx, id, 'leavers.read');
    const [leaverCase] = await withBlockers(deps.db, [row]);
    assertThat(leaverCase, 'internal', 'The case vanished while it was read.');
    const openWorkItems = row.status === 'open' ? await repo.listOpenWorkItems(deps.db, row.workerId, openItemsShown) : [];
    return { ...leaverCase, openWorkItems };
  }

  /** Records, in the caller's transaction, that the leaver owns no open work any more. */
  async function noteWorkReassignedInTransaction(trx: Executor, ctx: RequestContext, row: repo.CaseRow, reason: string): Promise<repo.CaseRow> {
    if (row.workReassignedAt !== null) return row;
    const at = deps.clock.now().toISOString();
    if (!(await repo.updateCase(trx, row.id, row.version, { work_reassigned_at: at, updated_at: at }))) throw staleCase(row.version + 1);
    await deps.audit.record(trx, ctx, [{ action: 'leaver_case.work_reassigned', subjectType: 'leaver_case', subjectId: row.id, agencyId: row.agencyId, reason, after: { workReassignedAt: at } }]);
    return { ...row, workReassignedAt: at, version: row.version + 1, updatedAt: at };
  }

  /**
   * Rule 5: end-dates every account of the leaver today, in one transaction, and closes the case.
   * Refused while the worker owns any open case or to-do in any application.
   */
  async function endDate(ctx: RequestContext, id: string, input: EndDateLeaverInput): Promise<LeaverCaseDetail> {
    await deps.db.transaction().execute(async (trx) => {
      let row = await requireCase(trx, ctx, id, 'leavers.write');
      assertThat(row.status === 'open', 'leaver_case.closed', `This leaver case is ${row.status.replace('_', '-')}; there is nothing left to end-date.`);
      if (row.version !== input.version) throw staleCase(row.version);
      const open = (await repo.countOpenItems(trx, [row.workerId])).get(row.workerId);
      if (open) {
        throw new AppError(
          'account.open_work_items',
          `${row.firstName} ${row.lastName} still owns ${open.openCases} open case${open.openCases === 1 ? '' : 's'} and ${open.openTodos} open to-do${open.openTodos === 1 ? '' : 's'}. Reassign them (see the case's reassignment plan) or close them, then end-date.`,
          open,
        );
      }
      row = await noteWorkReassignedInTransaction(trx, ctx, row, 'No open work item left at end-dating');
      const timeZone = (await repo.findAgencyTimeZone(trx, row.agencyId)) ?? 'UTC';
      const now = deps.clock.now();
      const today = calendarDateAt(now, timeZone);
      for (const account of await repo.listAccountsToEndDate(trx, row.workerId, today)) {
        await deps.accounts.endDateInTransaction(trx, ctx, account.id, { endDate: today, reason: input.reason });
      }
      await closeAsEndDated(trx, ctx, row, now.toISOString(), input.reason);
    });
    return get(ctx, id);
  }

  /** Closes the case as end-dated at `at` and marks the worker's leaver events handled. */
  async function closeAsEndDated(trx: Executor, ctx: RequestContext, row: repo.CaseRow, at: string, reason: string): Promise<void> {
    const now = deps.clock.now().toISOString();
    if (!(await repo.updateCase(trx, row.id, row.version, { status: 'end_dated', end_dated_at: at, updated_at: now }))) throw staleCase(row.version + 1);
    await repo.markLeaverEventsHandled(trx, row.workerId, now);
    await deps.audit.record(trx, ctx, [{
      action: 'leaver_case.end_dated', subjectType: 'leaver_case', subjectId: row.id, agencyId: row.agencyId, reason,
      before: { status: 'open' }, after: { status: 'end_dated', endDatedAt: at, dueAt: row.dueAt, late: at > row.dueAt },
    }]);
  }

  /**
   * A case whose worker was end-dated account by account (the accounts API) instead of through the
   * case: closed as end-dated when the last account was, rather than escalated.
   */
  async function closeIfEndDatedElsewhere(trx: Executor, ctx: RequestContext, row: repo.CaseRow, now: Date): Promise<boolean> {
    const today = calendarDateAt(now, (await repo.findAgencyTimeZone(trx, row.agencyId)) ?? 'UTC');
    if ((await repo.listAccountsToEndDate(trx, row.workerId, today)).length > 0) return false;
    if ((await repo.countOpenItems(trx, [row.workerId])).has(row.workerId)) return false;
    const at = (await repo.findLastAccountChange(trx, row.workerId)) ?? row.detectedAt;
    const reassigned = await noteWorkReassignedInTransaction(trx, ctx, row, 'No open work item left when the last account was end-dated');
    await closeAsEndDated(trx, ctx, reassigned, at, 'Every account was end-dated outside the leaver case');
    return true;
  }

  /**
   * Escalates every open case past its end-date deadline, once: the case is marked, audited, and
   * heads the overdue list. Cases that fell due while no node ran are escalated on the first tick.
   * A case whose accounts were all end-dated by other means is closed instead.
   */
  async function processDeadlines(now: Date = deps.clock.now()): Promise<{ escalated: number; closed: number }> {
    const ctx = systemContext(`leaver-deadlines-${now.toISOString()}`, 'gatehouse deadlines');
    const at = now.toISOString();
    const counts = { escalated: 0, closed: 0 };
    await runEachInTransaction(deps.db, await repo.listDueForEscalation(deps.db, at, 500), async (trx, due) => {
      const row = await repo.findCase(trx, due.id);
      if (!row || row.status !== 'open' || row.version !== due.version) return;
      if (await closeIfEndDatedElsewhere(trx, ctx, row, now)) {
        counts.closed += 1;
        return;
      }
      if (!(await repo.updateCase(trx, row.id, row.version, { escalated_at: at, updated_at: at }))) return;
      await deps.audit.record(trx, ctx, [{
        action: 'leaver_case.escalated', subjectType: 'leaver_case', subjectId: row.id, agencyId: row.agencyId,
        reason: `End-dating was due at ${row.dueAt} and the worker is not end-dated`, after: { workerId: row.workerId, dueAt: row.dueAt, escalatedAt: at },
      }]);
      counts.escalated += 1;
    });
    return counts;
  }

  async function getSettings(ctx: RequestContext, agencyId: string): Promise<LeaverSettings> {
    await requireAgency(ctx, agencyId, 'leavers.read');
    const saved = await repo.findSettings(deps.db, agencyId);
    return { agencyId, endDateBusinessDays: saved?.endDateBusinessDays ?? defaultEndDateBusinessDays, updatedAt: saved?.updatedAt ?? null };
  }

  /** Changes the end-date deadline for cases opened from now on; open cases keep theirs. */
  async function updateSettings(ctx: RequestContext, agencyId: string, input: UpdateLeaverSettingsInput): Promise<LeaverSettings> {
    await requireAgency(ctx, agencyId, 'leavers.write');
    const at = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      const before = await businessDaysOf(trx, agencyId);
      await repo.saveSettings(trx, { agency_id: agencyId, end_date_business_days: input.endDateBusinessDays, updated_by: ctx.actor.principalId, updated_at: at });
      await deps.audit.record(trx, ctx, [{
        action: 'leaver_settings.updated', subjectType: 'agency', subjectId: agencyId, agencyId,
        before: { endDateBusinessDays: before }, after: { endDateBusinessDays: input.endDateBusinessDays },
      }]);
    });
    return { agencyId, endDateBusinessDays: input.endDateBusinessDays, updatedAt: at };
  }

  return {
    openCasesInTransaction, cancelCasesInTransaction, noteWorkReassignedInTransaction, requireCase, list, get, endDate, processDeadlines, getSettings, updateSettings,
  };
}
