import { toCsv } from './report-csv.ts';
import type { LeaverTimesReport, PastDeadlineEntry, TimelineEntry, WorkerTimeline } from './reports.schemas.ts';

/** One line per timeline entry, oldest first. */
export function timelineCsv(timeline: WorkerTimeline): string {
  return toCsv<TimelineEntry>([
    { header: 'worker_id', value: () => timeline.workerId },
    { header: 'login_id', value: () => timeline.loginId },
    { header: 'at', value: (e) => e.at },
    { header: 'event', value: (e) => e.event },
    { header: 'source', value: (e) => e.source },
    { header: 'case_id', value: (e) => e.caseId },
    { header: 'since_previous_step_seconds', value: (e) => e.sincePreviousStepSeconds },
    { header: 'since_detected_seconds', value: (e) => e.sinceDetectedSeconds },
    { header: 'actor', value: (e) => e.actor },
    { header: 'detail', value: (e) => e.detail },
  ], timeline.entries);
}

/** One line per measure (time to disable, time to end-date) with its percentiles. */
export function leaverTimesCsv(report: LeaverTimesReport): string {
  const measures = [
    { measure: 'time_to_disable', stats: report.timeToDisable },
    { measure: 'time_to_end_date', stats: report.timeToEndDate },
  ];
  return toCsv<(typeof measures)[number]>([
    { header: 'agency_id', value: () => report.agencyId },
    { header: 'from', value: () => report.from },
    { header: 'to', value: () => report.to },
    { header: 'measure', value: (m) => m.measure },
    { header: 'count', value: (m) => m.stats.count },
    { header: 'p50_seconds', value: (m) => m.stats.p50Seconds },
    { header: 'p90_seconds', value: (m) => m.stats.p90Seconds },
    { header: 'p99_seconds', value: (m) => m.stats.p99Seconds },
    { header: 'max_seconds', value: (m) => m.stats.maxSeconds },
    { header: 'past_deadline', value: () => report.pastDeadline.length },
  ], measures);
}

/** One line per leaver case past its end-date deadline. */
export function pastDeadlineCsv(report: LeaverTimesReport): string {
  return toCsv<PastDeadlineEntry>([
    { header: 'case_id', value: (e) => e.caseId },
    { header: 'worker_id', value: (e) => e.workerId },
    { header: 'login_id', value: (e) => e.loginId },
    { header: 'worker_name', value: (e) => e.workerName },
    { header: 'status', value: (e) => e.status },
    { header: 'detected_at', value: (e) => e.detectedAt },
    { header: 'due_at', value: (e) => e.dueAt },
    { header: 'end_dated_at', value: (e) => e.endDatedAt },
    { header: 'escalated_at', value: (e) => e.escalatedAt },
    { header: 'late_by_seconds', value: (e) => e.lateBySeconds },
  ], report.pastDeadline);
}
