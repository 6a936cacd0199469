import { type RouteConfig, createRoute } from '@hono/zod-openapi';
import { bearerSecurity, errorResponses } from './common-schemas.ts';

/**
 * `createRoute` for an API route that takes a bearer token: a definition gives its tags and what
 * is its own, and gets the security and the error responses every such route can give.
 */
export function createBearerRoute<P extends string, R extends Omit<RouteConfig, 'path' | 'tags' | 'security'> & { path: P }>(tags: string[], config: R) {
  // Tags and security right after the method and path, where a route spelled out in full has them,
  // so the OpenAPI document reads the same.
  const head = { method: config.method, path: config.path, tags, security: bearerSecurity };
  return createRoute({ ...head, ...config, responses: { ...config.responses, ...errorResponses } });
}
