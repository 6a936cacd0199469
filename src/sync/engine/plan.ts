import { hash } from 'node:crypto';
import type { DirectoryProblem, DirectoryRecord } from '../directory-record.ts';
import type { AgencyContext, KnownWorker } from './sync-state.repo.ts';

/** A worker the directory has and Gatehouse does not: registered, with accounts in N01. */
export interface JoinChange {
  kind: 'join';
  workerId: string;
  record: DirectoryRecord;
  hash: string;
  unitId: string;
  supervisorId: string | null;
  enabled: boolean;
}

/** A known worker whose record or derived state differs. */
export interface UpdateChange {
  kind: 'update';
  worker: KnownWorker;
  record: DirectoryRecord;
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

export interface PlanInput {
  records: DirectoryRecord[];
  invalid: DirectoryProblem[];
  known: Map<string, KnownWorker>;
  /** Workers whose accounts are out of line with their directory state, or missing. */
  needRepair: Set<string>;
  agency: AgencyContext;
  /** Login keys of the records that belong to workers outside this source. */
  loginsTakenElsewhere: Set<string>;
  /** The agency's calendar date today: a termination date on or before it disables. */
  today: string;
  /** A full read lists every worker; an incremental one only the changed, so nothing is "gone". */
  complete: boolean;
  newId: () => string;
}

export const unassignedJobType = 'unassigned';

export function hashRecord(record: DirectoryRecord): string {
  const canonical = [
    record.externalId, record.loginId, record.firstName, record.lastName, record.email, record.unitCode, record.jobType,
    record.supervisorExternalId, record.enabled, record.hireDate, record.terminationDate,
  ].join('\u001f');
  return hash('sha1', canonical, 'base64');
}

function findDuplicates(records: DirectoryRecord[], keyOf: (r: DirectoryRecord) => string): Set<string> {
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const record of records) {
    const key = keyOf(record);
    if (seen.has(key)) duplicated.add(key);
    else seen.add(key);
  }
  return duplicated;
}

/** Diffs what the directory says against what Gatehouse knows; changes nothing. */
export function planSync(input: PlanInput): Plan {
  const { records, known, agency } = input;
  const counts: PlanCounts = {
    records: records.length + input.invalid.length, unchanged: 0, joiners: 0, updates: 0, movers: 0, disables: 0, enables: 0,
    gone: 0, repairs: 0, conflicts: 0, invalid: input.invalid.length,
  };
  const problems: DirectoryProblem[] = [...input.invalid];
  const changes: Change[] = [];

  const duplicateKeys = findDuplicates(records, (r) => r.externalId);
  const duplicateLogins = findDuplicates(records, (r) => r.loginId.toLowerCase());
  const idsByExternal = new Map<string, string>();
  for (const [externalId, worker] of known) idsByExternal.set(externalId, worker.id);
  const accepted: DirectoryRecord[] = [];
  for (const record of records) {
    const loginKey = record.loginId.toLowerCase();
    let conflict: string | null = null;
    if (duplicateKeys.has(record.externalId)) conflict = `two records share the correlation key "${record.externalId}"; neither was applied`;
    else if (duplicateLogins.has(loginKey)) conflict = `two records share the login id "${record.loginId}"; neither was applied`;
    else if (input.loginsTakenElsewhere.has(loginKey)) conflict = `login id "${record.loginId}" already belongs to a worker outside this source`;
    else if (record.unitCode !== null && !agency.unitIdsByCode.has(record.unitCode.toUpperCase())) {
      conflict = `unit "${record.unitCode}" does not exist in the agency; create the unit or map the value in the source's unit map`;
    }
    if (conflict) {
      counts.conflicts += 1;
      problems.push({ ref: record.externalId, reason: conflict });
      continue;
    }
    if (!idsByExternal.has(record.externalId)) idsByExternal.set(record.externalId, input.newId());
    accepted.push(record);
  }

  const seen = new Set<string>();
  for (const record of accepted) {
    seen.add(record.externalId);
    const hash = hashRecord(record);
    const enabled = record.enabled && !(record.terminationDate !== null && record.terminationDate <= input.today);
    const unitId = record.unitCode === null ? agency.holdingUnitId : (agency.unitIdsByCode.get(record.unitCode.toUpperCase()) ?? agency.holdingUnitId);
    let supervisorId: string | null = null;
    if (record.supervisorExternalId !== null) {
      supervisorId = idsByExternal.get(record.supervisorExternalId) ?? null;
      if (supervisorId === null) problems.push({ ref: record.externalId, reason: `supervisor "${record.supervisorExternalId}" is not in the directory; left empty` });
    }
    const worker = known.get(record.externalId);
    if (!worker) {
      counts.joiners += 1;
      changes.push({ kind: 'join', workerId: idsByExternal.get(record.externalId) ?? input.newId(), record, hash, unitId, supervisorId, enabled });
      continue;
    }
    const jobType = record.jobType ?? unassignedJobType;
    const wasEnabled = worker.enabled === 1;
    if (worker.hash === hash && wasEnabled === enabled && worker.supervisorId === supervisorId) {
      if (input.needRepair.has(worker.id)) {
        counts.repairs += 1;
        changes.push({ kind: 'repair', worker, enabled });
      } else {
        counts.unchanged += 1;
      }
      continue;
    }
    const mover = worker.jobType !== jobType || worker.unitId !== unitId;
    counts.updates += 1;
    if (mover) counts.movers += 1;
    if (wasEnabled && !enabled) counts.disables += 1;
    if (!wasEnabled && enabled) counts.enables += 1;
    changes.push({ kind: 'update', worker, record, hash, unitId, supervisorId, enabled, mover });
  }

  if (input.complete) {
    for (const worker of known.values()) {
      if (seen.has(worker.externalId)) continue;
      if (worker.enabled === 0 && !input.needRepair.has(worker.id)) continue;
      counts.gone += 1;
      counts.disables += 1;
      changes.push({ kind: 'gone', worker });
    }
  }
  return { changes: orderForInsert(changes, problems), counts, problems };
}

/**
 * Joiners whose supervisor also joins come after that supervisor, so every reference exists when
 * its row is written. A supervisor cycle among joiners is cut and reported.
 */
function orderForInsert(changes: Change[], problems: DirectoryProblem[]): Change[] {
  const joins = new Map<string, JoinChange>();
  for (const change of changes) if (change.kind === 'join') joins.set(change.workerId, change);
  if (joins.size === 0) return changes;
  const supervisorOf = (id: string): string | null => {
    const supervisor = joins.get(id)?.supervisorId ?? null;
    return supervisor !== null && joins.has(supervisor) ? supervisor : null;
  };

  const done = new Set<string>();
  for (const start of joins.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let id: string | null = start;
    while (id !== null && !done.has(id)) {
      if (onPath.has(id)) {
        const last = joins.get(path[path.length - 1] ?? '');
        if (last) {
          problems.push({ ref: last.record.externalId, reason: 'supervisors form a cycle; this supervisor link was left empty' });
          last.supervisorId = null;
        }
        break;
      }
      onPath.add(id);
      path.push(id);
      id = supervisorOf(id);
    }
    for (const member of path) done.add(member);
  }

  const depth = new Map<string, number>();
  for (const start of joins.keys()) {
    const path: string[] = [];
    let id: string | null = start;
    while (id !== null && !depth.has(id)) {
      path.push(id);
      id = supervisorOf(id);
    }
    let next = id === null ? 0 : (depth.get(id) ?? 0) + 1;
    for (let i = path.length - 1; i >= 0; i -= 1) {
      depth.set(path[i] ?? '', next);
      next += 1;
    }
  }
  const sortedJoins = [...joins.values()].sort((a, b) => (depth.get(a.workerId) ?? 0) - (depth.get(b.workerId) ?? 0));
  return [...sortedJoins, ...changes.filter((c) => c.kind !== 'join')];
}
