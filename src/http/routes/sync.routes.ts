import { z } from '@hono/zod-openapi';
import { startRunSchema, syncRunSchema } from '../../sync/engine/sync.schemas.ts';
import type { SyncService } from '../../sync/engine/sync.service.ts';
import { createSourceSchema, sourceSchema } from '../../sync/sources/sources.schemas.ts';
import type { SourceService } from '../../sync/sources/sources.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { agencyParamSchema, idParamSchema, idSchema, jsonBody, jsonResponse } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Directory sync'];

const createSourceRoute = createBearerRoute(tags, {
  method: 'post', path: '/agencies/{agencyId}/sources',
  summary: 'Add a directory source (LDAP, CSV HR feed, SCIM, built-in) to an agency',
  request: { params: agencyParamSchema, body: jsonBody(createSourceSchema) },
  responses: { 201: jsonResponse(sourceSchema, 'The new source') },
});

const listSourcesRoute = createBearerRoute(tags, {
  method: 'get', path: '/agencies/{agencyId}/sources',
  summary: "List an agency's directory sources",
  request: { params: agencyParamSchema },
  responses: { 200: jsonResponse(z.object({ items: z.array(sourceSchema) }), 'The sources') },
});

const getSourceRoute = createBearerRoute(tags, {
  method: 'get', path: '/sources/{id}',
  summary: 'Get one directory source',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(sourceSchema, 'The source') },
});

const startRunRoute = createBearerRoute(tags, {
  method: 'post', path: '/sources/{id}/runs',
  summary: 'Start a sync of the source now; poll the returned run for its outcome',
  description: 'A run that would disable more workers than the threshold (5% of accounts, at least 25) stops before changing anything with status `stopped_threshold`; start it again with `confirm: true` after checking its plan.',
  request: { params: idParamSchema, body: jsonBody(startRunSchema) },
  responses: { 202: jsonResponse(syncRunSchema, 'The run, started') },
});

const listRunsRoute = createBearerRoute(tags, {
  method: 'get', path: '/sync/runs',
  summary: 'Sync runs, newest first',
  request: {
    query: z.strictObject({
      agencyId: idSchema.optional(),
      sourceId: idSchema.optional(),
      before: z.string().datetime().optional().openapi({ description: 'Only runs started before this instant (paging).' }),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: jsonResponse(z.object({ items: z.array(syncRunSchema) }), 'The runs') },
});

const getRunRoute = createBearerRoute(tags, {
  method: 'get', path: '/sync/runs/{id}',
  summary: 'One sync run with its counts, problems and plan file',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(syncRunSchema, 'The run') },
});

export function createSyncRoutes(deps: { sources: SourceService; sync: SyncService }) {
  return createRouter()
    .openapi(createSourceRoute, async (c) => c.json(await deps.sources.create(c.get('ctx'), c.req.valid('param').agencyId, c.req.valid('json')), 201))
    .openapi(listSourcesRoute, async (c) => c.json({ items: await deps.sources.list(c.get('ctx'), c.req.valid('param').agencyId) }, 200))
    .openapi(getSourceRoute, async (c) => c.json(await deps.sources.get(c.get('ctx'), c.req.valid('param').id), 200))
    .openapi(startRunRoute, async (c) => {
      const { run, completion } = await deps.sync.start(c.get('ctx'), c.req.valid('param').id, c.req.valid('json'));
      // The outcome is recorded on the run, which the caller polls.
      completion.catch(() => undefined);
      return c.json(run, 202);
    })
    .openapi(listRunsRoute, async (c) => c.json({ items: await deps.sync.listRuns(c.get('ctx'), c.req.valid('query')) }, 200))
    .openapi(getRunRoute, async (c) => c.json(await deps.sync.getRun(c.get('ctx'), c.req.valid('param').id), 200));
}
