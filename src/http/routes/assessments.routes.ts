import { createRoute, z } from '@hono/zod-openapi';
import { assessmentSchema, createAssessmentSchema, submitAssessmentSchema, surveySchema } from '../../domain/assessments/assessments.schemas.ts';
import type { AssessmentService } from '../../domain/assessments/assessments.service.ts';
import { bearerSecurity, errorResponses, idParamSchema, jsonBody, jsonResponse } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Assessments'];

const surveyRoute = createRoute({
  method: 'get', path: '/assessment-survey', tags, security: bearerSecurity,
  summary: 'The SOaR access survey: its questions and the rules that map answers to access',
  responses: { 200: jsonResponse(surveySchema, 'The survey'), ...errorResponses },
});

const completeRoute = createRoute({
  method: 'post', path: '/workers/{id}/assessments', tags, security: bearerSecurity,
  summary: 'Complete the survey for a worker in the holding unit; returns the proposed least-privilege set',
  request: { params: idParamSchema, body: jsonBody(createAssessmentSchema) },
  responses: { 201: jsonResponse(assessmentSchema, 'The assessment and its proposal'), ...errorResponses },
});

const getRoute = createRoute({
  method: 'get', path: '/assessments/{id}', tags, security: bearerSecurity,
  summary: 'One assessment',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(assessmentSchema, 'The assessment'), ...errorResponses },
});

const submitRoute = createRoute({
  method: 'post', path: '/assessments/{id}/request', tags, security: bearerSecurity,
  summary: 'Turn the proposal into an access request (functions beyond the template need a justification)',
  request: { params: idParamSchema, body: jsonBody(submitAssessmentSchema) },
  responses: { 201: jsonResponse(z.object({ assessment: assessmentSchema, requestId: z.string() }).openapi('SubmittedAssessment'), 'The assessment and the request it became'), ...errorResponses },
});

export function createAssessmentRoutes(deps: { assessments: AssessmentService }) {
  return createRouter()
    .openapi(surveyRoute, (c) => c.json(deps.assessments.survey(), 200))
    .openapi(completeRoute, async (c) => c.json(await deps.assessments.complete(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201))
    .openapi(getRoute, async (c) => c.json(await deps.assessments.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(submitRoute, async (c) => c.json(await deps.assessments.submit(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201));
}
