import { hostname } from 'node:os';
import type { Database } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import * as repo from './leases.repo.ts';

/** A lease owner names its host and process, so a holder that died on this host can be replaced. */
export function leaseOwner(tag: string): string {
  return `${hostname()}:${process.pid}:${tag}`;
}

function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface Lease {
  /** Extends the lease; false when another holder took it (then stop writing). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** Database leases: one holder at a time across processes and nodes (sync runs, timers). */
export function createLeases(deps: { db: Database; clock: Clock }) {
  async function acquire(name: string, owner: string, ttlMs: number): Promise<Lease | null> {
    const attempt = async (replaceableOwner?: string) => {
      const now = deps.clock.now();
      return repo.tryAcquireLease(deps.db, {
        name, owner, now: now.toISOString(), expiresAt: new Date(now.getTime() + ttlMs).toISOString(), replaceableOwner,
      });
    };
    let held = await attempt();
    if (!held) {
      const current = await repo.findLease(deps.db, name);
      if (current && isDeadLocalOwner(current.owner)) held = await attempt(current.owner);
    }
    if (!held) return null;
    return { renew: () => attempt(), release: () => repo.releaseLease(deps.db, name, owner) };
  }

  async function holder(name: string): Promise<string | null> {
    return (await repo.findLease(deps.db, name))?.owner ?? null;
  }

  return { acquire, holder };
}

export type Leases = ReturnType<typeof createLeases>;
