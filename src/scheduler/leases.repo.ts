import type { Executor } from '../db/database.ts';

/**
 * Takes the named lease for `owner` until `expiresAt` when it is free, expired, already ours, or
 * held by `replaceableOwner` (a holder known to be dead). Returns whether we hold it now.
 */
export async function tryAcquireLease(
  db: Executor,
  lease: { name: string; owner: string; now: string; expiresAt: string; replaceableOwner?: string | undefined },
): Promise<boolean> {
  const inserted = await db
    .insertInto('leases')
    .values({ name: lease.name, owner: lease.owner, expires_at: lease.expiresAt })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
  const updated = await db
    .updateTable('leases')
    .set({ owner: lease.owner, expires_at: lease.expiresAt })
    .where('name', '=', lease.name)
    .where((eb) => {
      const free = [eb('expires_at', '<=', lease.now), eb('owner', '=', lease.owner)];
      if (lease.replaceableOwner) free.push(eb('owner', '=', lease.replaceableOwner));
      return eb.or(free);
    })
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function findLease(db: Executor, name: string): Promise<{ owner: string; expiresAt: string } | undefined> {
  return db.selectFrom('leases').select(['owner', 'expires_at as expiresAt']).where('name', '=', name).executeTakeFirst();
}

export async function releaseLease(db: Executor, name: string, owner: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
}
