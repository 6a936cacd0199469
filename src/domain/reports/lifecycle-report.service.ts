import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import type { CaseRow } from '../leavers/leavers.repo.ts';
import { secondsBetween, summarizeDurations } from './percentiles.ts';
import * as repo from './reports.repo.ts';
import type { LeaverCaseTimes, LeaverTimesReport, PastDeadlineEntry, Period, TimelineEntry, WorkerTimeline } from './reports.schemas.ts';

const dayMs = 86_400_000;
/** A default period: the last quarter. */
const defaultPeriodMs = 90 * dayMs;
/** Audit events shown on one worker's timeline. */
const auditEventsShown = 2000;

/** Changes to a worker that belong on a lifecycle timeline; renames and new emails do not. */
const lifecycleFields = ['unitId', 'jobType', 'leaveStart', 'leaveReturn', 'terminationDate', 'enabled'];

function isLifecycleAudit(row: repo.AuditRow): boolean {
  if (row.action !== 'worker.updated') return true;
  const after: unknown = row.after ? JSON.parse(row.after) : {};
  return typeof after === 'object' && after !== null && lifecycleFields.some((field) => field in after);
}

function caseTimes(c: CaseRow, now: string): LeaverCaseTimes {
  const pastDeadline = lateUntil(c, now) !== null;
  return {
    caseId: c.id, status: c.status, cause: c.cause, detectedAt: c.detectedAt, disabledAt: c.disabledAt, workReassignedAt: c.workReassignedAt,
    endDatedAt: c.endDatedAt, cancelledAt: c.cancelledAt, dueAt: c.dueAt, pastDeadline,
    detectedToDisabledSeconds: secondsBetween(c.detectedAt, c.disabledAt),
    disabledToReassignedSeconds: c.workReassignedAt ? secondsBetween(c.disabledAt, c.workReassignedAt) : null,
    reassignedToEndDatedSeconds: c.workReassignedAt && c.endDatedAt ? secondsBetween(c.workReassignedAt, c.endDatedAt) : null,
    detectedToEndDatedSeconds: c.endDatedAt ? secondsBetween(c.detectedAt, c.endDatedAt) : null,
  };
}

/** The steps of one leaver case, each with how long it took after the step before it. */
function caseSteps(c: CaseRow): TimelineEntry[] {
  const step = (event: string, at: string, previous: string | null, detail: string | null = null): TimelineEntry => ({
    at, event, source: 'leaver_case', caseId: c.id, sincePreviousStepSeconds: previous === null ? null : secondsBetween(previous, at),
    sinceDetectedSeconds: secondsBetween(c.detectedAt, at), actor: null, detail,
  });
  const steps = [step('leaver.detected', c.detectedAt, null, `cause: ${c.cause}; end-date due ${c.dueAt}`), step('leaver.disabled', c.disabledAt, c.detectedAt)];
  if (c.escalatedAt) steps.push(step('leaver.escalated', c.escalatedAt, null, `end-date was due ${c.dueAt}`));
  if (c.workReassignedAt) steps.push(step('leaver.work_reassigned', c.workReassignedAt, c.disabledAt));
  if (c.endDatedAt) steps.push(step('leaver.end_dated', c.endDatedAt, c.workReassignedAt ?? c.disabledAt, c.endDatedAt > c.dueAt ? 'past its deadline' : null));
  if (c.cancelledAt) steps.push(step('leaver.cancelled', c.cancelledAt, c.disabledAt, 'enabled again before end-dating'));
  return steps;
}

/** Until when a case was (or still is) past its deadline: its end-date if that came late, now if it is open and late; null if on time. */
function lateUntil(c: CaseRow, now: string): string | null {
  if (c.status === 'open') return c.dueAt < now ? now : null;
  if (c.status === 'end_dated' && c.endDatedAt !== null && c.endDatedAt > c.dueAt) return c.endDatedAt;
  return null;
}

function byTime(a: TimelineEntry, b: TimelineEntry): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : 0;
}

export type LifecycleReportService = ReturnType<typeof createLifecycleReportService>;

/** Proof for auditors: each worker's lifecycle timeline, and each agency's leaver times against its deadlines. */
export function createLifecycleReportService(deps: { db: Database; clock: Clock }) {
  async function workerTimeline(ctx: RequestContext, workerId: string): Promise<WorkerTimeline> {
    const worker = isId(workerId) ? await repo.findReportWorker(deps.db, workerId) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    authorize(ctx.actor, 'reports.read', worker.agencyId, 'worker.not_found', 'worker');
    const now = deps.clock.now().toISOString();
    const cases = await repo.listCasesOfWorker(deps.db, worker.id);
    const caseDetections = new Set(cases.map((c) => c.detectedAt));
    const directory: TimelineEntry[] = (await repo.listLifecycleEvents(deps.db, worker.id))
      // A leaver event the directory reported is the case's own detection step.
      .filter((e) => !(e.kind === 'leaver' && caseDetections.has(e.detectedAt)))
      .map((e) => ({ at: e.detectedAt, event: `directory.${e.kind}`, source: 'directory', caseId: null, sincePreviousStepSeconds: null, sinceDetectedSeconds: null, actor: null, detail: e.details }));
    const audited: TimelineEntry[] = (await repo.listAuditAbout(deps.db, worker.id, auditEventsShown))
      .filter(isLifecycleAudit)
      .map((row) => ({
        at: row.at, event: row.action, source: 'audit', caseId: null, sincePreviousStepSeconds: null, sinceDetectedSeconds: null, actor: row.actorName,
        detail: [row.reason, row.after].filter((part) => part !== null).join(' | ') || null,
      }));
    return {
      workerId: worker.id, agencyId: worker.agencyId, workerName: worker.name, loginId: worker.loginId,
      leaverCases: cases.map((c) => caseTimes(c, now)),
      entries: [...cases.flatMap(caseSteps), ...directory, ...audited].sort(byTime),
    };
  }

  function resolvePeriod(period: Period): { from: string; to: string } {
    const to = period.to ?? deps.clock.now().toISOString();
    const from = period.from ?? new Date(Date.parse(to) - defaultPeriodMs).toISOString();
    assertThat(from < to, 'input.invalid', `The period starts (${from}) after it ends (${to}); give a "from" before "to".`);
    return { from, to };
  }

  /**
   * For the agency's leavers detected in the period: time from detection to disable and to
   * end-date (percentiles), and every case past its end-date deadline.
   */
  async function leaverTimes(ctx: RequestContext, agencyId: string, period: Period): Promise<LeaverTimesReport> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'reports.read', agencyId, 'agency.not_found', 'agency');
    if (!(await repo.agencyExists(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
    const { from, to } = resolvePeriod(period);
    const now = deps.clock.now().toISOString();
    const cases = await repo.listCasesDetectedIn(deps.db, agencyId, from, to);
    const pastDeadline = cases.flatMap((c): PastDeadlineEntry[] => {
      const late = lateUntil(c, now);
      if (late === null) return [];
      return [{
        caseId: c.id, workerId: c.workerId, workerName: `${c.firstName} ${c.lastName}`, loginId: c.loginId, status: c.status, detectedAt: c.detectedAt, dueAt: c.dueAt,
        endDatedAt: c.endDatedAt, escalatedAt: c.escalatedAt, lateBySeconds: secondsBetween(c.dueAt, late),
      }];
    });
    return {
      agencyId, from, to, generatedAt: now, leavers: cases.length,
      timeToDisable: summarizeDurations(cases.map((c) => secondsBetween(c.detectedAt, c.disabledAt))),
      timeToEndDate: summarizeDurations(cases.flatMap((c) => (c.endDatedAt ? [secondsBetween(c.detectedAt, c.endDatedAt)] : []))),
      pastDeadline,
    };
  }

  return { workerTimeline, leaverTimes };
}
