import type { RequestContext } from '../domain/auth/actor.ts';
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
