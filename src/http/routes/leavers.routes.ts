import { z } from '@hono/zod-openapi';
import type { LeaverCaseService } from '../../domain/leavers/leaver-cases.service.ts';
import {
  applyPlanSchema, endDateLeaverSchema, leaverCaseDetailSchema, leaverCaseListQueryShape, leaverCaseSchema, leaverSettingsSchema, proposePlanSchema,
  reassignmentPlanSchema, updateLeaverSettingsSchema,
} from '../../domain/leavers/leavers.schemas.ts';
import type { ReassignmentService } from '../../domain/leavers/reassignment.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, jsonBody, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Leavers'];

const listCasesRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/leaver-cases',
  summary: "The security coordinator's leaver queue: \"end-date W\" with what blocks it, by deadline",
  description: '`?overdue=true` is the overdue list: every case past its end-date deadline.',
  request: { params: agencyParamSchema, query: z.strictObject({ ...pageQueryShape, ...leaverCaseListQueryShape }) },
  responses: { 200: jsonResponse(pageOf(leaverCaseSchema, 'LeaverCasePage'), 'A page of leaver cases') },
});

const getCaseRoute = createBearerRoute(tags, {
  method: 'get', path: '/leaver-cases/{id}',
  summary: 'One leaver case, with the open cases and to-dos that block end-dating',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(leaverCaseDetailSchema, 'The leaver case') },
});

const proposePlanRoute = createBearerRoute(tags, {
  method: 'post', path: '/leaver-cases/{id}/reassignment-plan',
  summary: "Propose who takes the leaver's open work (changes nothing)",
  request: { params: idParamSchema, body: jsonBody(proposePlanSchema) },
  responses: { 200: jsonResponse(reassignmentPlanSchema, 'The proposed plan') },
});

const applyPlanRoute = createBearerRoute(tags, {
  method: 'post', path: '/leaver-cases/{id}/reassignments',
  summary: 'Apply a (possibly edited) reassignment plan in one transaction',
  description: 'Every assignment is applied and audited, or none is. Items left out stay with the leaver.',
  request: { params: idParamSchema, body: jsonBody(applyPlanSchema) },
  responses: { 200: jsonResponse(leaverCaseDetailSchema, 'The case after the reassignment') },
});

const endDateRoute = createBearerRoute(tags, {
  method: 'post', path: '/leaver-cases/{id}/end-date',
  summary: "End-date every account of the leaver today and close the case",
  description: 'Refused with 409 account.open_work_items while the worker owns any open case or to-do.',
  request: { params: idParamSchema, body: jsonBody(endDateLeaverSchema) },
  responses: { 200: jsonResponse(leaverCaseDetailSchema, 'The closed case') },
});

const getSettingsRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/leaver-settings',
  summary: "The agency's end-date deadline for leavers",
  request: { params: agencyParamSchema },
  responses: { 200: jsonResponse(leaverSettingsSchema, 'The settings in force') },
});

const putSettingsRoute = createBearerRoute(tags, {
  method: 'put', path: '/agencies/{agencyId}/leaver-settings',
  summary: "Change the agency's end-date deadline (applies to cases opened from now on)",
  request: { params: agencyParamSchema, body: jsonBody(updateLeaverSettingsSchema) },
  responses: { 200: jsonResponse(leaverSettingsSchema, 'The new settings') },
});

export function createLeaverRoutes(deps: { leavers: LeaverCaseService; reassignments: ReassignmentService }) {
  return createRouter()
    .openapi(listCasesRoute, async (c) => c.json(await deps.leavers.list(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(getCaseRoute, async (c) => c.json(await deps.leavers.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(proposePlanRoute, async (c) => c.json(await deps.reassignments.propose(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(applyPlanRoute, async (c) => c.json(await deps.reassignments.apply(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(endDateRoute, async (c) => c.json(await deps.leavers.endDate(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(getSettingsRoute, async (c) => c.json(await deps.leavers.getSettings(c.get('ctx'), c.req.valid('param').agencyId), 200))
    .openapi(putSettingsRoute, async (c) => c.json(await deps.leavers.updateSettings(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 200));
}
