import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { jobTypeSchema, registerWorkerSchema, statusChangeSchema, updateWorkerSchema, workerSchema, type Worker } from '../../domain/workers/workers.schemas.ts';
import type { WorkerService } from '../../domain/workers/workers.service.ts';
import { AppError } from '../../shared/errors.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, idSchema, jsonBody, jsonResponse, pageOf, pageQueryShape } from '../common-schemas.ts';
import type { AppEnv } from '../env.ts';
import { createRouter } from '../router.ts';

const tags = ['Workers'];

const ifMatchSchema = z.object({
  'if-match': z
    .string()
    .max(20)
    .regex(/^(W\/)?"?\d{1,9}"?$/, 'Send the version you read, e.g. "3" (the ETag of the worker).')
    .optional()
    .openapi({ param: { name: 'if-match', in: 'header' }, description: 'The version you read; a mismatch answers 409 conflict.version.' }),
});

const registerWorkerRoute = createBearerRoute(tags, {
  method: 'post', path: '/agencies/{agencyId}/workers',
  summary: 'Register a worker in the built-in directory (LAN and state administrators)',
  request: { params: agencyParamSchema, body: jsonBody(registerWorkerSchema) },
  responses: { 201: jsonResponse(workerSchema, 'The new worker') },
});

const listWorkersRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/workers',
  summary: "List an agency's workers by last name, first name and id",
  request: {
    params: agencyParamSchema,
    query: z.strictObject({
      ...pageQueryShape,
      unitId: idSchema.optional().openapi({ param: { name: 'unitId', in: 'query' } }),
      jobType: jobTypeSchema.optional().openapi({ param: { name: 'jobType', in: 'query' } }),
      enabled: z.enum(['true', 'false']).optional().openapi({ param: { name: 'enabled', in: 'query' } }),
      search: z.string().trim().min(1).max(100).optional().openapi({ param: { name: 'search', in: 'query' }, description: 'Start of a first name, last name or login id, ignoring case.' }),
    }),
  },
  responses: { 200: jsonResponse(pageOf(workerSchema, 'WorkerPage'), 'A page of workers') },
});

const getWorkerRoute = createBearerRoute(tags, {
  method: 'get', path: '/workers/{id}',
  summary: 'Get one worker (staff of its agency, or the worker themselves); the ETag is its version',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(workerSchema, 'The worker') },
});

const updateWorkerRoute = createBearerRoute(tags, {
  method: 'patch', path: '/workers/{id}',
  summary: 'Change the fields given; with If-Match or `version`, only if nobody changed the worker since you read it',
  request: { params: idParamSchema, headers: ifMatchSchema, body: jsonBody(updateWorkerSchema) },
  responses: { 200: jsonResponse(workerSchema, 'The worker as changed') },
});

const disableWorkerRoute = createBearerRoute(tags, {
  method: 'post', path: '/workers/{id}/disable',
  summary: 'Disable the directory account at once (reversible)',
  request: { params: idParamSchema, body: jsonBody(statusChangeSchema) },
  responses: { 200: jsonResponse(workerSchema, 'The disabled worker') },
});

const enableWorkerRoute = createBearerRoute(tags, {
  method: 'post', path: '/workers/{id}/enable',
  summary: 'Enable the directory account again',
  request: { params: idParamSchema, body: jsonBody(statusChangeSchema) },
  responses: { 200: jsonResponse(workerSchema, 'The enabled worker') },
});

/** The version the client read: from If-Match or the body; both may be given only if they agree. */
function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  const headerVersion = ifMatch === undefined ? undefined : Number(ifMatch.replace(/\D/g, ''));
  if (headerVersion !== undefined && bodyVersion !== undefined && headerVersion !== bodyVersion) {
    throw new AppError('request.invalid', 'If-Match and the body\'s version disagree; send the version you read in one of them.', [
      { field: 'header.if-match', message: `Says version ${headerVersion} while the body says ${bodyVersion}.` },
    ]);
  }
  return bodyVersion ?? headerVersion;
}

function withETag(c: Context<AppEnv>, worker: Worker) {
  c.header('ETag', `"${worker.version}"`);
  return worker;
}

export function createWorkerRoutes(deps: { workers: WorkerService }) {
  return createRouter()
    .openapi(registerWorkerRoute, async (c) => c.json(withETag(c, await deps.workers.register(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json'))), 201))
    .openapi(listWorkersRoute, async (c) => {
      const { enabled, ...filter } = c.req.valid('query');
      return c.json(await deps.workers.list(c.get('ctx'), c.req.valid('param').agencyId, { ...filter, enabled: enabled === undefined ? undefined : enabled === 'true' }), 200);
    })
    .openapi(getWorkerRoute, async (c) => c.json(withETag(c, await deps.workers.get(c.get('ctx'), c.req.valid('param').id)), 200))
    .openapi(updateWorkerRoute, async (c) => {
      const { version, ...patch } = c.req.valid('json');
      const worker = await deps.workers.update(c.get('ctx'), c.req.valid('param').id, patch, expectedVersion(c.req.valid('header')['if-match'], version));
      return c.json(withETag(c, worker), 200);
    })
    .openapi(disableWorkerRoute, async (c) => c.json(withETag(c, await deps.workers.disable(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason)), 200))
    .openapi(enableWorkerRoute, async (c) => c.json(withETag(c, await deps.workers.enable(c.get('ctx'), c.req.valid('param').id, c.req.valid('json').reason)), 200));
}
