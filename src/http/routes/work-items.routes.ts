import { createRoute, z } from '@hono/zod-openapi';
import { closeWorkItemSchema, createWorkItemSchema, reassignWorkItemSchema, workItemListQueryShape, workItemSchema } from '../../domain/work-items/work-items.schemas.ts';
import type { WorkItemService } from '../../domain/work-items/work-items.service.ts';
import { bearerSecurity, errorResponses, idParamSchema, idSchema, jsonBody, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Work items'];
const agencyParamSchema = z.strictObject({ agencyId: idSchema.openapi({ param: { name: 'agencyId', in: 'path' } }) });

const createWorkItemRoute = createRoute({
  method: 'post', path: '/agencies/{agencyId}/work-items', tags, security: bearerSecurity,
  summary: 'Record a case or to-do owned by a worker of the agency',
  request: { params: agencyParamSchema, body: jsonBody(createWorkItemSchema) },
  responses: { 201: jsonResponse(workItemSchema, 'The new work item'), ...errorResponses },
});

const listWorkItemsRoute = createRoute({
  method: 'get', path: '/agencies/{agencyId}/work-items', tags, security: bearerSecurity,
  summary: "An agency's cases and to-dos, filtered by owner, status, kind and unit",
  request: { params: agencyParamSchema, query: z.strictObject({ ...pageQueryShape, ...workItemListQueryShape }) },
  responses: { 200: jsonResponse(pageOf(workItemSchema, 'WorkItemPage'), 'A page of work items'), ...errorResponses },
});

const getWorkItemRoute = createRoute({
  method: 'get', path: '/work-items/{id}', tags, security: bearerSecurity,
  summary: 'Get one work item',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(workItemSchema, 'The work item'), ...errorResponses },
});

const closeWorkItemRoute = createRoute({
  method: 'post', path: '/work-items/{id}/close', tags, security: bearerSecurity,
  summary: 'Close an open work item, with a reason',
  request: { params: idParamSchema, body: jsonBody(closeWorkItemSchema) },
  responses: { 200: jsonResponse(workItemSchema, 'The closed work item'), ...errorResponses },
});

const reassignWorkItemRoute = createRoute({
  method: 'post', path: '/work-items/{id}/reassign', tags, security: bearerSecurity,
  summary: 'Give an open work item to another enabled worker of the same agency',
  description: 'Send the `version` you read; if the item changed since, the answer is 409 conflict.version.',
  request: { params: idParamSchema, body: jsonBody(reassignWorkItemSchema) },
  responses: { 200: jsonResponse(workItemSchema, 'The reassigned work item'), ...errorResponses },
});

export function createWorkItemRoutes(deps: { workItems: WorkItemService }) {
  return createRouter()
    .openapi(createWorkItemRoute, async (c) => c.json(await deps.workItems.create(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 201))
    .openapi(listWorkItemsRoute, async (c) => c.json(await deps.workItems.list(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(getWorkItemRoute, async (c) => c.json(await deps.workItems.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(closeWorkItemRoute, async (c) => c.json(await deps.workItems.close(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason), 200))
    .openapi(reassignWorkItemRoute, async (c) => c.json(await deps.workItems.reassign(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200));
}
