import type { Executor } from '../../db/database.ts';
import type { BusinessFunctionRow } from '../../db/schema.ts';
import type { BusinessFunction } from './functions.schemas.ts';

function toFunction(row: BusinessFunctionRow): BusinessFunction {
  return {
    id: row.id,
    applicationId: row.application_id,
    code: row.code,
    name: row.name,
    description: row.description,
    securityAttributes: JSON.parse(row.security_attributes) as string[],
    riskLevel: row.risk_level,
    ownerWorkerId: row.owner_worker_id,
    requestable: row.requestable === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(fn: BusinessFunction): BusinessFunctionRow {
  return {
    id: fn.id,
    application_id: fn.applicationId,
    code: fn.code,
    name: fn.name,
    description: fn.description,
    security_attributes: JSON.stringify(fn.securityAttributes),
    risk_level: fn.riskLevel,
    owner_worker_id: fn.ownerWorkerId,
    requestable: fn.requestable ? 1 : 0,
    created_at: fn.createdAt,
    updated_at: fn.updatedAt,
  };
}

export async function insertFunction(db: Executor, fn: BusinessFunction): Promise<void> {
  await db.insertInto('business_functions').values(toRow(fn)).execute();
}

/** Writes every field but the id, application and creation time. */
export async function updateFunction(db: Executor, fn: BusinessFunction): Promise<void> {
  const row = toRow(fn);
  await db
    .updateTable('business_functions')
    .set({
      code: row.code, name: row.name, description: row.description, security_attributes: row.security_attributes, risk_level: row.risk_level,
      owner_worker_id: row.owner_worker_id, requestable: row.requestable, updated_at: row.updated_at,
    })
    .where('id', '=', fn.id)
    .execute();
}

export async function findFunction(db: Executor, id: string): Promise<BusinessFunction | undefined> {
  const row = await db.selectFrom('business_functions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toFunction(row);
}

export async function listFunctions(db: Executor, filter: { applicationId: string; afterCode?: string | undefined; limit: number }): Promise<BusinessFunction[]> {
  let q = db.selectFrom('business_functions').selectAll().where('application_id', '=', filter.applicationId);
  if (filter.afterCode) q = q.where('code', '>', filter.afterCode);
  const rows = await q.orderBy('code').limit(filter.limit).execute();
  return rows.map(toFunction);
}

/** Which of `ids` are functions of the application. */
export async function findFunctionIdsOf(db: Executor, applicationId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('business_functions').select('id').where('application_id', '=', applicationId).where('id', 'in', ids).execute();
  return rows.map((r) => r.id);
}

export async function workerExists(db: Executor, id: string): Promise<boolean> {
  const row = await db.selectFrom('workers').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}
