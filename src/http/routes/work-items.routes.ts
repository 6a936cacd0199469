import { z } from '@hono/zod-openapi';
import { closeWorkItemSchema, createWorkItemSchema, reassignWorkItemSchema, workItemListQueryShape, workItemSchema } from '../../domain/work-items/work-items.schemas.ts';
import type { WorkItemService } from '../../domain/work-items/work-items.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, jsonBody, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Work items'];

const createWorkItemRoute = createBearerRoute(tags, {
  method: 'post', path: '/agencies/{agencyId}/work-items',
  summary: 'Record a case or to-do owned by a worker of the agency',
  request: { params: agencyParamSchema, body: jsonBody(createWorkItemSchema) },
  responses: { 201: jsonResponse(workItemSchema, 'The new work item') },
});

const listWorkItemsRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/work-items',
  summary: "An agency's cases and to-dos, filtered by owner, status, kind and unit",
  request: { params: agencyParamSchema, query: z.strictObject({ ...pageQueryShape, ...workItemListQueryShape }) },
  responses: { 200: jsonResponse(pageOf(workItemSchema, 'WorkItemPage'), 'A page of work items') },
});

const getWorkItemRoute = createBearerRoute(tags, {
  method: 'get', path: '/work-items/{id}',
  summary: 'Get one work item',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(workItemSchema, 'The work item') },
});

const closeWorkItemRoute = createBearerRoute(tags, {
  method: 'post', path: '/work-items/{id}/close',
  summary: 'Close an open work item, with a reason',
  request: { params: idParamSchema, body: jsonBody(closeWorkItemSchema) },
  responses: { 200: jsonResponse(workItemSchema, 'The closed work item') },
});

const reassignWorkItemRoute = createBearerRoute(tags, {
  method: 'post', path: '/work-items/{id}/reassign',
  summary: 'Give an open work item to another enabled worker of the same agency',
  description: 'Send the `version` you read; if the item changed since, the answer is 409 conflict.version.',
  request: { params: idParamSchema, body: jsonBody(reassignWorkItemSchema) },
  responses: { 200: jsonResponse(workItemSchema, 'The reassigned work item') },
});

export function createWorkItemRoutes(deps: { workItems: WorkItemService }) {
  return createRouter()
    .openapi(createWorkItemRoute, async (c) => c.json(await deps.workItems.create(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 201))
    .openapi(listWorkItemsRoute, async (c) => c.json(await deps.workItems.list(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(getWorkItemRoute, async (c) => c.json(await deps.workItems.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(closeWorkItemRoute, async (c) => c.json(await deps.workItems.close(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason), 200))
    .openapi(reassignWorkItemRoute, async (c) => c.json(await deps.workItems.reassign(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200));
}
