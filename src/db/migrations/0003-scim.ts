import type { Kysely } from 'kysely';

/**
 * The SCIM 2.0 service provider: client tokens per agency, the SCIM view of directory workers
 * (the full resource as the client sent it, for attributes Gatehouse does not model), and the
 * directory groups a client pushes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scim_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('source_id', 'text', (c) => c.notNull().references('sync_sources.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('scim_users')
    .addColumn('worker_id', 'text', (c) => c.primaryKey().references('workers.id'))
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('external_id', 'text')
    .addColumn('display_key', 'text')
    .addColumn('emails', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scim_users_agency_idx').on('scim_users').columns(['agency_id', 'worker_id']).execute();
  await db.schema.createIndex('scim_users_external_idx').on('scim_users').columns(['agency_id', 'external_id']).unique().execute();

  await db.schema
    .createTable('scim_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('display_key', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('scim_groups_agency_name_unique', ['agency_id', 'display_key'])
    .execute();
  await db.schema.createIndex('scim_groups_external_idx').on('scim_groups').columns(['agency_id', 'external_id']).unique().execute();

  await db.schema
    .createTable('scim_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('scim_groups.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addPrimaryKeyConstraint('scim_group_members_pk', ['group_id', 'worker_id'])
    .execute();
  await db.schema.createIndex('scim_group_members_worker_idx').on('scim_group_members').columns(['worker_id', 'group_id']).execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Gatehouse migrations are forward-only; restore a backup to go back.'));
}
