import type { Executor } from '../../db/database.ts';
import type { AccountStatus } from '../../db/schema.ts';
import { KnownWorkers } from './known-workers.ts';
import type { LoginHolder } from './plan.ts';

/** Where a worker is placed: what tells a mover. */
export interface Placement {
  unitId: string;
  jobType: string;
}

/** What applying a change needs of a worker beyond what the plan kept. */
export interface WorkerDetails extends Placement {
  id: string;
  terminationDate: string | null;
  leaveStart: string | null;
  leaveReturn: string | null;
  version: number;
}

export interface KnownAccount {
  id: string;
  workerId: string;
  applicationId: string;
  status: AccountStatus;
  disabledBy: string | null;
  unitId: string;
  endDate: string | null;
  version: number;
}

export interface AgencyContext {
  agencyId: string;
  timeZone: string;
  holdingUnitId: string;
  unitIdsByCode: Map<string, string>;
  /** Applications every worker gets an account in when they join (the built-in CONNECTIONS). */
  provisionedApplicationIds: string[];
}

const pageSize = 20_000;
/** Values per `in (...)` list: well under every database's parameter limit. */
const idsPerQuery = 5000;

export async function loadAgencyContext(db: Executor, agencyId: string): Promise<AgencyContext | undefined> {
  const agency = await db.selectFrom('agencies').select(['id', 'time_zone']).where('id', '=', agencyId).executeTakeFirst();
  if (!agency) return undefined;
  const units = await db.selectFrom('units').select(['id', 'code', 'is_holding']).where('agency_id', '=', agencyId).execute();
  const holding = units.find((u) => u.is_holding === 1);
  if (!holding) return undefined;
  const applications = await db.selectFrom('applications').select('id').where('kind', '=', 'builtin').orderBy('code').execute();
  return {
    agencyId,
    timeZone: agency.time_zone,
    holdingUnitId: holding.id,
    unitIdsByCode: new Map(units.map((u) => [u.code.toUpperCase(), u.id])),
    provisionedApplicationIds: applications.map((a) => a.id),
  };
}

/**
 * Every worker of the source, with only what the plan diffs, read by keyset pages on the source's
 * index; and, in the same pass, the correlation keys of those lacking an account in one of the
 * applications every worker gets.
 */
export async function loadKnownWorkers(db: Executor, sourceId: string, provisionedApplicationIds: string[]): Promise<{ known: KnownWorkers; lackingAccounts: string[] }> {
  const known = new KnownWorkers();
  const lackingAccounts: string[] = [];
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('workers as w')
      .select(['w.id', 'w.external_id', 'w.source_hash', 'w.enabled', 'w.supervisor_id'])
      .select((eb) =>
        (provisionedApplicationIds.length === 0
          ? eb.val(0)
          : eb.selectFrom('accounts as a').select(eb.fn.countAll<number>().as('n')).whereRef('a.worker_id', '=', 'w.id').where('a.application_id', 'in', provisionedApplicationIds)
        ).as('provisioned'),
      )
      .where('w.source_id', '=', sourceId)
      .where('w.external_id', '>', after)
      .orderBy('w.source_id')
      .orderBy('w.external_id')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      const externalId = row.external_id ?? '';
      known.add({ id: row.id, externalId, hash: row.source_hash, enabled: row.enabled, supervisorId: row.supervisor_id });
      if (Number(row.provisioned) < provisionedApplicationIds.length) lackingAccounts.push(externalId);
    }
    const last = rows.at(-1);
    if (!last?.external_id || rows.length < pageSize) return { known, lackingAccounts };
    after = last.external_id;
  }
}

async function selectInChunks<T, R>(items: readonly T[], select: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const found: R[] = [];
  for (let i = 0; i < items.length; i += idsPerQuery) {
    for (const row of await select(items.slice(i, i + idsPerQuery))) found.push(row);
  }
  return found;
}

/** The unit and job type of these workers, by id. */
export async function loadPlacements(db: Executor, workerIds: string[]): Promise<Map<string, Placement>> {
  const rows = await selectInChunks(workerIds, (chunk) =>
    db.selectFrom('workers').select(['id', 'unit_id as unitId', 'job_type as jobType']).where('id', 'in', chunk).execute(),
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** What applying needs of these workers, read in the applying transaction. */
export async function loadWorkerDetails(db: Executor, workerIds: string[]): Promise<Map<string, WorkerDetails>> {
  const rows = await selectInChunks(workerIds, (chunk) =>
    db
      .selectFrom('workers')
      .select(['id', 'unit_id as unitId', 'job_type as jobType', 'termination_date as terminationDate', 'leave_start as leaveStart', 'leave_return as leaveReturn', 'version'])
      .where('id', 'in', chunk)
      .execute(),
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** The accounts of these workers, grouped by worker. */
export async function loadAccountsOf(db: Executor, workerIds: string[]): Promise<Map<string, KnownAccount[]>> {
  const rows = await selectInChunks(workerIds, (chunk) =>
    db
      .selectFrom('accounts')
      .select(['id', 'worker_id as workerId', 'application_id as applicationId', 'status', 'disabled_by as disabledBy', 'unit_id as unitId', 'end_date as endDate', 'version'])
      .where('worker_id', 'in', chunk)
      .execute(),
  );
  const byWorker = new Map<string, KnownAccount[]>();
  for (const row of rows) {
    const list = byWorker.get(row.workerId);
    if (list) list.push(row);
    else byWorker.set(row.workerId, [row]);
  }
  return byWorker;
}

/**
 * Correlation keys of the source's workers whose accounts do not follow their directory state: an
 * account disabled by the directory while the worker is enabled, or an account active while the
 * worker is disabled (the known disabled workers are named, so this reads their accounts only).
 */
export async function findMisalignedWorkers(db: Executor, scope: { agencyId: string; sourceId: string; disabledWorkerIds: string[] }): Promise<string[]> {
  const reEnabled = await db
    .selectFrom('accounts as a')
    .innerJoin('workers as w', 'w.id', 'a.worker_id')
    .select('w.external_id')
    .where('a.agency_id', '=', scope.agencyId)
    .where('a.status', '=', 'disabled')
    .where('a.disabled_by', '=', 'directory')
    .where('w.source_id', '=', scope.sourceId)
    .where('w.enabled', '=', 1)
    .execute();
  const stillActive = await selectInChunks(scope.disabledWorkerIds, (chunk) =>
    db
      .selectFrom('workers as w')
      .innerJoin('accounts as a', 'a.worker_id', 'w.id')
      .select('w.external_id')
      .where('w.id', 'in', chunk)
      .where('a.status', '=', 'active')
      .execute(),
  );
  return [...reEnabled, ...stillActive].flatMap((row) => (row.external_id === null ? [] : [row.external_id]));
}

/**
 * Who holds each of these logins: the source's worker that has it, or null when a worker outside
 * the source has it (it cannot be reused). Logins nobody holds are absent.
 */
export async function findLoginHolders(db: Executor, loginKeys: string[], sourceId: string): Promise<Map<string, LoginHolder | null>> {
  const rows = await selectInChunks(loginKeys, (chunk) =>
    db.selectFrom('workers').select(['login_key', 'login_id', 'external_id', 'source_id']).where('login_key', 'in', chunk).execute(),
  );
  return new Map(rows.map((row) => [row.login_key, row.source_id === sourceId && row.external_id !== null ? { externalId: row.external_id, loginId: row.login_id } : null]));
}

export async function countAgencyAccounts(db: Executor, agencyId: string): Promise<number> {
  const row = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('agency_id', '=', agencyId).executeTakeFirstOrThrow();
  return Number(row.n);
}
