import type { Executor } from '../../db/database.ts';
import type { WorkerSortKey } from '../workers/workers.repo.ts';

export async function listAgencyIds(db: Executor): Promise<string[]> {
  return (await db.selectFrom('agencies').select('id').orderBy('id').execute()).map((a) => a.id);
}

/** Every function of the agency's job templates, with the application and job type the template is for. */
export async function listTemplateFunctions(db: Executor, agencyId: string): Promise<{ applicationId: string; jobType: string; functionId: string | null }[]> {
  return db
    .selectFrom('access_templates as t')
    .leftJoin('template_functions as f', 'f.template_id', 't.id')
    .select(['t.application_id as applicationId', 't.job_type as jobType', 'f.function_id as functionId'])
    .where('t.agency_id', '=', agencyId)
    .execute();
}

export interface CountedWorker {
  id: string;
  lastName: string;
  firstName: string;
  jobType: string;
  unitId: string;
}

/** The agency's next workers in name order (the order its index keeps), after `after`. */
export async function listWorkersAfter(db: Executor, agencyId: string, after: WorkerSortKey | null, limit: number): Promise<CountedWorker[]> {
  let q = db
    .selectFrom('workers')
    .select(['id', 'last_name as lastName', 'first_name as firstName', 'job_type as jobType', 'unit_id as unitId'])
    .where('agency_id', '=', agencyId);
  if (after) q = q.where((eb) => eb(eb.refTuple('last_name', 'first_name', 'id'), '>', eb.tuple(...after)));
  return q.orderBy('last_name').orderBy('first_name').orderBy('id').limit(limit).execute();
}

/** The function grants of these workers live at `at`, on accounts not end-dated. */
export async function listLiveFunctionGrantsOf(db: Executor, workerIds: string[], at: string): Promise<{ workerId: string; applicationId: string; functionId: string | null }[]> {
  if (workerIds.length === 0) return [];
  return db
    .selectFrom('grants as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .select(['g.worker_id as workerId', 'g.application_id as applicationId', 'g.function_id as functionId'])
    .where('g.worker_id', 'in', workerIds)
    .where('g.kind', '=', 'function')
    .where('g.revoked_at', 'is', null)
    .where('g.granted_at', '<=', at)
    .where('g.valid_from', '<=', at)
    .where((eb) => eb.or([eb('g.valid_to', 'is', null), eb('g.valid_to', '>', at)]))
    .where('a.status', '<>', 'end_dated')
    .execute();
}

export interface CountedEntry {
  id: string;
  count: number;
}

export interface BeyondTemplateRow {
  agencyId: string;
  countedAt: string;
  liveGrants: number;
  beyondGrants: number;
  beyondWorkers: number;
  byFunction: CountedEntry[];
  byUnit: CountedEntry[];
}

export async function saveBeyondTemplateCounts(db: Executor, row: BeyondTemplateRow): Promise<void> {
  const values = {
    counted_at: row.countedAt, live_grants: row.liveGrants, beyond_grants: row.beyondGrants, beyond_workers: row.beyondWorkers,
    by_function: JSON.stringify(row.byFunction), by_unit: JSON.stringify(row.byUnit),
  };
  await db
    .insertInto('beyond_template_counts')
    .values({ agency_id: row.agencyId, ...values })
    .onConflict((oc) => oc.column('agency_id').doUpdateSet(values))
    .execute();
}

export async function findBeyondTemplateCounts(db: Executor, agencyId: string): Promise<BeyondTemplateRow | undefined> {
  const row = await db.selectFrom('beyond_template_counts').selectAll().where('agency_id', '=', agencyId).executeTakeFirst();
  return row && {
    agencyId: row.agency_id, countedAt: row.counted_at, liveGrants: row.live_grants, beyondGrants: row.beyond_grants, beyondWorkers: row.beyond_workers,
    byFunction: JSON.parse(row.by_function) as CountedEntry[], byUnit: JSON.parse(row.by_unit) as CountedEntry[],
  };
}

/** Code and name of the functions and units a count names, by id. */
export async function findLabels(db: Executor, functionIds: string[], unitIds: string[]): Promise<Map<string, { code: string; name: string }>> {
  const functions = functionIds.length === 0 ? [] : await db.selectFrom('business_functions').select(['id', 'code', 'name']).where('id', 'in', functionIds).execute();
  const units = unitIds.length === 0 ? [] : await db.selectFrom('units').select(['id', 'code', 'name']).where('id', 'in', unitIds).execute();
  return new Map([...functions, ...units].map((r) => [r.id, { code: r.code, name: r.name }]));
}
