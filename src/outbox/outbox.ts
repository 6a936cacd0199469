import { EventEmitter } from 'node:events';
import { connectorKinds } from '../connectors/connector-config.ts';
import type { Executor } from '../db/database.ts';
import { prepareQuery } from '../db/prepared-query.ts';
import * as repo from './outbox.repo.ts';

const chunkSize = 500;

// Every account change asks which applications have a connector: prepared once.
const connectedApplications = prepareQuery((db) => db.selectFrom('applications').select('id').where('kind', 'in', connectorKinds));

/**
 * The in-process wake-up for the deliverer. It fires when rows are written, which is before their
 * transaction commits, so the deliverer looks again a few times over the next moments (see
 * deliverer.ts) instead of every service having to signal after its commit.
 */
export const outboxSignal = new EventEmitter();

/** Wakes the deliverer of this process, e.g. right after a retry is committed. */
export function notifyDeliverer(): void {
  outboxSignal.emit('written');
}

/**
 * Asks for the accounts' current state to be delivered to their applications, in the caller's
 * transaction (so the request commits or rolls back with the change). Only accounts of
 * applications with a connector get a row, and an account has at most one pending row: a burst of
 * changes becomes one delivery of the state as it is then.
 */
export async function enqueueAccountChanges(trx: Executor, accountIds: readonly string[], reason: string, now: string): Promise<void> {
  if (accountIds.length === 0) return;
  const applicationIds = (await connectedApplications(trx, {})).rows.map((a) => a.id);
  if (applicationIds.length === 0) return;
  const unique = [...new Set(accountIds)];
  let written = 0;
  for (let i = 0; i < unique.length; i += chunkSize) {
    const targets = await repo.findTargets(trx, unique.slice(i, i + chunkSize), applicationIds);
    await repo.upsertPending(trx, targets, reason, now, now);
    written += targets.length;
  }
  if (written > 0) notifyDeliverer();
}

/** The same for every account of the workers, after a change to the directory record itself. */
export async function enqueueWorkerChanges(trx: Executor, workerIds: readonly string[], reason: string, now: string): Promise<void> {
  if (workerIds.length === 0) return;
  const accounts = await trx.selectFrom('accounts').select('id').where('worker_id', 'in', [...new Set(workerIds)]).execute();
  await enqueueAccountChanges(trx, accounts.map((a) => a.id), reason, now);
}
