import { z } from '@hono/zod-openapi';
import type { CoverageService } from '../../domain/lifecycle/coverage.service.ts';
import { coverageListItemSchema, coverageListQueryShape, coverageSchema, endCoverageSchema } from '../../domain/lifecycle/lifecycle.schemas.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, jsonBody, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Leave of absence'];

const listAgencyCoveragesRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/coverages',
  summary: "An agency's coverage under way or still to start, by start; search by either worker's name or login",
  request: { params: agencyParamSchema, query: z.strictObject({ ...pageQueryShape, ...coverageListQueryShape }) },
  responses: { 200: jsonResponse(pageOf(coverageListItemSchema, 'CoverageListPage'), 'A page of coverage') },
});

const endCoverageRoute = createBearerRoute(tags, {
  method: 'post', path: '/coverages/{id}/end',
  summary: 'End a coverage now, before the return date (security coordinators)',
  description: 'The covering worker loses the unit hierarchy access at once; a coverage not yet started is withdrawn. 422 coverage.not_applicable when it has ended already.',
  request: { params: idParamSchema, body: jsonBody(endCoverageSchema) },
  responses: { 200: jsonResponse(coverageSchema, 'The ended coverage') },
});

/** Coverage across an agency's leaves: the coordinator's list, and ending one early. */
export function createCoverageRoutes(deps: { coverage: CoverageService }) {
  return createRouter()
    .openapi(listAgencyCoveragesRoute, async (c) => c.json(await deps.coverage.listForAgency(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(endCoverageRoute, async (c) => c.json(await deps.coverage.end(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason), 200));
}
