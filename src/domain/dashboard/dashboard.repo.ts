import type { Executor } from '../../db/database.ts';
import type { RequestStatus } from '../../db/schema.ts';

async function count(query: { executeTakeFirstOrThrow(): Promise<{ count: string | number | bigint }> }): Promise<number> {
  return Number((await query.executeTakeFirstOrThrow()).count);
}

export async function countWorkers(db: Executor, agencyId: string, enabled?: 0 | 1): Promise<number> {
  let q = db.selectFrom('workers').select((eb) => eb.fn.countAll().as('count')).where('agency_id', '=', agencyId);
  if (enabled !== undefined) q = q.where('enabled', '=', enabled);
  return count(q);
}

export async function countAwaitingAssessment(db: Executor, agencyId: string, holdingUnitId: string): Promise<number> {
  return count(db.selectFrom('accounts').select((eb) => eb.fn.countAll().as('count')).where('agency_id', '=', agencyId).where('status', '=', 'active').where('unit_id', '=', holdingUnitId));
}

export async function countRequestsByStatus(db: Executor, agencyId: string): Promise<{ status: RequestStatus; count: number }[]> {
  const rows = await db.selectFrom('access_requests').select(['status', (eb) => eb.fn.countAll().as('count')]).where('agency_id', '=', agencyId).groupBy('status').execute();
  return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
}

/** Requests created per calendar day (UTC) since `since`. */
export async function countRequestsPerDay(db: Executor, agencyId: string, since: string): Promise<{ day: string; count: number }[]> {
  const rows = await db
    .selectFrom('access_requests')
    .select([(eb) => eb.fn<string>('substr', ['created_at', eb.val(1), eb.val(10)]).as('day'), (eb) => eb.fn.countAll().as('count')])
    .where('agency_id', '=', agencyId)
    .where('created_at', '>=', since)
    .groupBy('day')
    .execute();
  return rows.map((r) => ({ day: r.day, count: Number(r.count) }));
}

/** Pending request items that ask for a function beyond the worker's job template. */
export async function countPendingBeyondTemplate(db: Executor, agencyId: string): Promise<number> {
  return count(
    db
      .selectFrom('request_items as i')
      .innerJoin('access_requests as r', 'r.id', 'i.request_id')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('r.agency_id', '=', agencyId)
      .where('r.status', '=', 'pending')
      .where('i.beyond_template', '=', 1),
  );
}
