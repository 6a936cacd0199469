import { createApp } from '../../src/app.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { systemContext } from '../../src/domain/auth/actor.ts';
import { createDeliverer, type DelivererSettings } from '../../src/outbox/deliverer.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { calendarDateAt } from '../../src/shared/dates.ts';
import { createLogger } from '../../src/shared/logger.ts';

/** The SCIM bearer token reaches the connector through an environment variable, as documented. */
const tokenVariable = 'HR_PORTAL_SCIM_TOKEN';

/**
 * Gatehouse on a real clock with a deliverer running, an agency and a SCIM application pointed at
 * `baseUrl`, and helpers to change accounts through the services.
 */
export async function createProvisioningKit(
  handle: DatabaseHandle,
  target: { baseUrl: string; token: string },
  options: { config?: Record<string, unknown>; settings?: Partial<DelivererSettings> } = {},
) {
  const logger = createLogger('silent');
  const secret = (name: string) => (name === tokenVariable ? target.token : undefined);
  const { app, services } = createApp({ db: handle.db, dbKind: handle.kind, clock: systemClock, logger, secret });
  const ctx = systemContext('scim-client-test');
  const agency = await services.agencies.create(ctx, { code: 'MONROE', name: 'Monroe', kind: 'district', timeZone: 'America/New_York' });
  const config = { baseUrl: target.baseUrl, tokenEnv: tokenVariable, ...options.config };
  const application = await services.applications.create(ctx, { code: 'HR_PORTAL', name: 'HR portal', kind: 'scim', config });
  const deliverer = createDeliverer({ db: handle.db, clock: systemClock, logger, secret, settings: { retryBaseMs: 40, retryMaxMs: 300, maxAttempts: 4, ...options.settings } });
  deliverer.start();
  const adminToken = (await services.tokens.create(ctx, { name: 'test admin', role: 'state_admin', agencyId: null })).token;

  async function registerWorker(loginId: string) {
    return services.workers.register(ctx, agency.id, {
      loginId, firstName: 'Jane', lastName: loginId, email: `${loginId}@example.org`, unitId: agency.holdingUnitId, jobType: 'cps_caseworker', enabled: true,
    });
  }

  /** Registers a worker and opens their account in the SCIM application. */
  async function openAccount(loginId: string) {
    const worker = await registerWorker(loginId);
    return services.accounts.open(ctx, { workerId: worker.id, applicationId: application.id });
  }

  async function addFunction(code: string) {
    return services.functions.create(ctx, application.id, { code, name: code, description: null, securityAttributes: [], riskLevel: 'low', ownerWorkerId: null, requestable: true });
  }

  async function grant(accountId: string, functionId: string, validTo: string | null = null) {
    const input = { accountId, kind: 'function' as const, functionId, provenanceKind: 'import' as const, provenanceId: 'test', validTo };
    return handle.db.transaction().execute((trx) => services.grants.grantInTransaction(trx, ctx, input));
  }

  /** Calls the Gatehouse API in-process as a state administrator. */
  async function call(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** True once nothing is left to deliver (for waitFor); undefined while something is. */
  async function outboxEmpty(): Promise<true | undefined> {
    const page = await call('GET', `/api/v1/applications/${application.id}/deliveries`);
    return (page.body as { items: unknown[] }).items.length === 0 ? true : undefined;
  }

  return {
    services, ctx, agency, application, registerWorker, openAccount, addFunction, grant, call, outboxEmpty,
    today: () => calendarDateAt(new Date(), agency.timeZone),
    stop: () => deliverer.stop(),
  };
}

export type ProvisioningKit = Awaited<ReturnType<typeof createProvisioningKit>>;
