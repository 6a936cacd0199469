import { z } from '@hono/zod-openapi';
import { isCalendarDate } from '../../shared/dates.ts';
import { instantSchema } from '../../shared/value-schemas.ts';
import { leaverCaseStatuses, leaverCauses } from '../leavers/leavers.schemas.ts';

/** A period bound: a calendar date (midnight UTC) or an ISO-8601 instant. */
const periodBound = z
  .string()
  .trim()
  .max(40)
  .refine((v) => isCalendarDate(v) || instantSchema.safeParse(v).success, 'Use a date YYYY-MM-DD or an ISO-8601 instant, e.g. 2026-03-01T00:00:00Z.')
  .transform((v) => (isCalendarDate(v) ? `${v}T00:00:00.000Z` : new Date(v).toISOString()));

export const reportFormats = ['json', 'csv'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const formatQueryShape = {
  format: z.enum(reportFormats).optional().openapi({ param: { name: 'format', in: 'query' }, description: 'csv, or send Accept: text/csv; JSON otherwise.' }),
};

export const periodQueryShape = {
  from: periodBound.optional().openapi({ param: { name: 'from', in: 'query' }, description: 'Start of the period (inclusive); default 90 days before `to`.', example: '2026-01-01' }),
  to: periodBound.optional().openapi({ param: { name: 'to', in: 'query' }, description: 'End of the period (exclusive); default now.', example: '2026-04-01' }),
};

export interface Period {
  from?: string | undefined;
  to?: string | undefined;
}

export const timelineEntrySchema = z
  .object({
    at: z.string(),
    event: z.string().openapi({ example: 'leaver.work_reassigned' }),
    source: z.enum(['leaver_case', 'directory', 'audit']),
    caseId: z.string().nullable(),
    sincePreviousStepSeconds: z.number().nullable().openapi({ description: 'For a leaver step: how long it took after the step before it.' }),
    sinceDetectedSeconds: z.number().nullable(),
    actor: z.string().nullable(),
    detail: z.string().nullable(),
  })
  .openapi('TimelineEntry');

export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const leaverCaseTimesSchema = z
  .object({
    caseId: z.string(),
    status: z.enum(leaverCaseStatuses),
    cause: z.enum(leaverCauses),
    detectedAt: z.string(),
    disabledAt: z.string(),
    workReassignedAt: z.string().nullable(),
    endDatedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    dueAt: z.string(),
    pastDeadline: z.boolean(),
    detectedToDisabledSeconds: z.number(),
    disabledToReassignedSeconds: z.number().nullable(),
    reassignedToEndDatedSeconds: z.number().nullable(),
    detectedToEndDatedSeconds: z.number().nullable(),
  })
  .openapi('LeaverCaseTimes');

export type LeaverCaseTimes = z.infer<typeof leaverCaseTimesSchema>;

export const workerTimelineSchema = z
  .object({
    workerId: z.string(),
    agencyId: z.string(),
    workerName: z.string(),
    loginId: z.string(),
    leaverCases: z.array(leaverCaseTimesSchema),
    entries: z.array(timelineEntrySchema).openapi({ description: 'Oldest first: leaver steps, directory lifecycle events, and audited changes to the worker, its accounts and its grants.' }),
  })
  .openapi('WorkerLifecycleTimeline');

export type WorkerTimeline = z.infer<typeof workerTimelineSchema>;

const durationStatsSchema = z
  .object({
    count: z.number().int(),
    p50Seconds: z.number().nullable(),
    p90Seconds: z.number().nullable(),
    p99Seconds: z.number().nullable(),
    maxSeconds: z.number().nullable(),
  })
  .openapi('DurationStats', { description: 'Nearest-rank percentiles; null when there is nothing to measure.' });

export const pastDeadlineEntrySchema = z
  .object({
    caseId: z.string(),
    workerId: z.string(),
    workerName: z.string(),
    loginId: z.string(),
    status: z.enum(leaverCaseStatuses),
    detectedAt: z.string(),
    dueAt: z.string(),
    endDatedAt: z.string().nullable(),
    escalatedAt: z.string().nullable(),
    lateBySeconds: z.number().openapi({ description: 'End-dated: how late it was. Still open: how late it is now.' }),
  })
  .openapi('PastDeadlineEntry');

export type PastDeadlineEntry = z.infer<typeof pastDeadlineEntrySchema>;

export const leaverTimesReportSchema = z
  .object({
    agencyId: z.string(),
    from: z.string(),
    to: z.string(),
    generatedAt: z.string(),
    leavers: z.number().int().openapi({ description: 'Leaver cases detected in the period.' }),
    timeToDisable: durationStatsSchema,
    timeToEndDate: durationStatsSchema,
    pastDeadline: z.array(pastDeadlineEntrySchema),
  })
  .openapi('LeaverTimesReport');

export type LeaverTimesReport = z.infer<typeof leaverTimesReportSchema>;
