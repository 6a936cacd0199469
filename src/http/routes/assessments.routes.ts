import { z } from '@hono/zod-openapi';
import { assessmentSchema, createAssessmentSchema, submitAssessmentSchema } from '../../domain/assessments/assessments.schemas.ts';
import { surveyDefinitionSchema, surveySchema } from '../../domain/assessments/survey-definition.ts';
import type { AssessmentService } from '../../domain/assessments/assessments.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, jsonBody, jsonResponse } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Assessments'];

const surveyRoute = createBearerRoute(tags, {
  method: 'get', path: '/assessment-survey',
  summary: 'The default SOaR access survey: its questions and the rules that map answers to access',
  responses: { 200: jsonResponse(surveySchema, 'The survey') },
});

const agencySurveyRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/assessment-survey',
  summary: "The survey the agency's assessments use: its own latest version, or the default (version 0)",
  request: { params: agencyParamSchema },
  responses: { 200: jsonResponse(surveySchema, 'The survey in force') },
});

const putAgencySurveyRoute = createBearerRoute(tags, {
  method: 'put', path: '/agencies/{agencyId}/assessment-survey',
  summary: "Record a new version of the agency's own survey (typed questions; rules that add or remove functions and give unit hierarchy access)",
  description: 'Rules may test yes_no and choice answers only; a rule whose conditions all hold adds and removes functions by code and gives unit hierarchy access (from a unit_list answer or fixed units). An inconsistent survey answers 422 input.invalid with each problem in details.',
  request: { params: agencyParamSchema, body: jsonBody(surveyDefinitionSchema) },
  responses: { 200: jsonResponse(surveySchema, 'The new version') },
});

const completeRoute = createBearerRoute(tags, {
  method: 'post', path: '/workers/{id}/assessments',
  summary: 'Complete the survey for a worker in the holding unit; returns the proposed least-privilege set',
  request: { params: idParamSchema, body: jsonBody(createAssessmentSchema) },
  responses: { 201: jsonResponse(assessmentSchema, 'The assessment and its proposal') },
});

const getRoute = createBearerRoute(tags, {
  method: 'get', path: '/assessments/{id}',
  summary: 'One assessment',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(assessmentSchema, 'The assessment') },
});

const submitRoute = createBearerRoute(tags, {
  method: 'post', path: '/assessments/{id}/request',
  summary: 'Turn the proposal into an access request (functions beyond the template need a justification)',
  request: { params: idParamSchema, body: jsonBody(submitAssessmentSchema) },
  responses: { 201: jsonResponse(z.object({ assessment: assessmentSchema, requestId: z.string() }).openapi('SubmittedAssessment'), 'The assessment and the request it became') },
});

export function createAssessmentRoutes(deps: { assessments: AssessmentService }) {
  return createRouter()
    .openapi(surveyRoute, (c) => c.json(deps.assessments.defaultSurvey(), 200))
    .openapi(agencySurveyRoute, async (c) => c.json(await deps.assessments.getSurvey(c.get('ctx'), c.req.valid('param').agencyId), 200))
    .openapi(putAgencySurveyRoute, async (c) => c.json(await deps.assessments.setSurvey(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 200))
    .openapi(completeRoute, async (c) => c.json(await deps.assessments.complete(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201))
    .openapi(getRoute, async (c) => c.json(await deps.assessments.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(submitRoute, async (c) => c.json(await deps.assessments.submit(c.get('ctx'), c.req.valid('param').id, c.req.valid('json')), 201));
}
