import { z } from '@hono/zod-openapi';
import { createDelegationSchema, delegationSchema } from '../../domain/approvals/approvals.schemas.ts';
import type { DelegationService } from '../../domain/approvals/delegations.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { idParamSchema, jsonBody, jsonResponse } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Approval policies'];

const createDelegationRoute = createBearerRoute(tags, {
  method: 'post', path: '/workers/{id}/delegations',
  summary: "Name a deputy who decides in the worker's place between two dates",
  description: 'Dates are inclusive, in the agency\'s calendar; the range must end today or later. The worker names their own deputy, or a security coordinator does it for them.',
  request: { params: idParamSchema, body: jsonBody(createDelegationSchema) },
  responses: { 201: jsonResponse(delegationSchema, 'The delegation') },
});

const listDelegationsRoute = createBearerRoute(tags, {
  method: 'get', path: '/workers/{id}/delegations',
  summary: "The worker's delegations",
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(z.object({ items: z.array(delegationSchema) }), 'The delegations') },
});

const endDelegationRoute = createBearerRoute(tags, {
  method: 'post', path: '/delegations/{id}/end',
  summary: 'End a delegation now: the deputy decides nothing more from today',
  description: 'One begun before today now ends yesterday; one begun today is removed, one still to come withdrawn (the audit log keeps each as it was). One already over answers 409 delegation.ended.',
  request: { params: idParamSchema },
  responses: { 204: { description: 'Ended' } },
});

export function createDelegationRoutes(deps: { delegations: DelegationService }) {
  return createRouter()
    .openapi(createDelegationRoute, async (c) => c.json(await deps.delegations.create(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201))
    .openapi(listDelegationsRoute, async (c) => c.json({ items: await deps.delegations.list(c.get('ctx'), c.req.valid('param').id) }, 200))
    .openapi(endDelegationRoute, async (c) => {
      await deps.delegations.end(c.get('ctx'), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
