import type { Executor } from '../../db/database.ts';
import { workerNameOrLoginStartsWith } from '../../db/worker-search.ts';

export interface QueueEntry {
  accountId: string;
  workerId: string;
  firstName: string;
  lastName: string;
  loginId: string;
  jobType: string;
  openedAt: string;
}

/** Active accounts in the holding unit with their workers, by account id, optionally by name or login prefix. */
export async function listHoldingAccounts(db: Executor, query: { agencyId: string; holdingUnitId: string; search?: string | undefined; afterId?: string | undefined; limit: number }): Promise<QueueEntry[]> {
  let q = db
    .selectFrom('accounts as a')
    .innerJoin('workers as w', 'w.id', 'a.worker_id')
    .select(['a.id as accountId', 'w.id as workerId', 'w.first_name as firstName', 'w.last_name as lastName', 'w.login_id as loginId', 'w.job_type as jobType', 'a.created_at as openedAt'])
    .where('a.agency_id', '=', query.agencyId)
    .where('a.unit_id', '=', query.holdingUnitId)
    .where('a.status', '=', 'active');
  if (query.search) q = q.where(workerNameOrLoginStartsWith('w', query.search));
  if (query.afterId) q = q.where('a.id', '>', query.afterId);
  return q.orderBy('a.id').limit(query.limit).execute();
}
