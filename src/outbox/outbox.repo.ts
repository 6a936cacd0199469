import type { Executor } from '../db/database.ts';
import type { DeliveryStatus, OutboxTable } from '../db/schema.ts';
import { newId } from '../shared/ids.ts';

export interface Delivery {
  id: string;
  accountId: string;
  applicationId: string;
  agencyId: string;
  status: DeliveryStatus;
  reason: string;
  generation: number;
  attempts: number;
  dueAt: string;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

function toDelivery(row: OutboxTable): Delivery {
  return {
    id: row.id, accountId: row.account_id, applicationId: row.application_id, agencyId: row.agency_id, status: row.status, reason: row.reason,
    generation: row.generation, attempts: row.attempts, dueAt: row.due_at, lastError: row.last_error, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

export interface OutboxTarget {
  accountId: string;
  applicationId: string;
  agencyId: string;
}

/** The given accounts that belong to one of the applications. */
export async function findTargets(db: Executor, accountIds: readonly string[], applicationIds: readonly string[]): Promise<OutboxTarget[]> {
  return db
    .selectFrom('accounts')
    .select(['id as accountId', 'application_id as applicationId', 'agency_id as agencyId'])
    .where('id', 'in', accountIds)
    .where('application_id', 'in', applicationIds)
    .execute();
}

/**
 * Asks for a delivery of each account by `dueAt`. An account has at most one row: a pending row
 * keeps the earlier due time and gains a generation (so a delivery in flight does not swallow the
 * change); a failed row becomes pending again with its attempts reset.
 */
export async function upsertPending(db: Executor, targets: readonly OutboxTarget[], reason: string, dueAt: string, now: string): Promise<void> {
  if (targets.length === 0) return;
  const rows = targets.map((t) => ({
    id: newId(), account_id: t.accountId, application_id: t.applicationId, agency_id: t.agencyId, status: 'pending' as const, reason,
    generation: 1, attempts: 0, due_at: dueAt, lease_owner: null, lease_expires_at: null, last_error: null, created_at: now, updated_at: now,
  }));
  await db
    .insertInto('outbox')
    .values(rows)
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet((eb) => {
        // A row already due earlier keeps its time and the reason it is due for.
        const dueEarlier = eb.and([eb('outbox.status', '=', 'pending'), eb('outbox.due_at', '<', eb.ref('excluded.due_at'))]);
        return {
          status: 'pending',
          reason: eb.case().when(dueEarlier).then(eb.ref('outbox.reason')).else(eb.ref('excluded.reason')).end(),
          generation: eb('outbox.generation', '+', 1),
          attempts: eb.case().when('outbox.status', '=', 'failed').then(0).else(eb.ref('outbox.attempts')).end(),
          due_at: eb.case().when(dueEarlier).then(eb.ref('outbox.due_at')).else(eb.ref('excluded.due_at')).end(),
          updated_at: eb.ref('excluded.updated_at'),
        };
      }),
    )
    .execute();
}

/**
 * Leases up to `limit` due rows of the application to `owner` until `leaseUntil`. The conditional
 * update lets several nodes claim at once: a row goes to whichever update reaches it first.
 */
export async function claimDue(db: Executor, claim: { applicationId: string; now: string; limit: number; owner: string; leaseUntil: string }): Promise<Delivery[]> {
  const ids = await db
    .selectFrom('outbox')
    .select('id')
    .where('application_id', '=', claim.applicationId)
    .where('status', '=', 'pending')
    .where('due_at', '<=', claim.now)
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', claim.now)]))
    .orderBy('due_at')
    .limit(claim.limit)
    .execute();
  if (ids.length === 0) return [];
  const idList = ids.map((r) => r.id);
  await db
    .updateTable('outbox')
    .set({ lease_owner: claim.owner, lease_expires_at: claim.leaseUntil })
    .where('id', 'in', idList)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', claim.now)]))
    .execute();
  const rows = await db.selectFrom('outbox').selectAll().where('id', 'in', idList).where('lease_owner', '=', claim.owner).where('lease_expires_at', '=', claim.leaseUntil).execute();
  return rows.map(toDelivery);
}

/** Removes a delivered row unless a newer change arrived meanwhile; then only frees it, due again. */
export async function completeDelivery(db: Executor, delivery: Delivery, owner: string): Promise<void> {
  const removed = await db.deleteFrom('outbox').where('id', '=', delivery.id).where('generation', '=', delivery.generation).where('lease_owner', '=', owner).executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) await releaseLease(db, delivery.id, owner);
}

async function releaseLease(db: Executor, id: string, owner: string): Promise<void> {
  await db.updateTable('outbox').set({ lease_owner: null, lease_expires_at: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/** Records a failed attempt; tries again at `retryAt` unless a newer change made the row due sooner. */
export async function scheduleRetry(db: Executor, delivery: Delivery, owner: string, failure: { error: string; retryAt: string; now: string }): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: failure.error,
      due_at: eb.case().when('generation', '=', delivery.generation).then(failure.retryAt).else(eb.ref('due_at')).end(),
      lease_owner: null,
      lease_expires_at: null,
      updated_at: failure.now,
    }))
    .where('id', '=', delivery.id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Gives up on the row (shown as failed) unless a newer change arrived, which gets its own try. */
export async function failDelivery(db: Executor, delivery: Delivery, owner: string, failure: { error: string; now: string }): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({
      status: eb.case().when('generation', '=', delivery.generation).then('failed' as const).else('pending' as const).end(),
      attempts: eb('attempts', '+', 1),
      last_error: failure.error,
      lease_owner: null,
      lease_expires_at: null,
      updated_at: failure.now,
    }))
    .where('id', '=', delivery.id)
    .where('lease_owner', '=', owner)
    .execute();
}

export async function findDelivery(db: Executor, id: string): Promise<Delivery | undefined> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toDelivery(row);
}

/** Makes a failed row pending and due now, with a fresh count of attempts; false if it is not failed. */
export async function retryFailed(db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'pending', attempts: 0, due_at: now, generation: eb('generation', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listDeliveries(
  db: Executor,
  filter: { applicationId: string; status?: DeliveryStatus | undefined; agencyIds: 'all' | string[]; afterId?: string | undefined; limit: number },
): Promise<Delivery[]> {
  if (filter.agencyIds !== 'all' && filter.agencyIds.length === 0) return [];
  let q = db.selectFrom('outbox').selectAll().where('application_id', '=', filter.applicationId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.agencyIds !== 'all') q = q.where('agency_id', 'in', filter.agencyIds);
  if (filter.afterId) q = q.where('id', '>', filter.afterId);
  const rows = await q.orderBy('id').limit(filter.limit).execute();
  return rows.map(toDelivery);
}
