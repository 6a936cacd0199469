import { applicationSchema, createApplicationSchema, updateApplicationSchema } from '../../domain/applications/applications.schemas.ts';
import type { ApplicationService } from '../../domain/applications/applications.service.ts';
import { businessFunctionSchema, createFunctionSchema, updateFunctionSchema } from '../../domain/functions/functions.schemas.ts';
import type { FunctionService } from '../../domain/functions/functions.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { idParamSchema, jsonBody, jsonResponse, pageOf, pageQuerySchema } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Applications'];

const createApplicationRoute = createBearerRoute(tags, {
  method: 'post', path: '/applications',
  summary: 'Register an application (state administrators)',
  request: { body: jsonBody(createApplicationSchema) },
  responses: { 201: jsonResponse(applicationSchema, 'The new application') },
});

const listApplicationsRoute = createBearerRoute(tags, {
  method: 'get', path: '/applications',
  summary: 'List the applications, by code',
  request: { query: pageQuerySchema },
  responses: { 200: jsonResponse(pageOf(applicationSchema, 'ApplicationPage'), 'A page of applications') },
});

const getApplicationRoute = createBearerRoute(tags, {
  method: 'get', path: '/applications/{id}',
  summary: 'Get one application',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(applicationSchema, 'The application') },
});

const updateApplicationRoute = createBearerRoute(tags, {
  method: 'patch', path: '/applications/{id}',
  summary: "Change an application's name or connector config (state administrators)",
  request: { params: idParamSchema, body: jsonBody(updateApplicationSchema) },
  responses: { 200: jsonResponse(applicationSchema, 'The changed application') },
});

const createFunctionRoute = createBearerRoute(tags, {
  method: 'post', path: '/applications/{id}/functions',
  summary: 'Add a business function to an application (state administrators)',
  request: { params: idParamSchema, body: jsonBody(createFunctionSchema) },
  responses: { 201: jsonResponse(businessFunctionSchema, 'The new business function') },
});

const listFunctionsRoute = createBearerRoute(tags, {
  method: 'get', path: '/applications/{id}/functions',
  summary: "List an application's business functions, by code",
  request: { params: idParamSchema, query: pageQuerySchema },
  responses: { 200: jsonResponse(pageOf(businessFunctionSchema, 'BusinessFunctionPage'), 'A page of business functions') },
});

const getFunctionRoute = createBearerRoute(tags, {
  method: 'get', path: '/functions/{id}',
  summary: 'Get one business function',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(businessFunctionSchema, 'The business function') },
});

const updateFunctionRoute = createBearerRoute(tags, {
  method: 'patch', path: '/functions/{id}',
  summary: 'Change a business function (state administrators)',
  request: { params: idParamSchema, body: jsonBody(updateFunctionSchema) },
  responses: { 200: jsonResponse(businessFunctionSchema, 'The changed business function') },
});

export function createApplicationRoutes(deps: { applications: ApplicationService; functions: FunctionService }) {
  return createRouter()
    .openapi(createApplicationRoute, async (c) => c.json(await deps.applications.create(c.get('ctx'), c.req.valid('json')), 201))
    .openapi(listApplicationsRoute, async (c) => c.json(await deps.applications.list(c.get('ctx'), c.req.valid('query')), 200))
    .openapi(getApplicationRoute, async (c) => c.json(await deps.applications.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(updateApplicationRoute, async (c) => c.json(await deps.applications.update(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(createFunctionRoute, async (c) => c.json(await deps.functions.create(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201))
    .openapi(listFunctionsRoute, async (c) => c.json(await deps.functions.listForApplication(c.get('ctx'), c.req.valid('param').id, c.req.valid('query')), 200))
    .openapi(getFunctionRoute, async (c) => c.json(await deps.functions.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(updateFunctionRoute, async (c) => c.json(await deps.functions.update(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200));
}
