import type { MiddlewareHandler } from 'hono';
import type { TokenService } from '../../domain/auth/tokens.service.ts';
import { AppError } from '../../shared/errors.ts';
import type { AppEnv } from '../env.ts';

/** Requires `Authorization: Bearer <token>` and puts the request context on the Hono context. */
export function authenticate(tokens: Pick<TokenService, 'authenticate'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = match?.[1] ? await tokens.authenticate(match[1]) : null;
    if (!actor) {
      throw new AppError('auth.unauthenticated', 'Send a valid API token as "Authorization: Bearer <token>". Create one with `gatehouse token create`.');
    }
    c.set('ctx', { actor, requestId: c.get('requestId') });
    await next();
  };
}
