import type { ExpressionBuilder } from 'kysely';
import { bulkInsert } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/database.ts';
import { prepareListQuery, prepareQuery } from '../../db/prepared-query.ts';
import type { DB, MailOutboxTable } from '../../db/schema.ts';

export interface Recipient {
  id: string;
  agencyId: string;
  email: string | null;
  name: string;
}

/** The workers' names and email addresses, for addressing notifications. */
// Every notification addresses its recipients: prepared once per list length.
const recipientsById = prepareListQuery((db, ids) => db.selectFrom('workers').select(['id', 'agency_id', 'email', 'first_name', 'last_name']).where('id', 'in', ids as string[]));
const deputiesOn = prepareListQuery((db, ids, p: { date: string }) =>
  db
    .selectFrom('delegations')
    .select(['deputy_worker_id as deputyId', 'worker_id as forWorkerId'])
    .where('worker_id', 'in', ids as string[])
    .where('starts_on', '<=', p.date)
    .where('ends_on', '>=', p.date),
);

export async function findRecipients(db: Executor, workerIds: readonly string[]): Promise<Recipient[]> {
  const rows = await recipientsById(db, [...new Set(workerIds)], {});
  return rows.map((r) => ({ id: r.id, agencyId: r.agency_id, email: r.email, name: `${r.first_name} ${r.last_name}` }));
}

/** Deputies whose delegation covers `date`, with the workers they stand in for. */
export async function findDeputiesOn(db: Executor, workerIds: readonly string[], date: string): Promise<{ deputyId: string; forWorkerId: string }[]> {
  return deputiesOn(db, [...new Set(workerIds)], { date });
}

const agencyTimeZone = prepareQuery((db, p: { agencyId: string }) => db.selectFrom('agencies').select('time_zone').where('id', '=', p.agencyId));

export async function findAgencyTimeZone(db: Executor, agencyId: string): Promise<string> {
  return (await agencyTimeZone(db, { agencyId })).rows[0]?.time_zone ?? 'UTC';
}

export async function insertMails(db: Executor, rows: MailOutboxTable[]): Promise<void> {
  await bulkInsert(db, 'mail_outbox', rows);
}

export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  body: string;
  attempts: number;
}

/**
 * Leases up to `limit` due mails to `owner` until `leaseUntil`; the conditional update lets
 * several nodes claim at once, each mail going to whichever update reaches it first.
 */
export async function claimDueMails(db: Executor, claim: { now: string; limit: number; owner: string; leaseUntil: string }): Promise<OutgoingMail[]> {
  const free = (eb: ExpressionBuilder<DB, 'mail_outbox'>) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', claim.now)]);
  const ids = await db.selectFrom('mail_outbox').select('id').where('status', '=', 'pending').where('due_at', '<=', claim.now).where(free).orderBy('due_at').limit(claim.limit).execute();
  if (ids.length === 0) return [];
  const idList = ids.map((r) => r.id);
  await db.updateTable('mail_outbox').set({ lease_owner: claim.owner, lease_expires_at: claim.leaseUntil }).where('id', 'in', idList).where('status', '=', 'pending').where(free).execute();
  const rows = await db
    .selectFrom('mail_outbox')
    .select(['id', 'to_address', 'subject', 'body', 'attempts'])
    .where('id', 'in', idList)
    .where('lease_owner', '=', claim.owner)
    .where('lease_expires_at', '=', claim.leaseUntil)
    .execute();
  return rows.flatMap((r) => (r.to_address === null ? [] : [{ id: r.id, to: r.to_address, subject: r.subject, body: r.body, attempts: r.attempts }]));
}

export async function markSent(db: Executor, id: string, owner: string, at: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({ status: 'sent', sent_at: at, attempts: eb('attempts', '+', 1), lease_owner: null, lease_expires_at: null }))
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Records a failed attempt: due again at `retryAt`, or failed for good when `retryAt` is null. */
export async function recordMailFailure(db: Executor, id: string, owner: string, failure: { error: string; retryAt: string | null }): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({
      status: failure.retryAt === null ? 'failed' : 'pending',
      attempts: eb('attempts', '+', 1),
      last_error: failure.error.slice(0, 2000),
      ...(failure.retryAt === null ? {} : { due_at: failure.retryAt }),
      lease_owner: null,
      lease_expires_at: null,
    }))
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

