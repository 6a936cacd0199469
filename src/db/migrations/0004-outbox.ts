import type { Kysely } from 'kysely';

/**
 * The outbox: one row per account whose state must still reach a connected application, written in
 * the same transaction as the change; and what each application last confirmed for each account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().unique().references('accounts.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['application_id', 'status', 'due_at']).execute();
  await db.schema.createIndex('outbox_list_idx').on('outbox').columns(['application_id', 'status', 'id']).execute();

  await db.schema
    .createTable('connector_accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('remote_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('connector_accounts_application_idx').on('connector_accounts').columns(['application_id', 'remote_id']).execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Gatehouse migrations are forward-only; restore a backup to go back.'));
}
