import type { Flag } from '../../db/schema.ts';

/** A known worker as the plan sees it: enough to diff a record and name the change. */
export interface KnownWorker {
  id: string;
  externalId: string;
  hash: string | null;
  enabled: Flag;
  supervisorId: string | null;
}

/**
 * The workers of one source, indexed by correlation key. A million of them stay in memory for the
 * whole run, so they are held as columns (one array per field, a slot per worker) rather than as
 * a million objects, and the supervisor ids, repeated across a unit, share one string each. A
 * worker object is made only for the workers that change.
 */
export class KnownWorkers {
  private readonly slots = new Map<string, number>();
  private readonly externalIds: string[] = [];
  private readonly ids: string[] = [];
  private readonly hashes: (string | null)[] = [];
  private readonly enabledFlags: Flag[] = [];
  private readonly supervisorIds: (string | null)[] = [];
  private readonly shared = new Map<string, string>();

  get size(): number {
    return this.ids.length;
  }

  add(worker: KnownWorker): void {
    this.slots.set(worker.externalId, this.ids.length);
    this.externalIds.push(worker.externalId);
    this.ids.push(worker.id);
    this.hashes.push(worker.hash);
    this.enabledFlags.push(worker.enabled);
    this.supervisorIds.push(worker.supervisorId === null ? null : this.share(worker.supervisorId));
  }

  /** The worker's slot, or -1 when the source has no worker with this correlation key. */
  slotOf(externalId: string): number {
    return this.slots.get(externalId) ?? -1;
  }

  idAt(slot: number): string {
    return this.ids[slot] ?? '';
  }

  externalIdAt(slot: number): string {
    return this.externalIds[slot] ?? '';
  }

  enabledAt(slot: number): boolean {
    return this.enabledFlags[slot] === 1;
  }

  /** Whether the record (by its hash) and what was derived from it still match the stored worker. */
  matches(slot: number, hash: string, enabled: boolean, supervisorId: string | null): boolean {
    return this.hashes[slot] === hash && this.enabledFlags[slot] === (enabled ? 1 : 0) && this.supervisorIds[slot] === supervisorId;
  }

  /** Ids of the workers the source has disabled. */
  disabledIds(): string[] {
    const ids: string[] = [];
    this.enabledFlags.forEach((flag, slot) => {
      if (flag === 0) ids.push(this.idAt(slot));
    });
    return ids;
  }

  workerAt(slot: number): KnownWorker {
    return {
      id: this.idAt(slot), externalId: this.externalIdAt(slot), hash: this.hashes[slot] ?? null, enabled: this.enabledFlags[slot] ?? 0,
      supervisorId: this.supervisorIds[slot] ?? null,
    };
  }

  private share(value: string): string {
    const known = this.shared.get(value);
    if (known !== undefined) return known;
    this.shared.set(value, value);
    return value;
  }
}
