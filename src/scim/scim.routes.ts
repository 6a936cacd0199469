import { type Context, Hono } from 'hono';
import type { Logger } from '../shared/logger.ts';
import { runBulk } from './bulk.ts';
import type { ScimGroupService } from './groups/scim-groups.service.ts';
import { type ScimCall, noneMatchHits } from './scim-call.ts';
import { createScimDispatch, type ResourceResponse } from './scim-dispatch.ts';
import { invalidSyntax, notFound, ScimError, scimErrorBody, toScimError } from './scim-errors.ts';
import { bulkLimits, listOf, resourceTypeDocument, resourceTypes, schemaDocument, schemas, serviceProviderConfig } from './schema/discovery.ts';
import type { ScimTokenService } from './tokens/scim-tokens.service.ts';
import type { ScimClient } from './tokens/scim-tokens.repo.ts';
import type { ScimUserService } from './users/scim-users.service.ts';
import { jsonBody } from '../http/middleware/json-body.ts';

interface ScimEnv {
  Variables: { requestId: string; scimClient: ScimClient };
}

const contentType = 'application/scim+json; charset=utf-8';
const prefix = '/scim/v2';

function send(c: Context<ScimEnv>, status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  if (body === undefined) return c.body(null, status as 204, headers);
  return c.body(JSON.stringify(body), status as 200, { 'Content-Type': contentType, ...headers });
}

function baseUrl(c: Context<ScimEnv>): string {
  return `${new URL(c.req.url).origin}${prefix}`;
}

/** The request body as JSON; SCIM's own media type and plain JSON are both accepted. */
async function readBody(c: Context<ScimEnv>): Promise<unknown> {
  const type = c.req.header('content-type')?.toLowerCase() ?? '';
  if (type !== '' && !/^application\/(scim\+)?json\b/.test(type)) {
    throw new ScimError(415, null, 'Send the body as JSON with Content-Type: application/scim+json (or application/json).');
  }
  const text = await c.req.text();
  if (Buffer.byteLength(text) > bulkLimits.maxPayloadSize) throw new ScimError(413, null, `The body is larger than ${bulkLimits.maxPayloadSize} bytes (maxPayloadSize).`);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidSyntax('The body is not valid JSON.');
  }
}

/**
 * The SCIM 2.0 service provider under /scim/v2 (RFC 7643, RFC 7644): its own bearer tokens (one
 * agency each), its own media type and its own error format. Discovery needs no token.
 */
export function createScimRoutes(services: { scimTokens: ScimTokenService; scimUsers: ScimUserService; scimGroups: ScimGroupService }, logger: Logger) {
  const dispatch = createScimDispatch(services);
  const scim = new Hono<ScimEnv>();
  const unexpected = (c: Context<ScimEnv>) => (error: unknown) => logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled SCIM error');

  scim.onError((error, c) => {
    const scimError = toScimError(error);
    if (scimError) return send(c, scimError.status, scimErrorBody(scimError), scimError.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="gatehouse-scim"' } : {});
    unexpected(c)(error);
    return send(c, 500, scimErrorBody(new ScimError(500, null, `Something went wrong on our side. Quote request id ${c.get('requestId')} when you report it.`)));
  });

  const discovery = (c: Context<ScimEnv>, body: () => unknown) => {
    if (c.req.query('filter') !== undefined) throw new ScimError(403, null, 'Discovery endpoints take no filter.');
    return send(c, 200, body());
  };
  scim.get('/ServiceProviderConfig', (c) => discovery(c, () => serviceProviderConfig(baseUrl(c))));
  scim.get('/ResourceTypes', (c) => discovery(c, () => listOf(resourceTypes.map((t) => resourceTypeDocument(t, baseUrl(c))))));
  scim.get('/ResourceTypes/:id', (c) => {
    const type = resourceTypes.find((t) => t.name === c.req.param('id'));
    if (!type) throw notFound('ResourceType', c.req.param('id'));
    return discovery(c, () => resourceTypeDocument(type, baseUrl(c)));
  });
  scim.get('/Schemas', (c) => discovery(c, () => listOf(schemas.map((s) => schemaDocument(s, baseUrl(c))))));
  scim.get('/Schemas/:id', (c) => {
    const schema = schemas.find((s) => s.id.toLowerCase() === c.req.param('id').toLowerCase());
    if (!schema) throw notFound('Schema', c.req.param('id'));
    return discovery(c, () => schemaDocument(schema, baseUrl(c)));
  });

  scim.use('*', async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const client = match?.[1] ? await services.scimTokens.authenticate(match[1]) : null;
    if (!client) throw new ScimError(401, null, 'Send a SCIM token as "Authorization: Bearer <token>"; create one with `gatehouse scim-token create --agency <code> --name <client>`.');
    c.set('scimClient', client);
    await next();
  });
  scim.use('*', jsonBody(bulkLimits.maxPayloadSize, () => new ScimError(413, null, `The body is larger than ${bulkLimits.maxPayloadSize} bytes (maxPayloadSize).`)));

  const callOf = (c: Context<ScimEnv>): ScimCall => ({ client: c.get('scimClient'), requestId: c.get('requestId'), baseUrl: baseUrl(c) });

  const reply = (c: Context<ScimEnv>, response: ResourceResponse) => {
    const headers: Record<string, string> = {};
    if (response.etag) headers.ETag = response.etag;
    if (response.location) headers.Location = response.location;
    if (c.req.method === 'GET' && response.etag && noneMatchHits(c.req.header('if-none-match'), response.etag)) return c.body(null, 304, headers);
    return send(c, response.status, response.body, headers);
  };

  scim.all('/:endpoint{Users|Groups}/:id?', async (c) => {
    const method = c.req.method;
    const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? await readBody(c) : undefined;
    const response = await dispatch(callOf(c), {
      method, endpoint: c.req.param('endpoint'), id: c.req.param('id') ?? null, query: c.req.query(), body,
      preconditions: { ifMatch: c.req.header('if-match'), ifNoneMatch: c.req.header('if-none-match') },
    });
    return reply(c, response);
  });

  scim.post('/Bulk', async (c) => send(c, 200, await runBulk(dispatch, callOf(c), await readBody(c), unexpected(c))));
  // RFC 7644 §3.11: /Me stands for the authenticated user, and a SCIM token stands for a client.
  const noMe = () => {
    throw new ScimError(501, null, '/Me is not supported: a SCIM token stands for a client, not for a user. Use /Users/{id}.');
  };
  scim.all('/Me', noMe);
  scim.all('/Me/*', noMe);
  // RFC 7644 §3.4.2 and §3.4.3: a query at the server root would span every resource type.
  const noRootQuery = () => {
    throw new ScimError(501, null, 'Querying across resource types is not supported; query /Users or /Groups (GET with a filter, or POST to /Users/.search or /Groups/.search).');
  };
  scim.get('/', noRootQuery);
  scim.post('/.search', noRootQuery);
  scim.all('/.search', (c) => {
    throw new ScimError(405, null, `${c.req.method} is not supported on /.search; searches are POSTed.`);
  });
  scim.all('*', (c) => {
    if (c.req.method === 'GET' && c.req.path === `${prefix}/`) noRootQuery();
    throw new ScimError(404, null, `No SCIM endpoint ${c.req.method} ${c.req.path}; see ${prefix}/ResourceTypes.`);
  });
  return scim;
}
