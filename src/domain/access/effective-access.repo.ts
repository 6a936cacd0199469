import type { Executor } from '../../db/database.ts';

export async function findWorkerScope(db: Executor, workerId: string): Promise<{ id: string; agencyId: string; timeZone: string } | undefined> {
  return db
    .selectFrom('workers as w')
    .innerJoin('agencies as a', 'a.id', 'w.agency_id')
    .select(['w.id', 'w.agency_id as agencyId', 'a.time_zone as timeZone'])
    .where('w.id', '=', workerId)
    .executeTakeFirst();
}

export async function findApplicationId(db: Executor, by: { id: string } | { code: string }): Promise<string | undefined> {
  let q = db.selectFrom('applications').select('id');
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('code', '=', by.code);
  const row = await q.executeTakeFirst();
  return row?.id;
}

export async function listFunctionsById(db: Executor, ids: string[]): Promise<{ id: string; code: string; name: string; securityAttributes: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('business_functions').select(['id', 'code', 'name', 'security_attributes as securityAttributes']).where('id', 'in', ids).execute();
}

export interface UnitNode {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
}

/** The agency's whole unit tree as it is now, ordered by code. */
export async function listAgencyUnits(db: Executor, agencyId: string): Promise<UnitNode[]> {
  return db.selectFrom('units').select(['id', 'code', 'name', 'parent_id as parentId']).where('agency_id', '=', agencyId).orderBy('code').execute();
}
