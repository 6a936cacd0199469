import type { Executor } from '../../db/database.ts';

export interface PlanWorker {
  id: string;
  agencyId: string;
  name: string;
  unitId: string;
  supervisorId: string | null;
  enabled: boolean;
}

export async function findPlanWorker(db: Executor, id: string): Promise<PlanWorker | undefined> {
  const row = await db
    .selectFrom('workers')
    .select(['id', 'agency_id as agencyId', 'first_name as firstName', 'last_name as lastName', 'login_id as loginId', 'unit_id as unitId', 'supervisor_id as supervisorId', 'enabled'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, agencyId: row.agencyId, name: `${row.firstName} ${row.lastName} (${row.loginId})`, unitId: row.unitId, supervisorId: row.supervisorId, enabled: row.enabled === 1 };
}

/** The business functions the worker holds live at `at` in the application. */
export async function listLiveFunctionIds(db: Executor, workerId: string, applicationId: string, at: string): Promise<string[]> {
  const rows = await db
    .selectFrom('grants')
    .select('function_id')
    .distinct()
    .where('worker_id', '=', workerId)
    .where('application_id', '=', applicationId)
    .where('kind', '=', 'function')
    .where('revoked_at', 'is', null)
    .where('valid_from', '<=', at)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
    .execute();
  return rows.flatMap((r) => (r.function_id ? [r.function_id] : []));
}

export interface UnitCandidateFilter {
  unitId: string;
  leaverId: string;
  applicationId: string;
  /** Candidates must hold one of these live; empty: any worker with an active account will do. */
  functionIds: string[];
  at: string;
  /** The agency's calendar date: workers on leave today are left out. */
  today: string;
}

/** Enabled workers of the unit, not on leave, with an active account in the application and (if asked) one of the functions. */
export async function listUnitCandidates(db: Executor, filter: UnitCandidateFilter): Promise<{ workerId: string; name: string }[]> {
  let q = db
    .selectFrom('workers as w')
    .innerJoin('accounts as a', (join) => join.onRef('a.worker_id', '=', 'w.id').on('a.application_id', '=', filter.applicationId).on('a.status', '=', 'active'))
    .select(['w.id as workerId', 'w.first_name as firstName', 'w.last_name as lastName', 'w.login_id as loginId'])
    .where('w.unit_id', '=', filter.unitId)
    .where('w.enabled', '=', 1)
    .where('w.id', '<>', filter.leaverId)
    .where((eb) => eb.not(eb.and([eb('w.leave_start', 'is not', null), eb('w.leave_start', '<=', filter.today), eb.or([eb('w.leave_return', 'is', null), eb('w.leave_return', '>', filter.today)])])));
  if (filter.functionIds.length > 0) {
    const { functionIds, at } = filter;
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('grants as g')
          .select('g.id')
          .whereRef('g.worker_id', '=', 'w.id')
          .where('g.application_id', '=', filter.applicationId)
          .where('g.kind', '=', 'function')
          .where('g.function_id', 'in', functionIds)
          .where('g.revoked_at', 'is', null)
          .where('g.valid_from', '<=', at)
          .where((inner) => inner.or([inner('g.valid_to', 'is', null), inner('g.valid_to', '>', at)])),
      ),
    );
  }
  const rows = await q.orderBy('w.last_name').orderBy('w.first_name').orderBy('w.id').limit(500).execute();
  return rows.map((r) => ({ workerId: r.workerId, name: `${r.firstName} ${r.lastName} (${r.loginId})` }));
}
