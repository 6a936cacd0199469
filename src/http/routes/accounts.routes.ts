import { z } from '@hono/zod-openapi';
import { accountReasonSchema, accountSchema, accountStatuses, endDateAccountSchema, moveAccountSchema, openAccountSchema } from '../../domain/accounts/accounts.schemas.ts';
import type { AccountService } from '../../domain/accounts/accounts.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, idSchema, jsonBody, jsonResponse, pageOf, pageQueryShape, pageQuerySchema } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Accounts'];

const accountPage = pageOf(accountSchema, 'AccountPage');

const openAccountRoute = createBearerRoute(tags, {
  method: 'post', path: '/accounts',
  summary: "Open a worker's account in an application: active, in the agency's N01 holding unit, with no access",
  request: { body: jsonBody(openAccountSchema) },
  responses: { 201: jsonResponse(accountSchema, 'The new account') },
});

const getAccountRoute = createBearerRoute(tags, {
  method: 'get', path: '/accounts/{id}',
  summary: 'Get one account',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(accountSchema, 'The account') },
});

const listAgencyAccountsRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/accounts',
  summary: "List an agency's accounts, optionally by status and application",
  request: {
    params: agencyParamSchema,
    query: z.strictObject({
      ...pageQueryShape,
      status: z.enum(accountStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }),
      applicationId: idSchema.optional().openapi({ param: { name: 'applicationId', in: 'query' } }),
      awaitingAssessment: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional()
        .openapi({ param: { name: 'awaitingAssessment', in: 'query' }, description: 'true: the new workers still in N01 with no access, waiting for the security coordinator.' }),
    }),
  },
  responses: { 200: jsonResponse(accountPage, 'A page of accounts') },
});

const listWorkerAccountsRoute = createBearerRoute(tags, {
  method: 'get', path: '/workers/{id}/accounts',
  summary: "List a worker's accounts",
  request: { params: idParamSchema, query: pageQuerySchema },
  responses: { 200: jsonResponse(accountPage, 'A page of accounts') },
});

const moveAccountRoute = createBearerRoute(tags, {
  method: 'patch', path: '/accounts/{id}',
  summary: 'Move the account to another unit of its agency',
  request: { params: idParamSchema, body: jsonBody(moveAccountSchema) },
  responses: { 200: jsonResponse(accountSchema, 'The moved account') },
});

const disableAccountRoute = createBearerRoute(tags, {
  method: 'post', path: '/accounts/{id}/disable',
  summary: 'Disable the account at once (reversible)',
  request: { params: idParamSchema, body: jsonBody(accountReasonSchema) },
  responses: { 200: jsonResponse(accountSchema, 'The disabled account') },
});

const enableAccountRoute = createBearerRoute(tags, {
  method: 'post', path: '/accounts/{id}/enable',
  summary: 'Enable a disabled account that is not end-dated',
  request: { params: idParamSchema, body: jsonBody(accountReasonSchema) },
  responses: { 200: jsonResponse(accountSchema, 'The enabled account') },
});

const endDateAccountRoute = createBearerRoute(tags, {
  method: 'post', path: '/accounts/{id}/end-date',
  summary: 'End-date the account (today or later); refused while the worker owns open work items',
  request: { params: idParamSchema, body: jsonBody(endDateAccountSchema) },
  responses: { 200: jsonResponse(accountSchema, 'The end-dated account') },
});

export function createAccountRoutes(deps: { accounts: AccountService }) {
  return createRouter()
    .openapi(openAccountRoute, async (c) => c.json(await deps.accounts.open(c.get('ctx'), c.req.valid('json')), 201))
    .openapi(getAccountRoute, async (c) => c.json(await deps.accounts.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(listAgencyAccountsRoute, async (c) => c.json(await deps.accounts.listForAgency(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(listWorkerAccountsRoute, async (c) => c.json(await deps.accounts.listForWorker(c.get('ctx'), c.req.valid('param').id, c.req.valid('query')), 200))
    .openapi(moveAccountRoute, async (c) => c.json(await deps.accounts.move(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(disableAccountRoute, async (c) => c.json(await deps.accounts.disable(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason), 200))
    .openapi(enableAccountRoute, async (c) => c.json(await deps.accounts.enable(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason), 200))
    .openapi(endDateAccountRoute, async (c) => c.json(await deps.accounts.endDate(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200));
}
