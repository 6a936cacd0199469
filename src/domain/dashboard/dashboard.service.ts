import { instantDateBegins } from '../../connectors/account-view.ts';
import type { Database } from '../../db/database.ts';
import type { RequestStatus } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { addCalendarDays, calendarDateAt } from '../../shared/dates.ts';
import { AppError } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize, hasPermission } from '../auth/permissions.ts';
import type { LifecycleReportService } from '../reports/lifecycle-report.service.ts';
import type { DurationStats } from '../reports/percentiles.ts';
import * as counts from './beyond-template.repo.ts';
import * as repo from './dashboard.repo.ts';

export interface LeaverTimesSummary {
  from: string;
  to: string;
  leavers: number;
  timeToDisable: DurationStats;
  timeToEndDate: DurationStats;
  /** Leavers of the period end-dated after their deadline, or still open past it. */
  pastDeadline: number;
  /** Of those, the ones still open: the coordinator's overdue end-dates. */
  openPastDeadline: number;
}

export interface CountedLabel {
  id: string;
  code: string;
  name: string;
  count: number;
}

export interface BeyondTemplateSummary {
  countedAt: string;
  liveGrants: number;
  grants: number;
  workers: number;
  /** The functions most held beyond template, most first (at most ten). */
  byFunction: CountedLabel[];
  /** The units whose workers hold the most beyond template, most first (at most ten). */
  byUnit: CountedLabel[];
}

export interface AgencyDashboard {
  agencyId: string;
  workers: { total: number; enabled: number };
  awaitingAssessment: number;
  requestsByStatus: Partial<Record<RequestStatus, number>>;
  pendingBeyondTemplate: number;
  /** One entry per day (UTC) of the last two weeks, oldest first, days without requests included: the requests created that day by their status now. */
  requestsPerDay: { day: string; byStatus: Partial<Record<RequestStatus, number>> }[];
  /** Removals still scheduled that are due today (the agency's calendar) or late, by how late. */
  lateRemovals: { dueToday: number; lateUpToFiveDays: number; lateOverFiveDays: number };
  /** Leavers detected in the last 90 days; null for a reader who may not read reports. */
  leaverTimes: LeaverTimesSummary | null;
  /** Null until the `beyond-template-counts` timer has counted the agency. */
  beyondTemplate: BeyondTemplateSummary | null;
}

const days = 14;
const dayMs = 24 * 60 * 60 * 1000;

export type DashboardService = ReturnType<typeof createDashboardService>;

/**
 * Figures for an agency's dashboard. Each is an indexed count or range read, so it stays fast on a
 * large agency; access beyond template is read from the timer's last count.
 */
export function createDashboardService(deps: { db: Database; clock: Clock; reports: Pick<LifecycleReportService, 'leaverTimes'> }) {
  async function requestsPerDay(agencyId: string, now: Date): Promise<AgencyDashboard['requestsPerDay']> {
    const start = new Date(now.getTime() - (days - 1) * dayMs).toISOString().slice(0, 10);
    const byDay = new Map<string, Partial<Record<RequestStatus, number>>>();
    for (const row of await repo.countRequestsPerDay(deps.db, agencyId, start)) byDay.set(row.day, { ...byDay.get(row.day), [row.status]: row.count });
    return Array.from({ length: days }, (_, i) => {
      const day = addCalendarDays(start, i);
      return { day, byStatus: byDay.get(day) ?? {} };
    });
  }

  function lateRemovals(agencyId: string, timeZone: string, now: Date): Promise<AgencyDashboard['lateRemovals']> {
    const today = calendarDateAt(now, timeZone);
    const begins = (date: string) => instantDateBegins(date, timeZone).toISOString();
    return repo.countLateRemovals(deps.db, agencyId, { tomorrow: begins(addCalendarDays(today, 1)), today: begins(today), fiveDaysAgo: begins(addCalendarDays(today, -5)) });
  }

  async function leaverTimes(ctx: RequestContext, agencyId: string): Promise<LeaverTimesSummary | null> {
    if (!hasPermission(ctx.actor, 'reports.read', agencyId)) return null;
    const report = await deps.reports.leaverTimes(ctx, agencyId, {});
    return {
      from: report.from, to: report.to, leavers: report.leavers, timeToDisable: report.timeToDisable, timeToEndDate: report.timeToEndDate,
      pastDeadline: report.pastDeadline.length, openPastDeadline: report.pastDeadline.filter((c) => c.status === 'open').length,
    };
  }

  async function beyondTemplate(agencyId: string): Promise<BeyondTemplateSummary | null> {
    const row = await counts.findBeyondTemplateCounts(deps.db, agencyId);
    if (!row) return null;
    const labels = await counts.findLabels(deps.db, row.byFunction.map((f) => f.id), row.byUnit.map((u) => u.id));
    const labelled = (entries: counts.CountedEntry[]) => entries.map((e) => ({ ...e, code: labels.get(e.id)?.code ?? e.id, name: labels.get(e.id)?.name ?? '' }));
    return { countedAt: row.countedAt, liveGrants: row.liveGrants, grants: row.beyondGrants, workers: row.beyondWorkers, byFunction: labelled(row.byFunction), byUnit: labelled(row.byUnit) };
  }

  async function forAgency(ctx: RequestContext, agencyId: string): Promise<AgencyDashboard> {
    const agency = isId(agencyId) ? await findAgency(deps.db, agencyId) : undefined;
    if (!agency) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'workers.read', agency.id, 'agency.not_found', 'agency');
    const now = deps.clock.now();
    const [total, enabled, awaitingAssessment, byStatus, perDay, pendingBeyondTemplate, late, leavers, beyond] = await Promise.all([
      repo.countWorkers(deps.db, agency.id),
      repo.countWorkers(deps.db, agency.id, 1),
      repo.countAwaitingAssessment(deps.db, agency.id, agency.holdingUnitId),
      repo.countRequestsByStatus(deps.db, agency.id),
      requestsPerDay(agency.id, now),
      repo.countPendingBeyondTemplate(deps.db, agency.id),
      lateRemovals(agency.id, agency.timeZone, now),
      leaverTimes(ctx, agency.id),
      beyondTemplate(agency.id),
    ]);
    return {
      agencyId: agency.id, workers: { total, enabled }, awaitingAssessment, pendingBeyondTemplate, requestsPerDay: perDay, lateRemovals: late, leaverTimes: leavers,
      beyondTemplate: beyond, requestsByStatus: Object.fromEntries(byStatus.map((s) => [s.status, s.count])),
    };
  }

  return { forAgency };
}
