import { z } from '@hono/zod-openapi';
import type { AcknowledgmentService } from '../../domain/requests/acknowledgments.service.ts';
import { inboxItemSchema } from '../../domain/requests/inbox.schemas.ts';
import type { InboxService } from '../../domain/requests/inbox.service.ts';
import {
  accessRequestSchema, acknowledgeSchema, acknowledgmentSchema, acknowledgmentStatusSchema, cancelRequestSchema, createRequestSchema, decideSchema, requestListQueryShape,
} from '../../domain/requests/requests.schemas.ts';
import type { RequestService } from '../../domain/requests/requests.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, jsonBody, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Access requests'];
const requestHeaderSchema = accessRequestSchema.omit({ items: true, stages: true }).openapi('AccessRequestSummary');

const createRequestRoute = createBearerRoute(tags, {
  method: 'post', path: '/agencies/{agencyId}/access-requests',
  summary: 'Request access for a worker: functions, placement, unit hierarchy access (added or removed)',
  description: 'Security coordinators request access for any worker of the agency; anyone else only for themselves (`subjectWorkerId` their own worker; otherwise 403 auth.forbidden). Submitted at once unless `submit` is false: the agency\'s approval policy in force, chosen by the highest function risk, fixes the stages and approvers. A function beyond the job template needs a justification (422 request.justification_required); a separation-of-duties conflict is refused (409 request.sod_conflict) or gets an extra stage, per policy.',
  request: { params: agencyParamSchema, body: jsonBody(createRequestSchema) },
  responses: { 201: jsonResponse(accessRequestSchema, 'The request, with its stages and approvers') },
});

const listRequestsRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/access-requests',
  summary: "An agency's access requests, newest first",
  description: 'Every request of the agency for security coordinators, auditors and state administrators; anyone else lists only the requests about themselves, with `subjectWorkerId` their own worker (otherwise 403 auth.forbidden).',
  request: { params: agencyParamSchema, query: z.strictObject({ ...pageQueryShape, ...requestListQueryShape }) },
  responses: { 200: jsonResponse(pageOf(requestHeaderSchema, 'AccessRequestPage'), 'A page of requests') },
});

const getRequestRoute = createBearerRoute(tags, {
  method: 'get', path: '/access-requests/{id}',
  summary: 'One access request with its items, stages and decisions',
  description: 'For those who list the agency\'s requests, and for whoever takes part in the request: the worker it is about, its requester, an approver of one of its stages or their deputy today. Anyone else gets 404 request.not_found, as if it did not exist.',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(accessRequestSchema, 'The request') },
});

const submitRequestRoute = createBearerRoute(tags, {
  method: 'post', path: '/access-requests/{id}/submit',
  summary: 'Submit a draft for approval',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(accessRequestSchema, 'The pending request') },
});

const decideRoute = createBearerRoute(tags, {
  method: 'post', path: '/access-requests/{id}/decisions',
  summary: 'Approve or deny the current stage, as one of its approvers or their deputy',
  description: 'Nobody decides a request they made or one about themselves (403 approval.self_decision). Two approvers deciding at once: one wins, the other gets 409 conflict.version. The last approval applies the request in one transaction (status provisioned).',
  request: { params: idParamSchema, body: jsonBody(decideSchema) },
  responses: { 200: jsonResponse(accessRequestSchema, 'The request after the decision') },
});

const cancelRoute = createBearerRoute(tags, {
  method: 'post', path: '/access-requests/{id}/cancel',
  summary: 'Withdraw a draft or pending request (the requester or a security coordinator)',
  request: { params: idParamSchema, body: jsonBody(cancelRequestSchema) },
  responses: { 200: jsonResponse(accessRequestSchema, 'The cancelled request') },
});

const inboxRoute = createBearerRoute(tags, {
  method: 'get', path: '/approvals/inbox',
  summary: 'What waits for your decision: requests whose current stage you approve, or approve as a deputy today',
  description: "Each item carries the request, the worker's current access, what is beyond the job template and the separation-of-duties warnings. Oldest first; never your own requests nor ones about you.",
  request: { query: z.strictObject(pageQueryShape) },
  responses: { 200: jsonResponse(pageOf(inboxItemSchema, 'InboxPage'), 'A page of the inbox') },
});

const acknowledgeRoute = createBearerRoute(['Access agreement'], {
  method: 'post', path: '/workers/{id}/acknowledgments',
  summary: 'The worker acknowledges the access agreement (only as themselves)',
  request: { params: idParamSchema, body: jsonBody(acknowledgeSchema) },
  responses: { 201: jsonResponse(acknowledgmentSchema, 'The recorded acknowledgment') },
});

const acknowledgmentStatusRoute = createBearerRoute(['Access agreement'], {
  method: 'get', path: '/workers/{id}/acknowledgments',
  summary: 'The agreement in force and whether the worker has acknowledged it',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(acknowledgmentStatusSchema, 'The acknowledgment status') },
});

export function createRequestRoutes(deps: { requests: RequestService; inbox: InboxService; acknowledgments: AcknowledgmentService }) {
  return createRouter()
    .openapi(createRequestRoute, async (c) => c.json(await deps.requests.create(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 201))
    .openapi(listRequestsRoute, async (c) => c.json(await deps.requests.list(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('query')), 200))
    .openapi(getRequestRoute, async (c) => c.json(await deps.requests.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(submitRequestRoute, async (c) => c.json(await deps.requests.submit(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(decideRoute, async (c) => c.json(await deps.requests.decide(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(cancelRoute, async (c) => c.json(await deps.requests.cancel(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason), 200))
    .openapi(inboxRoute, async (c) => c.json(await deps.inbox.list(c.get('ctx'), c.req.valid('query')), 200))
    .openapi(acknowledgeRoute, async (c) => c.json(await deps.acknowledgments.acknowledge(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').agreementVersion), 201))
    .openapi(acknowledgmentStatusRoute, async (c) => c.json(await deps.acknowledgments.status(c.get('ctx'), c.req.valid('param').id), 200));
}
