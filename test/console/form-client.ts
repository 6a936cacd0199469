import type { TestKit } from '../helpers/kit.ts';
import { password } from './console-kit.ts';

/** A cookie jar over the in-process app, posting forms the way a browser does. */
export function browserLike(kit: TestKit) {
  const cookies = new Map<string, string>();
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  async function request(method: string, path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = { cookie: cookieHeader() };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await kit.app.request(path, { method, headers, ...(form ? { body: new URLSearchParams(form).toString() } : {}) });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name) cookies.set(name, value ?? '');
    }
    return { status: response.status, headers: response.headers, html: await response.text() };
  }
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  async function signIn(login: string) {
    const page = await request('GET', '/sign-in');
    return request('POST', '/sign-in', { _csrf: csrfOf(page.html), login, password, next: '/' });
  }
  return { request, csrfOf, signIn, cookieHeader };
}
