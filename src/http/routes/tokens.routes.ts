import { z } from '@hono/zod-openapi';
import { createdTokenSchema, createTokenSchema } from '../../domain/auth/tokens.schemas.ts';
import type { TokenService } from '../../domain/auth/tokens.service.ts';
import { createBearerRoute } from '../bearer-route.ts';
import { idParamSchema, jsonBody, jsonResponse } from '../common-schemas.ts';
import { createRouter } from '../router.ts';

const tags = ['Tokens'];

const createTokenRoute = createBearerRoute(tags, {
  method: 'post', path: '/tokens',
  summary: 'Create a principal with one role and its API token (shown once)',
  description: 'State administrators create any token; LAN administrators create tokens for roles in their own agency.',
  request: { body: jsonBody(createTokenSchema) },
  responses: { 201: jsonResponse(createdTokenSchema, 'The token, shown only in this response') },
});

const revokeTokenRoute = createBearerRoute(tags, {
  method: 'delete', path: '/tokens/{id}',
  summary: 'Revoke a token at once (your own, or one you could have created)',
  request: { params: idParamSchema },
  responses: { 200: jsonResponse(z.object({ revoked: z.literal(true) }), 'Revoked') },
});

export function createTokenRoutes(deps: { tokens: TokenService }) {
  return createRouter()
    .openapi(createTokenRoute, async (c) => c.json(await deps.tokens.create(c.get('ctx'), c.req.valid('json')), 201))
    .openapi(revokeTokenRoute, async (c) => {
      await deps.tokens.revoke(c.get('ctx'), c.req.valid('param').id);
      return c.json({ revoked: true as const }, 200);
    });
}
