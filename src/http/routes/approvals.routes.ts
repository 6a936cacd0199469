import { z } from '@hono/zod-openapi';
import {
  approvalPolicySchema, createSodRuleSchema, policyDefinitionSchema, sodConflictSchema, sodRuleSchema,
} from '../../domain/approvals/approvals.schemas.ts';
import type { ApprovalService } from '../../domain/approvals/approvals.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, jsonBody, jsonResponse } from '../common-schemas.ts';
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

export function createApprovalRoutes(deps: { approvals: ApprovalService }) {
  return createRouter()
    .openapi(getPolicyRoute, async (c) => c.json(await deps.approvals.getPolicy(c.get('ctx'), c.req.valid('param').agencyId), 200))
    .openapi(putPolicyRoute, async (c) => c.json(await deps.approvals.setPolicy(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 200))
    .openapi(addSodRuleRoute, async (c) => c.json(await deps.approvals.addSodRule(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 201))
    .openapi(listSodRulesRoute, async (c) => c.json({ items: await deps.approvals.listSodRules(c.get('ctx'), c.req.valid('param').agencyId) }, 200))
    .openapi(listSodConflictsRoute, async (c) => c.json({ items: await deps.approvals.listSodConflicts(c.get('ctx'), c.req.valid('param').agencyId) }, 200));
}
