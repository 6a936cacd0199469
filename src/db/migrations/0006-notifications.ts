import type { Kysely } from 'kysely';

/**
 * Notification emails and agency surveys: the mail outbox (one row per email, written with the
 * change that caused it and sent after commit), when each active stage is next due a reminder,
 * the versioned assessment surveys agencies define for themselves, and indexes to find a
 * request's decisions and an approver's deputies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient_worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('to_address', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_outbox_due_idx').on('mail_outbox').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('mail_outbox_recipient_idx').on('mail_outbox').columns(['recipient_worker_id', 'kind', 'created_at']).execute();

  await db.schema.alterTable('request_stages').addColumn('next_reminder_at', 'text').execute();
  // Every read of a request reads its decisions; without this they are a scan of every decision ever made.
  await db.schema.createIndex('delegations_worker_idx').on('delegations').columns(['worker_id', 'starts_on']).execute();
  await db.schema.createIndex('request_decisions_request_idx').on('request_decisions').columns(['request_id', 'decided_at']).execute();
  await db.schema.createIndex('request_stages_reminder_idx').on('request_stages').columns(['status', 'next_reminder_at']).execute();

  await db.schema
    .createTable('assessment_surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('assessment_surveys_version_unique', ['agency_id', 'version'])
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Gatehouse migrations are forward-only; restore a backup to go back.'));
}
