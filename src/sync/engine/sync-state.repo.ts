import type { Executor } from '../../db/database.ts';
import type { AccountStatus, Flag } from '../../db/schema.ts';

/** What the engine needs of a source's current workers to diff a record against them. */
export interface KnownWorker {
  id: string;
  externalId: string;
  loginKey: string;
  hash: string | null;
  enabled: Flag;
  unitId: string;
  jobType: string;
  supervisorId: string | null;
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

/** Every worker of the source, read by keyset pages on the source's index. */
export async function loadSourceWorkers(db: Executor, sourceId: string): Promise<Map<string, KnownWorker>> {
  const known = new Map<string, KnownWorker>();
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('workers')
      .select([
        'id', 'external_id as externalId', 'login_key as loginKey', 'source_hash as hash', 'enabled', 'unit_id as unitId',
        'job_type as jobType', 'supervisor_id as supervisorId', 'termination_date as terminationDate', 'leave_start as leaveStart',
        'leave_return as leaveReturn', 'version',
      ])
      .where('source_id', '=', sourceId)
      .where('external_id', '>', after)
      .orderBy('source_id')
      .orderBy('external_id')
      .limit(pageSize)
      .execute();
    for (const row of rows) known.set(row.externalId ?? '', row as KnownWorker);
    const last = rows.at(-1);
    if (!last?.externalId || rows.length < pageSize) return known;
    after = last.externalId;
  }
}

/** The accounts of these workers, grouped by worker. */
export async function loadAccountsOf(db: Executor, workerIds: string[]): Promise<Map<string, KnownAccount[]>> {
  const byWorker = new Map<string, KnownAccount[]>();
  for (let i = 0; i < workerIds.length; i += 5000) {
    const rows = await db
      .selectFrom('accounts')
      .select(['id', 'worker_id as workerId', 'application_id as applicationId', 'status', 'disabled_by as disabledBy', 'unit_id as unitId', 'end_date as endDate', 'version'])
      .where('worker_id', 'in', workerIds.slice(i, i + 5000))
      .execute();
    for (const row of rows) {
      const list = byWorker.get(row.workerId);
      if (list) list.push(row);
      else byWorker.set(row.workerId, [row]);
    }
  }
  return byWorker;
}

/**
 * Workers of the source whose accounts do not follow their directory state: an account active
 * while the worker is disabled, disabled by the directory while the worker is enabled, or missing.
 */
export async function findWorkersNeedingRepair(db: Executor, sourceId: string, provisionedApplicationIds: string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  const misaligned = await db
    .selectFrom('workers as w')
    .innerJoin('accounts as a', 'a.worker_id', 'w.id')
    .select('w.id')
    .where('w.source_id', '=', sourceId)
    .where((eb) =>
      eb.or([
        eb.and([eb('w.enabled', '=', 1), eb('a.status', '=', 'disabled'), eb('a.disabled_by', '=', 'directory')]),
        eb.and([eb('w.enabled', '=', 0), eb('a.status', '=', 'active')]),
      ]),
    )
    .execute();
  for (const row of misaligned) ids.add(row.id);
  for (const applicationId of provisionedApplicationIds) {
    const missing = await db
      .selectFrom('workers as w')
      .select('w.id')
      .where('w.source_id', '=', sourceId)
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('accounts as a').select('a.id').whereRef('a.worker_id', '=', 'w.id').where('a.application_id', '=', applicationId))),
      )
      .execute();
    for (const row of missing) ids.add(row.id);
  }
  return ids;
}

/** Which of these login keys belong to workers outside the source (they cannot be reused). */
export async function findLoginOwners(db: Executor, loginKeys: string[], sourceId: string): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < loginKeys.length; i += 5000) {
    const rows = await db
      .selectFrom('workers')
      .select('login_key')
      .where('login_key', 'in', loginKeys.slice(i, i + 5000))
      .where((eb) => eb.or([eb('source_id', 'is', null), eb('source_id', '!=', sourceId)]))
      .execute();
    for (const row of rows) taken.add(row.login_key);
  }
  return taken;
}

export async function countAgencyAccounts(db: Executor, agencyId: string): Promise<number> {
  const row = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('agency_id', '=', agencyId).executeTakeFirstOrThrow();
  return Number(row.n);
}
