import type { Kysely } from 'kysely';

/** The agreement version in force when this migration was written; the workers it schedules had not acknowledged it. */
const agreementVersion = '2026-01';
const reminderGapMs = 2 * 86_400_000;

/**
 * Who still owes an acknowledgment of the access agreement, and when they are next reminded. The
 * reminder timer used to find them by reading every provisioned request of every agency, once a
 * minute: 75 to 110 ms at 100,000 workers, about a second at a million, with every request to the
 * server waiting. Now it reads the reminders that are due. The workers who owe one today are
 * scheduled from the provisioned requests, each reminded two days after the last acknowledgment
 * email they got (at once if none).
 */
/** The tables as they stand at this migration, so it keeps compiling whatever the schema becomes. */
interface TablesNow {
  access_requests: { subject_worker_id: string; agency_id: string; status: string };
  acknowledgments: { id: string; worker_id: string; agreement_version: string };
  mail_outbox: { recipient_worker_id: string; kind: string; created_at: string };
  acknowledgment_reminders: { worker_id: string; agency_id: string; agreement_version: string; next_reminder_at: string };
}

export async function up(schemaDb: Kysely<unknown>): Promise<void> {
  const db = schemaDb as unknown as Kysely<TablesNow>;
  await db.schema
    .createTable('acknowledgment_reminders')
    .addColumn('worker_id', 'text', (c) => c.primaryKey().references('workers.id'))
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('agreement_version', 'text', (c) => c.notNull())
    .addColumn('next_reminder_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('acknowledgment_reminders_due_idx').on('acknowledgment_reminders').columns(['next_reminder_at', 'worker_id']).execute();

  const owing = await db
    .selectFrom('access_requests as r')
    .select(['r.subject_worker_id as workerId', 'r.agency_id as agencyId'])
    .distinct()
    .where('r.status', '=', 'provisioned')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('acknowledgments as a').select('a.id').whereRef('a.worker_id', '=', 'r.subject_worker_id').where('a.agreement_version', '=', agreementVersion))))
    .execute();
  const lastMails = await db
    .selectFrom('mail_outbox')
    .select(['recipient_worker_id as workerId', (eb) => eb.fn.max('created_at').as('lastAt')])
    .where('kind', 'in', ['acknowledgment_needed', 'acknowledgment_reminder'])
    .groupBy('recipient_worker_id')
    .execute();
  const lastMailAt = new Map(lastMails.map((m) => [m.workerId, m.lastAt]));
  const now = new Date().toISOString();
  // A worker is scheduled once, in the agency of their first request found.
  const agencyOf = new Map<string, string>();
  for (const { workerId, agencyId } of owing) if (!agencyOf.has(workerId)) agencyOf.set(workerId, agencyId);
  const reminders = [...agencyOf].map(([workerId, agencyId]) => {
    const last = lastMailAt.get(workerId);
    return { worker_id: workerId, agency_id: agencyId, agreement_version: agreementVersion, next_reminder_at: last ? new Date(Date.parse(last) + reminderGapMs).toISOString() : now };
  });
  // 500 rows (2,000 values) a statement: under both databases' limits on bound values.
  for (let start = 0; start < reminders.length; start += 500) await db.insertInto('acknowledgment_reminders').values(reminders.slice(start, start + 500)).execute();
}
