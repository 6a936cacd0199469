import { effectiveAccessQuerySchema, effectiveAccessSchema } from '../../domain/access/effective-access.schemas.ts';
import type { EffectiveAccessService } from '../../domain/access/effective-access.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { idParamSchema, jsonResponse } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const effectiveAccessRoute = createBearerRoute(['Access'], {
  method: 'get', path: '/workers/{id}/effective-access',
  summary: 'What a worker can do in an application now, or could do at any past instant',
  description:
    'Empty, with `reasons`, unless the directory account is enabled, the worker is not on leave, and the application account is active and not end-dated at that instant. ' +
    'Otherwise the live function grants and the units from the placement and unit hierarchy grants. Staff with access.read in the agency, or the worker themselves.',
  request: { params: idParamSchema, query: effectiveAccessQuerySchema },
  responses: { 200: jsonResponse(effectiveAccessSchema, 'The effective access') },
});

export function createAccessRoutes(deps: { access: EffectiveAccessService }) {
  return createRouter().openapi(effectiveAccessRoute, async (c) => {
    const { application, at } = c.req.valid('query');
    return c.json(await deps.access.effectiveAccess(c.get('ctx'), c.req.valid('param').id, application, at === undefined ? undefined : new Date(at)), 200);
  });
}
