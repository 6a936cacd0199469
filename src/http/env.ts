import type { RequestContext } from '../domain/auth/actor.ts';

/** What middleware puts on the Hono context for handlers. */
export interface AppEnv {
  Variables: {
    requestId: string;
    ctx: RequestContext;
  };
}
