import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LifecycleReportService } from '../../domain/reports/lifecycle-report.service.ts';
import { leaverTimesCsv, pastDeadlineCsv, timelineCsv } from '../../domain/reports/report-exports.ts';
import { type ReportFormat, formatQueryShape, leaverTimesReportSchema, pastDeadlineEntrySchema, periodQueryShape, workerTimelineSchema } from '../../domain/reports/reports.schemas.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema } from '../common-schemas.ts';
import type { AppEnv } from '../env.ts';
import { createRouter } from '../router.ts';

const tags = ['Reports'];

/** JSON, or CSV for `?format=csv` and for clients that accept text/csv. */
function reportResponse<T extends z.ZodTypeAny>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema }, 'text/csv': { schema: z.string() } } };
}

const pastDeadlineListSchema = z
  .object({ agencyId: z.string(), from: z.string(), to: z.string(), items: z.array(pastDeadlineEntrySchema) })
  .openapi('PastDeadlineList');

const timelineRoute = createBearerRoute(tags, {
  method: 'get', path: '/workers/{id}/lifecycle-timeline',
  summary: "A worker's lifecycle timeline, with how long each leaver step took",
  request: { params: idParamSchema, query: z.strictObject(formatQueryShape) },
  responses: { 200: reportResponse(workerTimelineSchema, 'The timeline, oldest first') },
});

const leaverTimesRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/reports/leaver-times',
  summary: 'Time to disable and time to end-date (p50, p90, p99, max) for leavers detected in a period, and those past their deadline',
  request: { params: agencyParamSchema, query: z.strictObject({ ...periodQueryShape, ...formatQueryShape }) },
  responses: { 200: reportResponse(leaverTimesReportSchema, 'The report (CSV: one line per measure)') },
});

const pastDeadlineRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/reports/past-deadline',
  summary: 'Every leaver detected in a period who was end-dated late or is still open past the deadline',
  request: { params: agencyParamSchema, query: z.strictObject({ ...periodQueryShape, ...formatQueryShape }) },
  responses: { 200: reportResponse(pastDeadlineListSchema, 'The late cases') },
});

function wantsCsv(c: Context<AppEnv>, format: ReportFormat | undefined): boolean {
  return format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').toLowerCase().includes('text/csv'));
}

function csv(c: Context<AppEnv>, body: string, filename: string): Response {
  return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
}

export function createReportRoutes(deps: { reports: LifecycleReportService }) {
  return createRouter()
    .openapi(timelineRoute, async (c) => {
      const timeline = await deps.reports.workerTimeline(c.get('ctx'), c.req.valid('param').id);
      return wantsCsv(c, c.req.valid('query').format) ? csv(c, timelineCsv(timeline), `timeline-${timeline.loginId}.csv`) : c.json(timeline, 200);
    })
    .openapi(leaverTimesRoute, async (c) => {
      const { format, ...period } = c.req.valid('query');
      const report = await deps.reports.leaverTimes(c.get('ctx'), c.req.valid('param').agencyId, period);
      return wantsCsv(c, format) ? csv(c, leaverTimesCsv(report), 'leaver-times.csv') : c.json(report, 200);
    })
    .openapi(pastDeadlineRoute, async (c) => {
      const { format, ...period } = c.req.valid('query');
      const report = await deps.reports.leaverTimes(c.get('ctx'), c.req.valid('param').agencyId, period);
      if (wantsCsv(c, format)) return csv(c, pastDeadlineCsv(report), 'past-deadline.csv');
      return c.json({ agencyId: report.agencyId, from: report.from, to: report.to, items: report.pastDeadline }, 200);
    });
}
