import { createApp } from '../../src/app.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import type { Role } from '../../src/db/schema.ts';
import { type RequestContext, systemContext } from '../../src/domain/auth/actor.ts';
import { createManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';

export const testStart = '2026-03-02T14:00:00.000Z';

/** An app wired to a test database and a manual clock, with helpers to act as any role. */
export function createTestKit(handle: DatabaseHandle) {
  const clock = createManualClock(testStart);
  const logger = createLogger('silent');
  const { app, services } = createApp({ db: handle.db, dbKind: handle.kind, clock, logger });
  const system: RequestContext = systemContext('test-setup');

  /** A bearer token for a new principal with one role. */
  async function tokenFor(role: Role, agencyId: string | null, workerId: string | null = null): Promise<string> {
    const created = await services.tokens.create(system, { name: `${role} tester`, role, agencyId, workerId });
    return created.token;
  }

  /** Calls the app in-process, JSON in and out. */
  async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
    }
    return { status: response.status, body: json as any, headers: response.headers };
  }

  return { app, services, clock, system, db: handle.db, tokenFor, call };
}

export type TestKit = ReturnType<typeof createTestKit>;
