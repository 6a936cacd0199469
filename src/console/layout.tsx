import type { Child } from 'hono/jsx';
import type { SignedIn } from '../domain/console-users/console-sessions.service.ts';
import type { NavEntry } from './page.ts';
import { CsrfField } from './ui.tsx';

export interface LayoutProps {
  title: string;
  path: string;
  signedIn: SignedIn | undefined;
  csrfToken: string;
  nav: NavEntry[];
  flash?: string | undefined;
  /** The agency the pages act in, shown in the header. */
  agencyName?: string | undefined;
  children: Child;
}

export function Layout(props: LayoutProps) {
  const links = props.signedIn ? props.nav.filter((n) => n.visible((props.signedIn as SignedIn).actor)) : [];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Gatehouse`}</title>
        <link rel="stylesheet" href="/console.css" />
      </head>
      <body>
        <a class="skip" href="#content">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">Gatehouse</a>
          {props.agencyName ? <span>{props.agencyName}</span> : null}
          {props.signedIn ? (
            <div class="who">
              <span>Signed in as <strong>{props.signedIn.actor.name}</strong> ({props.signedIn.login})</span>
              <form method="post" action="/sign-out">
                <CsrfField token={props.csrfToken} />
                <button type="submit">Sign out</button>
              </form>
              <form method="post" action="/sign-out-everywhere">
                <CsrfField token={props.csrfToken} />
                <button type="submit">Sign out everywhere</button>
              </form>
            </div>
          ) : null}
        </header>
        {links.length > 0 ? (
          <nav class="main" aria-label="Main">
            <ul>
              {links.map((n) => (
                <li>
                  <a href={n.href} aria-current={props.path === n.href ? 'page' : undefined}>{n.label}</a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <main id="content" tabindex={-1}>
          {props.flash ? <div class="notice" role="status">{props.flash}</div> : null}
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
