import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { signInSchema } from '../../domain/console-users/console-users.schemas.ts';
import type { NewSession } from '../../domain/console-users/console-sessions.service.ts';
import { AppError } from '../../shared/errors.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import type { ConsoleEnv } from '../env.ts';
import { formValues, text, validate } from '../forms.ts';
import { cookieOptions, sessionCookie } from '../security.ts';
import { CsrfField, ErrorSummary, type FieldErrors, TextField } from '../ui.tsx';
import { type OidcClient, type SsoAttempt, createOidcClient } from './oidc.ts';

const ssoCookie = 'gh_sso';

/** Only a path on this site, so a crafted link cannot send a signed-in user elsewhere. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : '/';
}

function SignInForm(props: { csrf: string; next: string; login?: string; errors?: FieldErrors; message?: string | undefined; sso: boolean }) {
  return (
    <>
      <ErrorSummary message={props.message} errors={props.errors} />
      <form method="post" action="/sign-in" class="stack" novalidate>
        <CsrfField token={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <TextField name="login" label="User name" value={props.login} errors={props.errors} autocomplete="username" required />
        <TextField name="password" label="Password" type="password" errors={props.errors} autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
      {props.sso ? (
        <p><a class="button" href={`/sign-in/sso?next=${encodeURIComponent(props.next)}`}>Sign in with your organisation (single sign-on)</a></p>
      ) : null}
    </>
  );
}

export function signInFeature(): ConsoleFeature {
  return {
    nav: [],
    mount(app, tools: ConsoleTools) {
      const { services, settings } = tools;
      const oidc: OidcClient | null = settings.oidc ? createOidcClient(settings.oidc, `${settings.publicUrl}/sign-in/sso/callback`) : null;

      function startSession(c: Context<ConsoleEnv>, session: NewSession, next: string): Response {
        // A browser-session cookie: the server decides when the session ends (expiry, sign-out everywhere).
        setCookie(c, sessionCookie, session.sessionId, cookieOptions(settings));
        return c.redirect(safeNext(next), 303);
      }

      app.get('/sign-in', (c) => {
        if (c.get('signedIn')) return c.redirect('/', 303);
        return tools.render(c, 'Sign in to Gatehouse', <SignInForm csrf={c.get('csrfToken')} next={safeNext(c.req.query('next'))} sso={oidc !== null} />);
      });

      app.post('/sign-in', async (c) => {
        const values = await formValues(c);
        const next = safeNext(text(values, 'next'));
        const parsed = validate(signInSchema, { login: text(values, 'login'), password: text(values, 'password') });
        const again = (status: number, errors: FieldErrors, message?: string) =>
          tools.render(c, 'Sign in to Gatehouse', <SignInForm csrf={c.get('csrfToken')} next={next} login={text(values, 'login')} errors={errors} message={message} sso={oidc !== null} />, { status });
        if (!parsed.ok) return again(422, parsed.errors);
        try {
          return startSession(c, await services.consoleSessions.signIn(parsed.data.login, parsed.data.password, c.get('requestId')), next);
        } catch (error) {
          if (error instanceof AppError && (error.code === 'auth.sign_in_failed' || error.code === 'auth.locked_out')) return again(error.status, {}, error.message);
          throw error;
        }
      });

      app.get('/sign-in/sso', async (c) => {
        if (!oidc) throw new AppError('route.not_found', 'Single sign-on is not configured on this installation; sign in with your user name and password.');
        const { url, attempt } = await oidc.start();
        setCookie(c, ssoCookie, Buffer.from(JSON.stringify({ ...attempt, next: safeNext(c.req.query('next')) })).toString('base64url'), { ...cookieOptions(settings), maxAge: 600 });
        return c.redirect(url, 302);
      });

      app.get('/sign-in/sso/callback', async (c) => {
        if (!oidc) throw new AppError('route.not_found', 'Single sign-on is not configured on this installation.');
        const stored = getCookie(c, ssoCookie);
        deleteCookie(c, ssoCookie, { path: '/' });
        const failed = (message: string) =>
          tools.render(c, 'Single sign-on failed', <div class="alert" role="alert"><p>{message}</p><p><a href="/sign-in">Back to sign-in</a></p></div>, { status: 401 });
        if (!stored) return failed('This sign-in link has expired or was opened in another browser. Start again from the sign-in page.');
        let attempt: SsoAttempt & { next: string };
        try {
          attempt = JSON.parse(Buffer.from(stored, 'base64url').toString('utf8')) as SsoAttempt & { next: string };
        } catch {
          return failed('This sign-in link has expired. Start again from the sign-in page.');
        }
        let identity;
        try {
          identity = await oidc.finish(new URL(`${settings.publicUrl}${c.req.path}${new URL(c.req.url).search}`), attempt);
        } catch (error) {
          return failed(`Your organisation's sign-in did not complete (${error instanceof Error ? error.message : 'unknown error'}). Start again from the sign-in page.`);
        }
        try {
          return startSession(c, await services.consoleSessions.signInWithSso(identity, c.get('requestId')), attempt.next);
        } catch (error) {
          if (error instanceof AppError && error.code === 'auth.sso_unmatched') return tools.render(c, 'No console account', <div class="alert" role="alert"><p>{error.message}</p></div>, { status: 403 });
          throw error;
        }
      });
    },
  };
}
