import { type RouteConfig, createRoute } from '@hono/zod-openapi';
import { errorResponses } from './common-schemas.ts';

/** The API token scheme app.ts registers as bearerAuth. */
const bearerSecurity = [{ bearerAuth: [] }];

/**
 * `createRoute` for an API route that takes a bearer token: a definition gives its tags and what
 * is its own, and gets the security and the error responses every such route can give.
 */
export function createBearerRoute<P extends string, R extends Omit<RouteConfig, 'path' | 'tags' | 'security'> & { path: P }>(tags: string[], config: R) {
  // Tags and security right after the method and path: each operation of the OpenAPI document keeps
  // the field order it had when every route spelled them out.
  const head = { method: config.method, path: config.path, tags, security: bearerSecurity };
  return createRoute({ ...head, ...config, responses: { ...config.responses, ...errorResponses } });
}
