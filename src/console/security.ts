import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleSessionService } from '../domain/console-users/console-sessions.service.ts';
import type { ConsoleEnv, ConsoleSettings } from './env.ts';

export const sessionCookie = 'gh_session';
const anonymousCsrfCookie = 'gh_csrf';
const flashCookie = 'gh_flash';

/** No inline script anywhere, no framing, nothing loaded from elsewhere. */
const contentSecurityPolicy = [
  "default-src 'none'", "style-src 'self'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

export function securityHeaders(): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    await next();
    c.header('Content-Security-Policy', contentSecurityPolicy);
    c.header('X-Frame-Options', 'DENY');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
  };
}

export function cookieOptions(settings: ConsoleSettings) {
  return { httpOnly: true, sameSite: 'Lax' as const, path: '/', secure: settings.publicUrl.startsWith('https:') };
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/**
 * Loads the session named by the cookie, and gives every page a CSRF token: the session's own
 * once signed in, before that a random one in a cookie the form must echo (double submit).
 */
export function loadSession(sessions: Pick<ConsoleSessionService, 'authenticate'>, settings: ConsoleSettings): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const sessionId = getCookie(c, sessionCookie);
    const signedIn = sessionId ? await sessions.authenticate(sessionId) : null;
    if (sessionId && !signedIn) deleteCookie(c, sessionCookie, { path: '/' });
    c.set('signedIn', signedIn ?? undefined);
    if (signedIn) c.set('csrfToken', signedIn.csrfToken);
    else {
      let token = getCookie(c, anonymousCsrfCookie);
      if (!token || token.length !== 43) {
        token = randomBytes(32).toString('base64url');
        setCookie(c, anonymousCsrfCookie, token, cookieOptions(settings));
      }
      c.set('csrfToken', token);
    }
    const flash = getCookie(c, flashCookie);
    if (flash) deleteCookie(c, flashCookie, { path: '/' });
    c.set('flash', flash ? decodeURIComponent(flash).slice(0, 300) : undefined);
    await next();
  };
}

/** True when a form post carries this page's CSRF token. */
export async function csrfValid(c: Context<ConsoleEnv>): Promise<boolean> {
  const body = await c.req.parseBody({ all: true });
  const sent = body._csrf;
  return typeof sent === 'string' && sameToken(sent, c.get('csrfToken'));
}

/** A message for the next page the browser shows (after a redirect). */
export function setFlash(c: Context<ConsoleEnv>, message: string, settings: ConsoleSettings): void {
  setCookie(c, flashCookie, encodeURIComponent(message), { ...cookieOptions(settings), maxAge: 60 });
}
