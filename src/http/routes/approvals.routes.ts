import { z } from '@hono/zod-openapi';
import {
  approvalPolicySchema, createDelegationSchema, createSodRuleSchema, delegationSchema, policyDefinitionSchema, sodConflictSchema, sodRuleSchema,
} from '../../domain/approvals/approvals.schemas.ts';
import type { ApprovalService } from '../../domain/approvals/approvals.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, jsonBody, jsonResponse } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Approval policies'];

const getPolicyRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/approval-policy',
  summary: 'The approval policy in force (version 0: the built-in default)',
  request: { params: agencyParamSchema },
  responses: { 200: jsonResponse(approvalPolicySchema, 'The policy') },
});

const putPolicyRoute = createBearerRoute(tags, {
  method: 'put', path: '/agencies/{agencyId}/approval-policy',
  summary: 'Record a new policy version; requests already submitted keep the version they started with',
  request: { params: agencyParamSchema, body: jsonBody(policyDefinitionSchema) },
  responses: { 200: jsonResponse(approvalPolicySchema, 'The new version') },
});

const addSodRuleRoute = createBearerRoute(tags, {
  method: 'post', path: '/agencies/{agencyId}/sod-rules',
  summary: 'Declare two functions incompatible (separation of duties)',
  request: { params: agencyParamSchema, body: jsonBody(createSodRuleSchema) },
  responses: { 201: jsonResponse(sodRuleSchema, 'The rule') },
});

const listSodRulesRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/sod-rules',
  summary: "The agency's separation-of-duties rules",
  request: { params: agencyParamSchema },
  responses: { 200: jsonResponse(z.object({ items: z.array(sodRuleSchema) }), 'The rules') },
});

const listSodConflictsRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/sod-conflicts',
  summary: 'Workers who hold incompatible functions right now',
  request: { params: agencyParamSchema },
  responses: { 200: jsonResponse(z.object({ items: z.array(sodConflictSchema) }), 'The conflicts') },
});

const createDelegationRoute = createBearerRoute(tags, {
  method: 'post', path: '/workers/{id}/delegations',
  summary: "Name a deputy who decides in the worker's place between two dates",
  request: { params: idParamSchema, body: jsonBody(createDelegationSchema) },
  responses: { 201: jsonResponse(delegationSchema, 'The delegation') },
});

const listDelegationsRoute = createBearerRoute(tags, {
  method: 'get', path: '/workers/{id}/delegations',
  summary: "The worker's delegations",
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(z.object({ items: z.array(delegationSchema) }), 'The delegations') },
});

export function createApprovalRoutes(deps: { approvals: ApprovalService }) {
  return createRouter()
    .openapi(getPolicyRoute, async (c) => c.json(await deps.approvals.getPolicy(c.get('ctx'), c.req.valid('param').agencyId), 200))
    .openapi(putPolicyRoute, async (c) => c.json(await deps.approvals.setPolicy(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 200))
    .openapi(addSodRuleRoute, async (c) => c.json(await deps.approvals.addSodRule(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 201))
    .openapi(listSodRulesRoute, async (c) => c.json({ items: await deps.approvals.listSodRules(c.get('ctx'), c.req.valid('param').agencyId) }, 200))
    .openapi(listSodConflictsRoute, async (c) => c.json({ items: await deps.approvals.listSodConflicts(c.get('ctx'), c.req.valid('param').agencyId) }, 200))
    .openapi(createDelegationRoute, async (c) => c.json(await deps.approvals.createDelegation(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201))
    .openapi(listDelegationsRoute, async (c) => c.json({ items: await deps.approvals.listDelegations(c.get('ctx'), c.req.valid('param').id) }, 200));
}
