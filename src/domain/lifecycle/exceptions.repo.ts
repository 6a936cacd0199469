import type { Executor } from '../../db/database.ts';
import { prepareQuery } from '../../db/prepared-query.ts';
import type { AccessExceptionsTable, ExceptionStatus, RequestStatus } from '../../db/schema.ts';
import type { AccessException } from './lifecycle.schemas.ts';

const closedRequestStatuses: RequestStatus[] = ['denied', 'expired', 'cancelled', 'failed'];

function selectExceptions(db: Executor) {
  return db
    .selectFrom('access_exceptions as e')
    .innerJoin('workers as w', 'w.id', 'e.worker_id')
    .innerJoin('business_functions as f', 'f.id', 'e.function_id')
    .innerJoin('access_requests as r', 'r.id', 'e.request_id')
    .selectAll('e')
    .select(['w.first_name', 'w.last_name', 'f.code', 'r.status as request_status']);
}

type ExceptionJoinRow = AccessExceptionsTable & { first_name: string; last_name: string; code: string; request_status: string };

function toException(row: ExceptionJoinRow): AccessException {
  // A request closed without approval rejects its exception even before the sweep records it.
  const status = row.status === 'requested' && closedRequestStatuses.includes(row.request_status as RequestStatus) ? 'rejected' : row.status;
  return {
    id: row.id, agencyId: row.agency_id, workerId: row.worker_id, workerName: `${row.first_name} ${row.last_name}`, accountId: row.account_id,
    functionId: row.function_id, functionCode: row.code, kind: row.kind, days: row.days, justification: row.justification, requestId: row.request_id,
    status, grantId: row.grant_id, endsAt: row.ends_at, requestedBy: row.requested_by, createdAt: row.created_at, activatedAt: row.activated_at, closedAt: row.closed_at,
  };
}

export async function insertException(db: Executor, row: AccessExceptionsTable): Promise<void> {
  await db.insertInto('access_exceptions').values(row).execute();
}

export async function findException(db: Executor, id: string): Promise<AccessException | undefined> {
  const row = await selectExceptions(db).where('e.id', '=', id).executeTakeFirst();
  return row && toException(row);
}

// Every provisioned request looks for the exception it decides: prepared once.
const exceptionByRequest = prepareQuery((db, p: { requestId: string }) => db.selectFrom('access_exceptions').selectAll().where('request_id', '=', p.requestId));

export async function findExceptionRowByRequest(db: Executor, requestId: string): Promise<AccessExceptionsTable | undefined> {
  return (await exceptionByRequest(db, { requestId })).rows[0];
}

/** The active keep exception for the worker's function that lasts longest past `at`, if any. */
export async function findLiveKeepException(db: Executor, workerId: string, functionId: string, at: string): Promise<{ id: string; endsAt: string } | undefined> {
  return db
    .selectFrom('access_exceptions')
    .select(['id', 'ends_at as endsAt'])
    .where('worker_id', '=', workerId)
    .where('function_id', '=', functionId)
    .where('kind', '=', 'keep')
    .where('status', '=', 'active')
    .where('ends_at', '>', at)
    .orderBy('ends_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function activateException(db: Executor, id: string, patch: { grantId: string; at: string }): Promise<boolean> {
  const result = await db.updateTable('access_exceptions').set({ status: 'active', grant_id: patch.grantId, activated_at: patch.at }).where('id', '=', id).where('status', '=', 'requested').executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function closeException(db: Executor, id: string, from: ExceptionStatus, to: ExceptionStatus, at: string): Promise<boolean> {
  const result = await db.updateTable('access_exceptions').set({ status: to, closed_at: at }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Active exceptions whose end has come. */
export async function listEndedExceptions(db: Executor, at: string, limit: number): Promise<AccessExceptionsTable[]> {
  return db.selectFrom('access_exceptions').selectAll().where('status', '=', 'active').where('ends_at', '<=', at).orderBy('ends_at').limit(limit).execute();
}

/** Requested exceptions whose request closed without approval. */
export async function listRejectedRequests(db: Executor, limit: number): Promise<AccessExceptionsTable[]> {
  return db
    .selectFrom('access_exceptions as e')
    .innerJoin('access_requests as r', 'r.id', 'e.request_id')
    .selectAll('e')
    .where('e.status', '=', 'requested')
    .where('r.status', 'in', closedRequestStatuses)
    .limit(limit)
    .execute();
}

export async function listExceptions(db: Executor, query: { agencyId: string; status?: ExceptionStatus | undefined; afterId?: string | undefined; limit: number }): Promise<AccessException[]> {
  let q = selectExceptions(db).where('e.agency_id', '=', query.agencyId);
  if (query.status) q = q.where('e.status', '=', query.status);
  if (query.afterId) q = q.where('e.id', '>', query.afterId);
  const rows = await q.orderBy('e.id').limit(query.limit).execute();
  return rows.map(toException);
}
