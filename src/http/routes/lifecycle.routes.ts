import { z } from '@hono/zod-openapi';
import type { CoverageService } from '../../domain/lifecycle/coverage.service.ts';
import type { ExceptionService } from '../../domain/lifecycle/exceptions.service.ts';
import type { LeaveService } from '../../domain/lifecycle/leave.service.ts';
import {
  accessExceptionSchema, changeLeaveSchema, coverageSchema, createCoverageSchema, exceptionListQueryShape, leaveListQueryShape, leaveReasonSchema, leaveSchema,
  lifecycleSettingsSchema, recordLeaveSchema, removalListQueryShape, requestExceptionSchema, scheduledRemovalSchema, updateLifecycleSettingsSchema,
} from '../../domain/lifecycle/lifecycle.schemas.ts';
import type { MoverService } from '../../domain/lifecycle/mover.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, jsonBody, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const leaveTags = ['Leave of absence'];
const moverTags = ['Movers'];
const exceptionTags = ['Exceptions'];

const getSettingsRoute = createBearerRoute(moverTags, {
  method: 'get', path: '/agencies/{agencyId}/lifecycle-settings',
  summary: "The agency's lifecycle settings (how long a mover keeps access outside the new template)",
  request: { params: agencyParamSchema },
  responses: { 200: jsonResponse(lifecycleSettingsSchema, 'The settings in force') },
});

const putSettingsRoute = createBearerRoute(moverTags, {
  method: 'put', path: '/agencies/{agencyId}/lifecycle-settings',
  summary: 'Change the lifecycle settings (security coordinators, state administrators)',
  request: { params: agencyParamSchema, body: jsonBody(updateLifecycleSettingsSchema) },
  responses: { 200: jsonResponse(lifecycleSettingsSchema, 'The new settings') },
});

const listRemovalsRoute = createBearerRoute(moverTags, {
  method: 'get', path: '/agencies/{agencyId}/scheduled-removals',
  summary: 'Grants scheduled for removal after a job change, by deadline; overdue=true lists only the late ones',
  description: 'A job or unit change (directory sync, the built-in directory, SCIM) schedules the removal of every function grant outside the new job\'s template: at once for high-risk functions, else after the agency\'s business days; an approved keep exception defers it to the exception\'s end.',
  request: { params: agencyParamSchema, query: z.strictObject({ ...pageQueryShape, ...removalListQueryShape }) },
  responses: { 200: jsonResponse(pageOf(scheduledRemovalSchema, 'ScheduledRemovalPage'), 'A page of removals') },
});

const recordLeaveRoute = createBearerRoute(leaveTags, {
  method: 'post', path: '/workers/{id}/leaves',
  summary: 'Record a leave of absence starting today or later (LAN administrators)',
  description: 'From the start date the worker\'s accounts are disabled (pending requests about them are cancelled) and the grants held are snapshotted; on the return date exactly those grants come back, minus any removed meanwhile, and coverage ends.',
  request: { params: idParamSchema, body: jsonBody(recordLeaveSchema) },
  responses: { 201: jsonResponse(leaveSchema, 'The recorded leave') },
});

const listWorkerLeavesRoute = createBearerRoute(leaveTags, {
  method: 'get', path: '/workers/{id}/leaves',
  summary: "A worker's leaves",
  request: { params: idParamSchema, query: z.strictObject(pageQueryShape) },
  responses: { 200: jsonResponse(pageOf(leaveSchema, 'LeavePage'), 'A page of leaves') },
});

const listAgencyLeavesRoute = createBearerRoute(leaveTags, {
  method: 'get', path: '/agencies/{agencyId}/leaves',
  summary: "An agency's leaves, filtered by status",
  request: { params: agencyParamSchema, query: z.strictObject({ ...pageQueryShape, ...leaveListQueryShape }) },
  responses: { 200: jsonResponse(pageOf(leaveSchema, 'AgencyLeavePage'), 'A page of leaves') },
});

const getLeaveRoute = createBearerRoute(leaveTags, {
  method: 'get', path: '/leaves/{id}',
  summary: 'One leave with its snapshot',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(leaveSchema, 'The leave') },
});

const changeLeaveRoute = createBearerRoute(leaveTags, {
  method: 'patch', path: '/leaves/{id}',
  summary: 'Move the start (before it comes) or the expected return; a return of today is an early return',
  request: { params: idParamSchema, body: jsonBody(changeLeaveSchema) },
  responses: { 200: jsonResponse(leaveSchema, 'The changed leave') },
});

const returnRoute = createBearerRoute(leaveTags, {
  method: 'post', path: '/leaves/{id}/return',
  summary: 'The worker is back now (early return): reinstated, coverage ended',
  request: { params: idParamSchema, body: jsonBody(leaveReasonSchema) },
  responses: { 200: jsonResponse(leaveSchema, 'The ended leave') },
});

const cancelLeaveRoute = createBearerRoute(leaveTags, {
  method: 'post', path: '/leaves/{id}/cancel',
  summary: 'Withdraw a leave that has not started',
  request: { params: idParamSchema, body: jsonBody(leaveReasonSchema) },
  responses: { 200: jsonResponse(leaveSchema, 'The cancelled leave') },
});

const createCoverageRoute = createBearerRoute(leaveTags, {
  method: 'post', path: '/leaves/{id}/coverages',
  summary: "Give a colleague unit hierarchy access for the absence (security coordinators)",
  description: "The grant (provenance coverage) starts with the leave and ends on the expected return by itself; an early return ends it at once, a moved return moves it.",
  request: { params: idParamSchema, body: jsonBody(createCoverageSchema) },
  responses: { 201: jsonResponse(coverageSchema, 'The coverage') },
});

const listCoveragesRoute = createBearerRoute(leaveTags, {
  method: 'get', path: '/leaves/{id}/coverages',
  summary: "The leave's coverage",
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(z.object({ items: z.array(coverageSchema) }).openapi('CoverageList'), 'The coverage') },
});

const requestExceptionRoute = createBearerRoute(exceptionTags, {
  method: 'post', path: '/workers/{id}/exceptions',
  summary: 'Ask for a time-bound exception: keep a function despite a job change, or hold one outside the template',
  description: 'Decided by an access request under the agency\'s approval policy (risk of the function). Once approved: keep defers the scheduled removal to the end; hold grants the function until the end (provenance exception). It expires by itself.',
  request: { params: idParamSchema, body: jsonBody(requestExceptionSchema) },
  responses: { 201: jsonResponse(accessExceptionSchema, 'The exception, with its request') },
});

const listExceptionsRoute = createBearerRoute(exceptionTags, {
  method: 'get', path: '/agencies/{agencyId}/exceptions',
  summary: "An agency's exceptions with who holds each and when it ends",
  request: { params: agencyParamSchema, query: z.strictObject({ ...pageQueryShape, ...exceptionListQueryShape }) },
  responses: { 200: jsonResponse(pageOf(accessExceptionSchema, 'AccessExceptionPage'), 'A page of exceptions') },
});

const getExceptionRoute = createBearerRoute(exceptionTags, {
  method: 'get', path: '/exceptions/{id}',
  summary: 'One exception',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(accessExceptionSchema, 'The exception') },
});

export function createLifecycleRoutes(deps: { movers: MoverService; leaves: LeaveService; coverage: CoverageService; exceptions: ExceptionService }) {
  return createRouter()
    .openapi(getSettingsRoute, async (c) => c.json(await deps.movers.getSettings(c.get('ctx'), c.req.valid('param').agencyId), 200))
    .openapi(putSettingsRoute, async (c) => c.json(await deps.movers.updateSettings(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 200))
    .openapi(listRemovalsRoute, async (c) => c.json(await deps.movers.listRemovals(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(recordLeaveRoute, async (c) => c.json(await deps.leaves.record(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201))
    .openapi(listWorkerLeavesRoute, async (c) => c.json(await deps.leaves.listForWorker(c.get('ctx'), c.req.valid('param').id, c.req.valid('query')), 200))
    .openapi(listAgencyLeavesRoute, async (c) => c.json(await deps.leaves.listForAgency(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(getLeaveRoute, async (c) => c.json(await deps.leaves.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(changeLeaveRoute, async (c) => c.json(await deps.leaves.change(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(returnRoute, async (c) => c.json(await deps.leaves.returnEarly(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason), 200))
    .openapi(cancelLeaveRoute, async (c) => c.json(await deps.leaves.cancel(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason), 200))
    .openapi(createCoverageRoute, async (c) => c.json(await deps.coverage.create(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201))
    .openapi(listCoveragesRoute, async (c) => c.json({ items: await deps.coverage.list(c.get('ctx'), c.req.valid('param').id) }, 200))
    .openapi(requestExceptionRoute, async (c) => c.json(await deps.exceptions.request(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201))
    .openapi(listExceptionsRoute, async (c) => c.json(await deps.exceptions.list(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(getExceptionRoute, async (c) => c.json(await deps.exceptions.get(c.get('ctx'), c.req.valid('param').id), 200));
}
