import { accessTemplateSchema, createTemplateSchema, replaceTemplateFunctionsSchema } from '../../domain/templates/templates.schemas.ts';
import type { TemplateService } from '../../domain/templates/templates.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, jsonBody, jsonResponse, pageOf, pageQuerySchema } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Access templates'];

const createTemplateRoute = createBearerRoute(tags, {
  method: 'post', path: '/agencies/{agencyId}/templates',
  summary: "Create the least-privilege function set for a job type (state administrators, the agency's security coordinators)",
  request: { params: agencyParamSchema, body: jsonBody(createTemplateSchema) },
  responses: { 201: jsonResponse(accessTemplateSchema, 'The new access template') },
});

const listTemplatesRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/templates',
  summary: "List an agency's access templates, by job type",
  request: { params: agencyParamSchema, query: pageQuerySchema },
  responses: { 200: jsonResponse(pageOf(accessTemplateSchema, 'AccessTemplatePage'), 'A page of access templates') },
});

const getTemplateRoute = createBearerRoute(tags, {
  method: 'get', path: '/templates/{id}',
  summary: 'Get one access template',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(accessTemplateSchema, 'The access template') },
});

const replaceFunctionsRoute = createBearerRoute(tags, {
  method: 'put', path: '/templates/{id}/functions',
  summary: "Replace a template's whole function set",
  request: { params: idParamSchema, body: jsonBody(replaceTemplateFunctionsSchema) },
  responses: { 200: jsonResponse(accessTemplateSchema, 'The changed access template') },
});

export function createTemplateRoutes(deps: { templates: TemplateService }) {
  return createRouter()
    .openapi(createTemplateRoute, async (c) => c.json(await deps.templates.create(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 201))
    .openapi(listTemplatesRoute, async (c) => c.json(await deps.templates.listForAgency(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(getTemplateRoute, async (c) => c.json(await deps.templates.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(replaceFunctionsRoute, async (c) => c.json(await deps.templates.replaceFunctions(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').functionIds), 200));
}
