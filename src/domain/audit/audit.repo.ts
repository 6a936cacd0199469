import { bulkInsert } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/database.ts';
import { prepareQuery } from '../../db/prepared-query.ts';
import type { AuditEventRow } from '../../db/schema.ts';

interface ChainHead {
  seq: number;
  hash: string;
}

function presentHead([head]: ChainHead[]): ChainHead {
  if (!head) throw new Error('The audit chain head row is missing; run the migrations.');
  return head;
}

// Every audited change runs these: prepared once.
const lockHead = prepareQuery((db) => db.updateTable('audit_chain_head').set((eb) => ({ seq: eb.ref('seq') })).where('id', '=', 1).returning(['seq', 'hash']));
const selectHead = prepareQuery((db) => db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1));
const moveHead = prepareQuery((db, p: { seq: number; hash: string }) => db.updateTable('audit_chain_head').set({ seq: p.seq, hash: p.hash }).where('id', '=', 1));

/**
 * Takes the chain's write lock for the rest of the transaction and reads the head: a no-op update
 * locks the head row on PostgreSQL and takes the database write lock on SQLite, so appends never
 * fork the chain.
 */
export async function lockChainHead(db: Executor): Promise<ChainHead> {
  return presentHead((await lockHead(db, {})).rows);
}

export async function appendEvents(db: Executor, events: AuditEventRow[]): Promise<void> {
  const last = events.at(-1);
  if (!last) return;
  await bulkInsert(db, 'audit_events', events);
  await moveHead(db, { seq: last.seq, hash: last.hash });
}

export async function readChainHead(db: Executor): Promise<ChainHead> {
  return presentHead((await selectHead(db, {})).rows);
}

/** Streams the whole log in sequence order, a batch at a time. */
export async function* readEventsInOrder(db: Executor, batchSize = 5000): AsyncGenerator<AuditEventRow[]> {
  let after = -1;
  for (;;) {
    const batch = await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(batchSize).execute();
    if (batch.length === 0) return;
    yield batch;
    after = batch[batch.length - 1]!.seq;
  }
}

export interface AuditQuery {
  agencyIds: 'all' | string[];
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  action?: string | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

/** Newest first. */
export async function listEvents(db: Executor, query: AuditQuery): Promise<AuditEventRow[]> {
  let q = db.selectFrom('audit_events').selectAll();
  if (query.agencyIds !== 'all') {
    if (query.agencyIds.length === 0) return [];
    q = q.where('agency_id', 'in', query.agencyIds);
  }
  if (query.subjectType) q = q.where('subject_type', '=', query.subjectType);
  if (query.subjectId) q = q.where('subject_id', '=', query.subjectId);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.beforeSeq !== undefined) q = q.where('seq', '<', query.beforeSeq);
  return q.orderBy('seq', 'desc').limit(query.limit).execute();
}
