import type { Executor } from '../../db/database.ts';
import { prepareQuery } from '../../db/prepared-query.ts';
import type { AgencyRow } from '../../db/schema.ts';
import type { Agency } from './agencies.schemas.ts';

type AgencyWithHolding = AgencyRow & { holding_unit_id: string | null };

function baseQuery(db: Executor) {
  return db
    .selectFrom('agencies as a')
    .leftJoin('units as u', (join) => join.onRef('u.agency_id', '=', 'a.id').on('u.is_holding', '=', 1))
    .selectAll('a')
    .select('u.id as holding_unit_id');
}

function toAgency(row: AgencyWithHolding): Agency {
  return { id: row.id, code: row.code, name: row.name, kind: row.kind, timeZone: row.time_zone, holdingUnitId: row.holding_unit_id ?? '', createdAt: row.created_at };
}

export async function insertAgency(db: Executor, row: AgencyRow): Promise<void> {
  await db.insertInto('agencies').values(row).execute();
}

// Nearly every call checks its agency: prepared once.
const agencyById = prepareQuery((db, p: { id: string }) => baseQuery(db).where('a.id', '=', p.id));

export async function findAgency(db: Executor, id: string): Promise<Agency | undefined> {
  const [row] = (await agencyById(db, { id })).rows;
  return row && toAgency(row);
}

export async function findAgencyByCode(db: Executor, code: string): Promise<Agency | undefined> {
  const row = await baseQuery(db).where('a.code', '=', code).executeTakeFirst();
  return row && toAgency(row);
}

export async function listAgencies(db: Executor, filter: { ids: 'all' | string[]; afterCode?: string | undefined; limit: number }): Promise<Agency[]> {
  if (filter.ids !== 'all' && filter.ids.length === 0) return [];
  let q = baseQuery(db);
  if (filter.ids !== 'all') q = q.where('a.id', 'in', filter.ids);
  if (filter.afterCode) q = q.where('a.code', '>', filter.afterCode);
  const rows = await q.orderBy('a.code').limit(filter.limit).execute();
  return rows.map(toAgency);
}
