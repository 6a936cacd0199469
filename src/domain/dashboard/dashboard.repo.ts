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

/** Requests created per calendar day (UTC) since `since`, by their status now. */
export async function countRequestsPerDay(db: Executor, agencyId: string, since: string): Promise<{ day: string; status: RequestStatus; count: number }[]> {
  const rows = await db
    .selectFrom('access_requests')
    .select([(eb) => eb.fn<string>('substr', ['created_at', eb.val(1), eb.val(10)]).as('day'), 'status', (eb) => eb.fn.countAll().as('count')])
    .where('agency_id', '=', agencyId)
    .where('created_at', '>=', since)
    .groupBy(['day', 'status'])
    .execute();
  return rows.map((r) => ({ day: r.day, status: r.status, count: Number(r.count) }));
}

/** Instants that split the removals due by the end of today into how late they are. */
export interface LatenessBounds {
  /** The start of the agency's tomorrow: removals due before it are due or late. */
  tomorrow: string;
  today: string;
  fiveDaysAgo: string;
}

/** The agency's removals still scheduled and due by the end of today, by how late they are. */
export async function countLateRemovals(db: Executor, agencyId: string, bounds: LatenessBounds): Promise<{ dueToday: number; lateUpToFiveDays: number; lateOverFiveDays: number }> {
  const row = await db
    .selectFrom('scheduled_removals')
    .select((eb) => {
      const countFrom = (from: string, to: string) => eb.fn.sum<string | number | null>(eb.case().when(eb.and([eb('due_at', '>=', from), eb('due_at', '<', to)])).then(1).else(0).end());
      return [
        countFrom(bounds.today, bounds.tomorrow).as('dueToday'),
        countFrom(bounds.fiveDaysAgo, bounds.today).as('lateUpToFiveDays'),
        eb.fn.sum<string | number | null>(eb.case().when('due_at', '<', bounds.fiveDaysAgo).then(1).else(0).end()).as('lateOverFiveDays'),
      ];
    })
    .where('agency_id', '=', agencyId)
    .where('status', '=', 'scheduled')
    .where('due_at', '<', bounds.tomorrow)
    .executeTakeFirstOrThrow();
  return { dueToday: Number(row.dueToday ?? 0), lateUpToFiveDays: Number(row.lateUpToFiveDays ?? 0), lateOverFiveDays: Number(row.lateOverFiveDays ?? 0) };
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
