import type { Context } from 'hono';
import type { RequestContext } from '../domain/auth/actor.ts';
import { AppError } from '../shared/errors.ts';
import type { SignedIn } from '../domain/console-users/console-sessions.service.ts';

/** What the console's middleware puts on the Hono context. */
export interface ConsoleEnv {
  Variables: {
    requestId: string;
    /** The signed-in user; absent on the sign-in pages. */
    signedIn: SignedIn | undefined;
    /** The token every form of this page carries: the session's, or the anonymous double-submit cookie's. */
    csrfToken: string;
    /** A one-time message set before a redirect, shown on the next page. */
    flash: string | undefined;
  };
}

export interface ConsoleSettings {
  /** The address users reach Gatehouse at; cookies are Secure when it is https. */
  publicUrl: string;
  oidc: OidcSettings | null;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export function contextOf(signedIn: SignedIn, requestId: string): RequestContext {
  return { actor: signedIn.actor, requestId };
}

/** The signed-in user's context for service calls; the guard has already sent everyone else to sign in. */
export function requireContext(c: Context<ConsoleEnv>): RequestContext {
  const signedIn = c.get('signedIn');
  if (!signedIn) throw new AppError('auth.unauthenticated', 'Sign in first.');
  return contextOf(signedIn, c.get('requestId'));
}
