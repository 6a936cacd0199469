import { z } from '@hono/zod-openapi';
import { agencyGrantsQueryShape, grantSchema, revokeGrantSchema, workerGrantsQueryShape } from '../../domain/grants/grants.schemas.ts';
import type { GrantService } from '../../domain/grants/grants.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, jsonBody, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Grants'];
const grantPage = pageOf(grantSchema, 'GrantPage');

const provenanceNote =
  'There is no route to create a grant: grants come only from approved access requests, assessments, coverage and exceptions, each recorded as the grant\'s provenance.';

const getGrantRoute = createBearerRoute(tags, {
  method: 'get', path: '/grants/{id}',
  summary: 'Get one grant, live or ended',
  description: provenanceNote,
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(grantSchema, 'The grant') },
});

const listWorkerGrantsRoute = createBearerRoute(tags, {
  method: 'get', path: '/workers/{id}/grants',
  summary: "A worker's grants: live now (or at `at`), or every grant ever held with includeEnded=true",
  description: provenanceNote,
  request: { params: idParamSchema, query: z.strictObject({ ...pageQueryShape, ...workerGrantsQueryShape }) },
  responses: { 200: jsonResponse(grantPage, 'A page of grants') },
});

const listAgencyGrantsRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/grants',
  summary: "An agency's grants, filtered by function, kind and liveness",
  description: provenanceNote,
  request: { params: agencyParamSchema, query: z.strictObject({ ...pageQueryShape, ...agencyGrantsQueryShape }) },
  responses: { 200: jsonResponse(grantPage, 'A page of grants') },
});

const revokeGrantRoute = createBearerRoute(tags, {
  method: 'post', path: '/grants/{id}/revoke',
  summary: 'Revoke a grant now (security coordinators, state administrators)',
  description: 'The grant is kept with who revoked it, when and why; access it gave ends at once. A revoked grant cannot be revoked again (409 grant.already_revoked).',
  request: { params: idParamSchema, body: jsonBody(revokeGrantSchema) },
  responses: { 200: jsonResponse(grantSchema, 'The revoked grant') },
});

export function createGrantRoutes(deps: { grants: GrantService }) {
  return createRouter()
    .openapi(getGrantRoute, async (c) => c.json(await deps.grants.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(listWorkerGrantsRoute, async (c) => {
      const { at, ...filter } = c.req.valid('query');
      return c.json(await deps.grants.listForWorker(c.get('ctx'), c.req.valid('param').id, { ...filter, at: at === undefined ? undefined : new Date(at) }), 200);
    })
    .openapi(listAgencyGrantsRoute, async (c) => c.json(await deps.grants.listForAgency(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(revokeGrantRoute, async (c) => c.json(await deps.grants.revoke(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason), 200));
}
