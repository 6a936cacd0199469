import type { Executor } from '../../db/database.ts';

/**
 * Pending requests whose active stage waits for one of the seats (the worker's own, or those of
 * workers they deputise for today) and that seat has not decided yet; requests the worker made
 * or is the subject of are left out. By request id, after `afterId`.
 */
export async function listInboxRequestIds(db: Executor, query: { workerId: string; agencyId: string; seats: string[]; afterId?: string | undefined; limit: number }): Promise<string[]> {
  if (query.seats.length === 0) return [];
  let q = db
    .selectFrom('request_stages as s')
    .innerJoin('access_requests as r', 'r.id', 's.request_id')
    .select('r.id')
    .where('s.status', '=', 'active')
    .where('r.status', '=', 'pending')
    .where('r.agency_id', '=', query.agencyId)
    .where('r.subject_worker_id', '!=', query.workerId)
    .where((eb) => eb.or([eb('r.requester_worker_id', 'is', null), eb('r.requester_worker_id', '!=', query.workerId)]))
    .where((eb) =>
      eb.or(
        // Worker ids are checked UUIDs, so they hold no LIKE wildcard.
        query.seats.map((seat) =>
          eb.and([
            eb('s.approver_ids', 'like', `%"${seat}"%`),
            eb.not(eb.exists(eb.selectFrom('request_decisions as d').select('d.id').whereRef('d.stage_id', '=', 's.id').where('d.approver_worker_id', '=', seat))),
          ]),
        ),
      ),
    );
  if (query.afterId) q = q.where('r.id', '>', query.afterId);
  const rows = await q.orderBy('r.id').limit(query.limit).execute();
  return rows.map((r) => r.id);
}

export interface HeldGrant {
  grantId: string;
  kind: 'function' | 'unit_hierarchy';
  functionId: string | null;
  code: string | null;
  unitId: string | null;
  validTo: string | null;
}

/** The account's live grants, with function codes. */
export async function listHeldGrants(db: Executor, accountId: string, at: string): Promise<HeldGrant[]> {
  return db
    .selectFrom('grants as g')
    .leftJoin('business_functions as f', 'f.id', 'g.function_id')
    .select(['g.id as grantId', 'g.kind', 'g.function_id as functionId', 'f.code', 'g.unit_id as unitId', 'g.valid_to as validTo'])
    .where('g.account_id', '=', accountId)
    .where('g.valid_from', '<=', at)
    .where((eb) => eb.or([eb('g.valid_to', 'is', null), eb('g.valid_to', '>', at)]))
    .where('g.revoked_at', 'is', null)
    .orderBy('g.id')
    .execute();
}

export async function findAccountPlacement(db: Executor, accountId: string): Promise<{ unitId: string; status: string } | undefined> {
  return db.selectFrom('accounts').select(['unit_id as unitId', 'status']).where('id', '=', accountId).executeTakeFirst();
}
