import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Child } from 'hono/jsx';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Services } from '../app.ts';
import type { Agency } from '../domain/agencies/agencies.schemas.ts';
import { AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { type ConsoleEnv, type ConsoleSettings, contextOf } from './env.ts';
import { Layout } from './layout.tsx';
import type { NavEntry } from './page.ts';
import { cookieOptions, csrfValid, loadSession, securityHeaders, sessionCookie, setFlash } from './security.ts';
import { consoleCss } from './styles.ts';

/** What every page handler gets: the services, how to draw a page, and the agency it acts in. */
export interface ConsoleTools {
  services: Services;
  settings: ConsoleSettings;
  render(c: Context<ConsoleEnv>, title: string, body: Child, options?: { status?: number; agency?: Agency | undefined }): Promise<Response>;
  /** The agency the signed-in user works in; a state administrator picks one. */
  agencyOf(c: Context<ConsoleEnv>): Promise<Agency>;
  redirect(c: Context<ConsoleEnv>, to: string, flash?: string): Response;
}

/** One feature's pages: its links in the navigation and its routes. Add a page by adding one of these. */
export interface ConsoleFeature {
  nav: NavEntry[];
  mount(app: Hono<ConsoleEnv>, tools: ConsoleTools): void;
}

const agencyCookie = 'gh_agency';
const publicPaths = new Set(['/sign-in', '/sign-in/sso', '/sign-in/sso/callback', '/console.css']);

/** Paths the console never answers, so the API and SCIM keep their own errors. */
export function isConsolePath(path: string): boolean {
  return !/^\/(api|scim)(\/|$)/.test(path) && path !== '/openapi.json';
}

export function createConsole(services: Services, settings: ConsoleSettings, logger: Logger, features: ConsoleFeature[]) {
  const app = new Hono<ConsoleEnv>();
  const nav: NavEntry[] = features.flatMap((f) => f.nav);

  async function render(c: Context<ConsoleEnv>, title: string, body: Child, options: { status?: number; agency?: Agency | undefined } = {}) {
    const page = (
      <Layout title={title} path={c.req.path} signedIn={c.get('signedIn')} csrfToken={c.get('csrfToken')} nav={nav} flash={c.get('flash')} agencyName={options.agency?.name}>
        {body}
      </Layout>
    );
    const markup = await (page as unknown as { toString(): string | Promise<string> }).toString();
    return c.html(`<!doctype html>${markup}`, (options.status ?? 200) as 200);
  }

  async function agencyOf(c: Context<ConsoleEnv>): Promise<Agency> {
    const signedIn = c.get('signedIn');
    if (!signedIn) throw new AppError('auth.unauthenticated', 'Sign in first.');
    const ctx = contextOf(signedIn, c.get('requestId'));
    const own = signedIn.actor.roles.find((r) => r.agencyId !== null)?.agencyId;
    if (own) return services.agencies.get(ctx, own);
    const chosen = getCookie(c, agencyCookie);
    if (chosen) {
      try {
        return await services.agencies.get(ctx, chosen);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
    const first = (await services.agencies.list(ctx, { limit: 1 })).items[0];
    if (!first) throw new AppError('agency.not_found', 'There is no agency yet; create one with the API (POST /api/v1/agencies) or `gatehouse demo`.');
    return first;
  }

  function redirect(c: Context<ConsoleEnv>, to: string, flash?: string): Response {
    if (flash) setFlash(c, flash, settings);
    return c.redirect(to, 303);
  }

  const tools: ConsoleTools = { services, settings, render, agencyOf, redirect };

  const guard: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    if (c.req.method === 'POST' && !(await csrfValid(c))) {
      const referer = c.req.header('referer');
      return render(
        c, 'This form has expired',
        <div class="alert" role="alert">
          <p>Gatehouse refused this form because it did not carry a valid security token (CSRF protection). That happens when a form was opened before you signed in again, or came from another site.</p>
          <p><a href={referer?.startsWith(settings.publicUrl) ? referer : '/'}>Go back</a>, reload the page and submit it again.</p>
        </div>,
        { status: 403 },
      );
    }
    if (!publicPaths.has(c.req.path) && !c.get('signedIn')) {
      if (c.req.method !== 'GET') return redirect(c, '/sign-in', 'Your session has ended; sign in again.');
      return c.redirect(`/sign-in?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}`, 303);
    }
    await next();
  };
  const consoleOnly = (middleware: MiddlewareHandler<ConsoleEnv>): MiddlewareHandler<ConsoleEnv> => (c, next) => (isConsolePath(c.req.path) ? middleware(c, next) : next());
  app.use('*', consoleOnly(securityHeaders()));
  app.use('*', consoleOnly(loadSession(services.consoleSessions, settings)));
  app.use('*', consoleOnly(guard));

  app.onError((error, c) => {
    const appError = error instanceof AppError ? error : null;
    if (!appError) logger.error({ err: error, requestId: c.get('requestId') }, 'console error');
    const status = appError?.status ?? 500;
    const title = status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong';
    const message = appError?.message ?? `Something went wrong on our side. Quote request id ${c.get('requestId')} when you report it.`;
    return render(c, title, <div class="alert" role="alert"><p>{message}</p><p><a href="/">Back to your home page</a></p></div>, { status });
  });

  app.get('/console.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(consoleCss);
  });

  app.post('/sign-out', async (c) => {
    const sessionId = getCookie(c, sessionCookie);
    if (sessionId) await services.consoleSessions.signOut(sessionId);
    deleteCookie(c, sessionCookie, { path: '/' });
    return redirect(c, '/sign-in', 'You are signed out.');
  });

  app.post('/sign-out-everywhere', async (c) => {
    const signedIn = c.get('signedIn') as NonNullable<ConsoleEnv['Variables']['signedIn']>;
    const ended = await services.consoleSessions.signOutEverywhere(contextOf(signedIn, c.get('requestId')), signedIn.userId);
    deleteCookie(c, sessionCookie, { path: '/' });
    return redirect(c, '/sign-in', `You are signed out on every browser (${ended} session${ended === 1 ? '' : 's'} ended).`);
  });

  app.post('/agency', async (c) => {
    const body = await c.req.parseBody();
    const agencyId = typeof body.agencyId === 'string' ? body.agencyId : '';
    const signedIn = c.get('signedIn') as NonNullable<ConsoleEnv['Variables']['signedIn']>;
    const agency = await services.agencies.get(contextOf(signedIn, c.get('requestId')), agencyId);
    setCookie(c, agencyCookie, agency.id, cookieOptions(settings));
    return redirect(c, '/', `Now working in ${agency.name}.`);
  });

  for (const feature of features) feature.mount(app, tools);
  return app;
}
