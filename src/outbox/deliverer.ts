import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import { loadAccountViews } from '../connectors/account-view.ts';
import { findConnectorAccount, saveConnectorAccount } from '../connectors/connector-accounts.repo.ts';
import { connectorKinds } from '../connectors/connector-config.ts';
import { DeliveryDeferred, DeliveryRejected } from '../connectors/connector.ts';
import { type OpenedConnector, openConnector } from '../connectors/open-connector.ts';
import type { Database } from '../db/database.ts';
import { leaseOwner } from '../scheduler/leases.ts';
import type { Clock } from '../shared/clock.ts';
import { createPassRunner } from './pass-runner.ts';
import type { Logger } from '../shared/logger.ts';
import { outboxSignal } from './outbox.ts';
import * as repo from './outbox.repo.ts';

export interface DelivererSettings {
  /** How often to look for rows other nodes wrote (this node's own rows wake it at once). */
  pollIntervalMs: number;
  /** The first retry waits about this long; each further one twice as long, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this many failed attempts a delivery is marked failed. */
  maxAttempts: number;
}

export const defaultDelivererSettings: DelivererSettings = { pollIntervalMs: 1000, retryBaseMs: 1000, retryMaxMs: 5 * 60_000, maxAttempts: 10 };

/** After a wake-up, look again after these pauses (ms), so a commit that lands a moment later is seen at once. */
const wakeSchedule = [0, 5, 10, 20, 40, 80, 160, 320];

interface ConnectorApplication {
  id: string;
  opened: OpenedConnector | DeliveryRejected;
}

/** Exponential backoff with jitter: between half and all of base·2^(attempt-1), capped. */
export function retryDelayMs(attempt: number, settings: Pick<DelivererSettings, 'retryBaseMs' | 'retryMaxMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Delivers outbox rows to their applications after commit: claims due rows under a lease (any
 * number of nodes may run one), caps the deliveries in flight per application, retries what may
 * succeed later and marks failed what will not.
 */
export function createDeliverer(deps: { db: Database; clock: Clock; logger: Logger; secret: (name: string) => string | undefined; settings?: Partial<DelivererSettings> }) {
  const settings = { ...defaultDelivererSettings, ...deps.settings };
  const owner = leaseOwner(`outbox-${randomUUID().slice(0, 8)}`);
  const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 64 });
  const connectors = new Map<string, { updatedAt: string; application: ConnectorApplication }>();
  const inFlight = new Map<string, number>();
  const busyAccounts = new Set<string>();
  const deliveries = new Set<Promise<void>>();
  let stopped = true;
  let pollTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;

  async function connectorApplications(): Promise<ConnectorApplication[]> {
    const rows = await deps.db.selectFrom('applications').select(['id', 'kind', 'config', 'updated_at']).where('kind', 'in', connectorKinds).execute();
    return rows.map((row) => {
      const cached = connectors.get(row.id);
      if (cached?.updatedAt === row.updated_at) return cached.application;
      let opened: OpenedConnector | DeliveryRejected;
      try {
        opened = openConnector(row, { dispatcher: agent, secret: deps.secret });
      } catch (error) {
        if (!(error instanceof DeliveryRejected)) throw error;
        opened = error;
      }
      const application = { id: row.id, opened };
      connectors.set(row.id, { updatedAt: row.updated_at, application });
      return application;
    });
  }

  async function recordFailure(delivery: repo.Delivery, error: unknown): Promise<void> {
    const now = deps.clock.now();
    const message = error instanceof Error ? error.message : String(error);
    const attempt = delivery.attempts + 1;
    if (!(error instanceof DeliveryRejected || error instanceof DeliveryDeferred)) deps.logger.error({ err: error, deliveryId: delivery.id }, 'Delivery failed unexpectedly');
    if (error instanceof DeliveryRejected || attempt >= settings.maxAttempts) {
      deps.logger.warn({ deliveryId: delivery.id, accountId: delivery.accountId, attempt, error: message }, 'Delivery failed');
      await repo.failDelivery(deps.db, delivery, owner, { error: message, now: now.toISOString() });
      return;
    }
    const waitMs = Math.max(retryDelayMs(attempt, settings), error instanceof DeliveryDeferred ? (error.retryAfterMs ?? 0) : 0);
    await repo.scheduleRetry(deps.db, delivery, owner, { error: message, retryAt: new Date(now.getTime() + waitMs).toISOString(), now: now.toISOString() });
  }

  async function deliver(opened: OpenedConnector, delivery: repo.Delivery): Promise<void> {
    try {
      const view = (await loadAccountViews(deps.db, [delivery.accountId], deps.clock.now())).get(delivery.accountId);
      if (!view) throw new DeliveryRejected(`Account ${delivery.accountId} is gone from Gatehouse.`);
      const result = await opened.connector.deliver(view, await findConnectorAccount(deps.db, delivery.accountId));
      const doneAt = deps.clock.now().toISOString();
      await deps.db.transaction().execute(async (trx) => {
        await saveConnectorAccount(trx, { accountId: view.accountId, applicationId: view.applicationId, remoteId: result.remoteId, state: result.state, deliveredAt: doneAt });
        await repo.completeDelivery(trx, delivery, owner);
        // Grants that start or end and leave or end dates change the account with no one acting: look again then.
        if (view.nextChangeAt) await repo.upsertPending(trx, [delivery], 'scheduled', view.nextChangeAt, doneAt);
      });
    } catch (error) {
      await recordFailure(delivery, error);
    }
  }

  function launch(application: ConnectorApplication & { opened: OpenedConnector }, delivery: repo.Delivery): void {
    inFlight.set(application.id, (inFlight.get(application.id) ?? 0) + 1);
    busyAccounts.add(delivery.accountId);
    const task = deliver(application.opened, delivery)
      .catch((error: unknown) => deps.logger.error({ err: error, deliveryId: delivery.id }, 'Could not record a delivery'))
      .finally(() => {
        inFlight.set(application.id, (inFlight.get(application.id) ?? 1) - 1);
        busyAccounts.delete(delivery.accountId);
        deliveries.delete(task);
        if (!stopped) passes.run();
      });
    deliveries.add(task);
  }

  /** Claims what each application has room for and starts delivering it. */
  async function pass(): Promise<void> {
    const now = deps.clock.now();
    for (const application of await connectorApplications()) {
      const { opened } = application;
      const room = opened instanceof DeliveryRejected ? 50 : opened.maxConcurrency - (inFlight.get(application.id) ?? 0);
      if (room <= 0) continue;
      const leaseMs = opened instanceof DeliveryRejected ? 60_000 : 30_000 + 10 * opened.timeoutMs;
      const claimed = await repo.claimDue(deps.db, { applicationId: application.id, now: now.toISOString(), limit: room, owner, leaseUntil: new Date(now.getTime() + leaseMs).toISOString() });
      for (const delivery of claimed) {
        if (busyAccounts.has(delivery.accountId)) continue;
        if (opened instanceof DeliveryRejected) await recordFailure(delivery, opened);
        else launch({ id: application.id, opened }, delivery);
      }
    }
  }

  const passes = createPassRunner(pass, { logger: deps.logger, failure: 'The outbox deliverer could not claim work; it will try again', isStopped: () => stopped });

  function wake(step = 0): void {
    clearTimeout(wakeTimer);
    if (stopped) return;
    passes.run();
    const pause = wakeSchedule[step + 1];
    if (pause !== undefined) wakeTimer = setTimeout(() => wake(step + 1), pause);
  }
  const onWritten = () => wake();

  function start(): void {
    if (!stopped) return;
    stopped = false;
    outboxSignal.on('written', onWritten);
    pollTimer = setInterval(passes.run, settings.pollIntervalMs);
    passes.run();
  }

  /** Stops claiming, lets deliveries in flight finish, and closes the connections. */
  async function stop(): Promise<void> {
    stopped = true;
    outboxSignal.off('written', onWritten);
    clearInterval(pollTimer);
    clearTimeout(wakeTimer);
    await passes.settled();
    await Promise.all([...deliveries]);
    await agent.close();
  }

  return { start, stop };
}

export type Deliverer = ReturnType<typeof createDeliverer>;
