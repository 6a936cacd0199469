import { hash } from 'node:crypto';
import type { DirectoryProblem, DirectoryRecord } from '../directory-record.ts';
import { orderJoins } from './join-order.ts';
import type { KnownWorker, KnownWorkers } from './known-workers.ts';
import { type PackedRecord, packRecord } from './packed-record.ts';
import type { AgencyContext, Placement } from './sync-state.repo.ts';

/** A worker the directory has and Gatehouse does not: registered, with accounts in N01. */
export interface JoinChange {
  kind: 'join';
  workerId: string;
  externalId: string;
  record: PackedRecord;
  hash: string;
  unitId: string;
  supervisorId: string | null;
  enabled: boolean;
}

/** A known worker whose record or derived state differs. */
export interface UpdateChange {
  kind: 'update';
  worker: KnownWorker;
  record: PackedRecord;
  hash: string;
  unitId: string;
  supervisorId: string | null;
  enabled: boolean;
  mover: boolean;
}

/** A worker the source no longer lists: disabled, never deleted. */
export interface GoneChange {
  kind: 'gone';
  worker: KnownWorker;
}

/** Accounts out of line with the directory: a missed disable, a missing account. */
export interface AccountRepairChange {
  kind: 'repair';
  worker: KnownWorker;
  enabled: boolean;
}

export type Change = JoinChange | UpdateChange | GoneChange | AccountRepairChange;

export interface PlanCounts {
  records: number;
  unchanged: number;
  joiners: number;
  updates: number;
  movers: number;
  disables: number;
  enables: number;
  gone: number;
  repairs: number;
  conflicts: number;
  invalid: number;
}

export interface Plan {
  changes: Change[];
  counts: PlanCounts;
  problems: DirectoryProblem[];
}

export interface PlanContext {
  agency: AgencyContext;
  known: KnownWorkers;
  /** Correlation keys of the workers whose accounts are out of line with their directory state, or missing. */
  needRepair: Set<string>;
  /** The agency's calendar date today: a termination date on or before it disables. */
  today: string;
  newId: () => string;
}

/** The worker of this source that holds a login. */
export interface LoginHolder {
  externalId: string;
  loginId: string;
}

export interface PlanEnd {
  invalid: DirectoryProblem[];
  /**
   * Who holds each login in `loginsToCheck()`: a worker of this source, or null for a worker
   * outside it. Logins nobody holds are absent.
   */
  loginHolders: Map<string, LoginHolder | null>;
  /** Unit and job type of the workers in `workersToPlace()`, by id: a change of either makes a mover. */
  placements: Map<string, Placement>;
  /** A full read lists every worker; an incremental one only the changed, so nothing is "gone". */
  complete: boolean;
}

export const unassignedJobType = 'unassigned';

export function hashRecord(record: DirectoryRecord): string {
  const canonical = [
    record.externalId, record.loginId, record.firstName, record.lastName, record.email, record.unitCode, record.jobType,
    record.supervisorExternalId, record.enabled, record.hireDate, record.terminationDate,
  ].join('\u001f');
  return hash('sha1', canonical, 'base64');
}

/** What planning reads of a record: kept unpacked, the rest only packed. */
type PlannedFields = Pick<DirectoryRecord, 'externalId' | 'loginId' | 'unitCode' | 'jobType' | 'supervisorExternalId' | 'enabled' | 'terminationDate'>;

/** A record that is not plainly unchanged, decided once the whole source has been read. */
interface Pending extends PlannedFields {
  ordinal: number;
  record: PackedRecord;
  loginKey: string;
  hash: string;
  /** The known worker's slot, or -1 for a joiner. */
  slot: number;
}

const notListed = 0;
const listedUnchanged = 1;
const listedOther = 2;
/** Plainly unchanged when read, then found to share its key or login. */
const listedRetracted = 3;

/**
 * Diffs what the directory says against what Gatehouse knows, one record at a time as the source
 * is read, and changes nothing. A record that plainly matches its worker is counted and dropped;
 * only the others are kept. Whether two records share a key or a login is known only at the end,
 * so `finish` takes back an "unchanged" whose key or login turned out to be shared. Two unchanged
 * records cannot share a login (their workers' logins are unique), so only the kept records'
 * logins are tracked here; an unchanged record sharing one is found through the login's holder.
 */
export class SyncPlanner {
  private readonly counts: PlanCounts = {
    records: 0, unchanged: 0, joiners: 0, updates: 0, movers: 0, disables: 0, enables: 0, gone: 0, repairs: 0, conflicts: 0, invalid: 0,
  };
  private pending: Pending[] = [];
  /** Per known worker: whether the source lists it, and whether that record was plainly unchanged. */
  private readonly listed: Uint8Array;
  private readonly unchangedOrdinals: Int32Array;
  /** Keys the source has no worker for, with the index of their first kept record. */
  private newKeys = new Map<string, number>();
  private pendingLogins = new Set<string>();
  private readonly duplicateKeys = new Set<string>();
  private readonly duplicateLogins = new Set<string>();
  /** Slots of the supervisors named so far: few, named over and over. */
  private readonly supervisorSlots = new Map<string, number>();

  constructor(private readonly context: PlanContext) {
    this.listed = new Uint8Array(context.known.size);
    this.unchangedOrdinals = new Int32Array(context.known.size);
  }

  add(record: DirectoryRecord): void {
    const ordinal = this.counts.records;
    this.counts.records += 1;
    const key = record.externalId;
    const slot = this.context.known.slotOf(key);
    let repeated = false;
    if (slot >= 0 ? this.listed[slot] !== notListed : this.newKeys.has(key)) {
      this.duplicateKeys.add(key);
      repeated = true;
    } else if (slot < 0) {
      this.newKeys.set(key, this.pending.length);
    }
    const recordHash = hashRecord(record);
    if (!repeated && slot >= 0 && this.isPlainlyUnchanged(slot, record, recordHash)) {
      this.listed[slot] = listedUnchanged;
      this.unchangedOrdinals[slot] = ordinal;
      this.counts.unchanged += 1;
      return;
    }
    if (slot >= 0 && this.listed[slot] === notListed) this.listed[slot] = listedOther;
    const loginKey = record.loginId.toLowerCase();
    if (this.pendingLogins.has(loginKey)) this.duplicateLogins.add(loginKey);
    else this.pendingLogins.add(loginKey);
    const { loginId, unitCode, jobType, supervisorExternalId, enabled, terminationDate } = record;
    this.pending.push({
      ordinal, record: packRecord(record), externalId: key, loginId, unitCode, jobType, supervisorExternalId, enabled, terminationDate, loginKey, hash: recordHash, slot,
    });
  }

  /** The logins the kept records would write; the caller finds who holds them. */
  loginsToCheck(): string[] {
    return this.pending.map((p) => p.loginKey);
  }

  /** Ids of the known workers whose records were kept: the ones that may change. */
  workersToPlace(): string[] {
    return this.pending.flatMap((p) => (p.slot >= 0 ? [this.context.known.idAt(p.slot)] : []));
  }

  finish(end: PlanEnd): Plan {
    const { known, needRepair } = this.context;
    const counts = this.counts;
    counts.records += end.invalid.length;
    counts.invalid = end.invalid.length;
    this.pendingLogins = new Set();
    const conflicts = this.retractShared(end.loginHolders);
    const { pending } = this;
    this.pending = [];
    // Each kept record is a conflict or accepted; a new worker gets its id now, in file order.
    const accepted = new Uint8Array(pending.length);
    const newIds = new Array<string | undefined>(pending.length);
    pending.forEach((p, i) => {
      const reason = this.conflictOf(p, end.loginHolders);
      if (reason !== null) {
        counts.conflicts += 1;
        conflicts.push({ ordinal: p.ordinal, problem: { ref: p.externalId, reason } });
        return;
      }
      accepted[i] = 1;
      if (p.slot < 0) newIds[i] = this.context.newId();
    });

    const warnings: DirectoryProblem[] = [];
    const joins: JoinChange[] = [];
    /** Per joiner, the index of the kept record of its supervisor when that one joins too. */
    const bossRecords: number[] = [];
    const joinOfRecord = new Int32Array(pending.length).fill(-1);
    const others: Change[] = [];
    pending.forEach((record, i) => {
      if (accepted[i] !== 1) return;
      const { record: packed, hash: recordHash, slot } = record;
      const enabled = this.isEnabled(record);
      const unitId = this.unitIdOf(record);
      let supervisorId: string | null = null;
      let bossRecord = -1;
      if (record.supervisorExternalId !== null) {
        const supervisorSlot = known.slotOf(record.supervisorExternalId);
        bossRecord = supervisorSlot >= 0 ? -1 : (this.newKeys.get(record.supervisorExternalId) ?? -1);
        supervisorId = supervisorSlot >= 0 ? known.idAt(supervisorSlot) : (newIds[bossRecord] ?? null);
        if (supervisorId === null) warnings.push({ ref: record.externalId, reason: `supervisor "${record.supervisorExternalId}" is not in the directory; left empty` });
      }
      if (slot < 0) {
        counts.joiners += 1;
        joinOfRecord[i] = joins.length;
        joins.push({ kind: 'join', workerId: newIds[i] ?? this.context.newId(), externalId: record.externalId, record: packed, hash: recordHash, unitId, supervisorId, enabled });
        bossRecords.push(supervisorId === null ? -1 : bossRecord);
        return;
      }
      if (known.matches(slot, recordHash, enabled, supervisorId)) {
        if (needRepair.has(record.externalId)) this.addRepair(others, slot, enabled);
        else counts.unchanged += 1;
        return;
      }
      const worker = known.workerAt(slot);
      const placement = end.placements.get(worker.id);
      const mover = placement !== undefined && (placement.jobType !== (record.jobType ?? unassignedJobType) || placement.unitId !== unitId);
      const wasEnabled = worker.enabled === 1;
      counts.updates += 1;
      if (mover) counts.movers += 1;
      if (wasEnabled && !enabled) counts.disables += 1;
      if (!wasEnabled && enabled) counts.enables += 1;
      others.push({ kind: 'update', worker, record: packed, hash: recordHash, unitId, supervisorId, enabled, mover });
    });
    this.newKeys = new Map();
    for (const key of needRepair) {
      const slot = known.slotOf(key);
      if (slot < 0 || this.listed[slot] !== listedUnchanged) continue;
      counts.unchanged -= 1;
      this.addRepair(others, slot, known.enabledAt(slot));
    }
    if (end.complete) this.addGone(others);

    conflicts.sort((a, b) => a.ordinal - b.ordinal);
    const problems = [...end.invalid, ...conflicts.map((c) => c.problem), ...warnings];
    const bossOf = Int32Array.from(bossRecords, (record) => (record < 0 ? -1 : (joinOfRecord[record] ?? -1)));
    const changes: Change[] = orderJoins(joins, bossOf, problems);
    return { changes: changes.concat(others), counts, problems };
  }

  /** A record plainly unchanged: its unit exists, its supervisor is known, and it matches its worker. */
  private isPlainlyUnchanged(slot: number, record: DirectoryRecord, recordHash: string): boolean {
    const { known, agency } = this.context;
    if (record.unitCode !== null && !agency.unitIdsByCode.has(record.unitCode.toUpperCase())) return false;
    let supervisorId: string | null = null;
    if (record.supervisorExternalId !== null) {
      const supervisorSlot = this.supervisorSlotOf(record.supervisorExternalId);
      if (supervisorSlot < 0) return false;
      supervisorId = known.idAt(supervisorSlot);
    }
    return known.matches(slot, recordHash, this.isEnabled(record), supervisorId);
  }

  private supervisorSlotOf(externalId: string): number {
    let slot = this.supervisorSlots.get(externalId);
    if (slot === undefined) {
      slot = this.context.known.slotOf(externalId);
      if (this.supervisorSlots.size < 100_000) this.supervisorSlots.set(externalId, slot);
    }
    return slot;
  }

  /**
   * Takes back the "unchanged" of records whose key another record shares, or whose login a kept
   * record claims: an unchanged record's login is its worker's, so the login's holder names it.
   */
  private retractShared(loginHolders: Map<string, LoginHolder | null>): { ordinal: number; problem: DirectoryProblem }[] {
    const { known } = this.context;
    const conflicts: { ordinal: number; problem: DirectoryProblem }[] = [];
    const retract = (slot: number, reason: string) => {
      if (this.listed[slot] !== listedUnchanged) return;
      this.listed[slot] = listedRetracted;
      this.counts.unchanged -= 1;
      this.counts.conflicts += 1;
      conflicts.push({ ordinal: this.unchangedOrdinals[slot] ?? 0, problem: { ref: known.externalIdAt(slot), reason } });
    };
    for (const key of this.duplicateKeys) {
      const slot = known.slotOf(key);
      if (slot >= 0) retract(slot, sharedKeyReason(key));
    }
    for (const pending of this.pending) {
      const holder = loginHolders.get(pending.loginKey);
      if (!holder || holder.externalId === pending.externalId) continue;
      const slot = known.slotOf(holder.externalId);
      if (slot < 0 || (this.listed[slot] !== listedUnchanged && this.listed[slot] !== listedRetracted)) continue;
      this.duplicateLogins.add(pending.loginKey);
      retract(slot, this.duplicateKeys.has(holder.externalId) ? sharedKeyReason(holder.externalId) : sharedLoginReason(holder.loginId));
    }
    return conflicts;
  }

  private conflictOf({ externalId, loginId, unitCode, loginKey }: Pending, loginHolders: Map<string, LoginHolder | null>): string | null {
    if (this.duplicateKeys.has(externalId)) return sharedKeyReason(externalId);
    if (this.duplicateLogins.has(loginKey)) return sharedLoginReason(loginId);
    const holder = loginHolders.get(loginKey);
    if (holder === null) return `login id "${loginId}" already belongs to a worker outside this source`;
    if (holder !== undefined && holder.externalId !== externalId) {
      return `login id "${loginId}" still belongs to the worker with correlation key "${holder.externalId}"; give that worker another login first, then the next run applies this record`;
    }
    if (unitCode !== null && !this.context.agency.unitIdsByCode.has(unitCode.toUpperCase())) {
      return `unit "${unitCode}" does not exist in the agency; create the unit or map the value in the source's unit map`;
    }
    return null;
  }

  private addRepair(changes: Change[], slot: number, enabled: boolean): void {
    this.counts.repairs += 1;
    changes.push({ kind: 'repair', worker: this.context.known.workerAt(slot), enabled });
  }

  /** Workers the source no longer lists; one already disabled only if its accounts still need it. */
  private addGone(changes: Change[]): void {
    const { known, needRepair } = this.context;
    for (let slot = 0; slot < known.size; slot += 1) {
      if (this.listed[slot] !== notListed) continue;
      if (!known.enabledAt(slot) && !needRepair.has(known.externalIdAt(slot))) continue;
      this.counts.gone += 1;
      this.counts.disables += 1;
      changes.push({ kind: 'gone', worker: known.workerAt(slot) });
    }
  }

  private isEnabled(record: PlannedFields): boolean {
    return record.enabled && !(record.terminationDate !== null && record.terminationDate <= this.context.today);
  }

  private unitIdOf(record: PlannedFields): string {
    const { agency } = this.context;
    return record.unitCode === null ? agency.holdingUnitId : (agency.unitIdsByCode.get(record.unitCode.toUpperCase()) ?? agency.holdingUnitId);
  }
}

function sharedKeyReason(key: string): string {
  return `two records share the correlation key "${key}"; neither was applied`;
}

function sharedLoginReason(loginId: string): string {
  return `two records share the login id "${loginId}"; neither was applied`;
}
