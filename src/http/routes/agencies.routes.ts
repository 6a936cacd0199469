import { agencySchema, createAgencySchema } from '../../domain/agencies/agencies.schemas.ts';
import type { AgencyService } from '../../domain/agencies/agencies.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { idParamSchema, jsonBody, jsonResponse, pageOf, pageQuerySchema } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Agencies'];

const createAgencyRoute = createBearerRoute(tags, {
  method: 'post', path: '/agencies',
  summary: 'Create an agency with its N01 holding unit (state administrators)',
  request: { body: jsonBody(createAgencySchema) },
  responses: { 201: jsonResponse(agencySchema, 'The new agency') },
});

const listAgenciesRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies',
  summary: 'List the agencies you can see',
  request: { query: pageQuerySchema },
  responses: { 200: jsonResponse(pageOf(agencySchema, 'AgencyPage'), 'A page of agencies') },
});

const getAgencyRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{id}',
  summary: 'Get one agency',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(agencySchema, 'The agency') },
});

export function createAgencyRoutes(deps: { agencies: AgencyService }) {
  return createRouter()
    .openapi(createAgencyRoute, async (c) => c.json(await deps.agencies.create(c.get('ctx'), c.req.valid('json')), 201))
    .openapi(listAgenciesRoute, async (c) => c.json(await deps.agencies.list(c.get('ctx'), c.req.valid('query')), 200))
    .openapi(getAgencyRoute, async (c) => c.json(await deps.agencies.get(c.get('ctx'), c.req.valid('param').id), 200));
}
