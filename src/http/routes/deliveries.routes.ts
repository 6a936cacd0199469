import { z } from '@hono/zod-openapi';
import { reconcileReportSchema } from '../../connectors/scim-client/reconcile.schemas.ts';
import type { ReconcileService } from '../../connectors/scim-client/reconcile.ts';
import { deliverySchema, deliveryStatuses } from '../../outbox/deliveries.schemas.ts';
import type { DeliveryService } from '../../outbox/deliveries.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { errorResponses, idParamSchema, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Provisioning'];

const unreachable = { description: 'The application could not be reached or refused to answer.', content: errorResponses[400].content } as const;

const listDeliveriesRoute = createBearerRoute(tags, {
  method: 'get', path: '/applications/{id}/deliveries',
  summary: "List the changes still to reach an application, or those that failed (in the agencies you may read accounts of)",
  request: {
    params: idParamSchema,
    query: z.strictObject({
      ...pageQueryShape,
      status: z.enum(deliveryStatuses).optional().openapi({ param: { name: 'status', in: 'query' }, description: 'Only deliveries in this state.' }),
    }),
  },
  responses: { 200: jsonResponse(pageOf(deliverySchema, 'DeliveryPage'), 'A page of deliveries') },
});

const retryDeliveryRoute = createBearerRoute(tags, {
  method: 'post', path: '/deliveries/{id}/retry',
  summary: 'Try a failed delivery again now (after fixing what made it fail)',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(deliverySchema, 'The delivery, pending again') },
});

const reconcileRoute = createBearerRoute(tags, {
  method: 'post', path: '/applications/{id}/reconcile',
  summary: 'Compare a SCIM application with Gatehouse; repair the drift when its config says reconcile: "repair" (state administrators)',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(reconcileReportSchema, 'What differs, and what was repaired'), 502: unreachable },
});

export function createDeliveryRoutes(deps: { deliveries: DeliveryService; reconcile: ReconcileService }) {
  return createRouter()
    .openapi(listDeliveriesRoute, async (c) => c.json(await deps.deliveries.listForApplication(c.get('ctx'), c.req.valid('param').id, c.req.valid('query')), 200))
    .openapi(retryDeliveryRoute, async (c) => c.json(await deps.deliveries.retry(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(reconcileRoute, async (c) => c.json(await deps.reconcile.reconcile(c.get('ctx'), c.req.valid('param').id), 200));
}
