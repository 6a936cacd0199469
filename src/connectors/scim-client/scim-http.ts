import { type Dispatcher, fetch } from 'undici';
import { DeliveryDeferred, DeliveryRejected } from '../connector.ts';

const scimJson = 'application/scim+json';
const maxErrorText = 500;

export interface ScimResponse {
  status: number;
  body: Record<string, unknown> | null;
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The server's own words from a SCIM error body (`detail`, `scimType`), or the start of its text. */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { detail?: unknown; scimType?: unknown };
    if (typeof body.detail === 'string') return `${body.detail}${typeof body.scimType === 'string' ? ` (${body.scimType})` : ''}`;
  } catch {
    // Not JSON: the text itself is the message.
  }
  return text.slice(0, maxErrorText) || 'no message';
}

export interface ScimHttp {
  /**
   * Sends one request. 2xx answers return; so does 404 when `allowNotFound`. Network errors, 5xx
   * and 429 throw DeliveryDeferred (with Retry-After); any other 4xx throws DeliveryRejected with
   * the server's message.
   */
  send(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, options?: { body?: unknown; allowNotFound?: boolean }): Promise<ScimResponse>;
}

/** A SCIM client for one application; `dispatcher` pools keep-alive connections. */
export function createScimHttp(settings: { baseUrl: string; token: string; timeoutMs: number; dispatcher: Dispatcher }): ScimHttp {
  const base = settings.baseUrl.replace(/\/+$/, '');

  async function send(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, options: { body?: unknown; allowNotFound?: boolean } = {}): Promise<ScimResponse> {
    const what = `${method} ${path}`;
    let response;
    let text;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${settings.token}`,
          accept: scimJson,
          ...(options.body === undefined ? {} : { 'content-type': scimJson }),
        },
        body: options.body === undefined ? null : JSON.stringify(options.body),
        dispatcher: settings.dispatcher,
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new DeliveryDeferred(`${what} did not get an answer: ${cause}`);
    }
    const { status } = response;
    if (status === 429 || status >= 500) {
      throw new DeliveryDeferred(`${what} answered ${status}: ${errorText(text)}`, parseRetryAfter(response.headers.get('retry-after'), Date.now()));
    }
    if (status === 404 && options.allowNotFound) return { status, body: null };
    if (status >= 400) throw new DeliveryRejected(`${what} answered ${status}: ${errorText(text)}`);
    if (status >= 300) throw new DeliveryRejected(`${what} answered ${status}; point baseUrl at the SCIM endpoint itself, not a redirect.`);
    try {
      return { status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
    } catch {
      throw new DeliveryRejected(`${what} answered ${status} with a body that is not JSON; is baseUrl a SCIM endpoint?`);
    }
  }

  return { send };
}
