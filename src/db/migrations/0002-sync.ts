import type { Kysely } from 'kysely';

/** Directory sources, sync runs, lifecycle events for the lifecycle engine, and database leases. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('watermark', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('sync_sources_agency_name_unique', ['agency_id', 'name'])
    .execute();

  await db.schema.alterTable('workers').addColumn('source_id', 'text', (c) => c.references('sync_sources.id')).execute();
  await db.schema.alterTable('workers').addColumn('source_hash', 'text').execute();
  await db.schema.createIndex('workers_source_external_unique').on('workers').columns(['source_id', 'external_id']).unique().execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('sync_sources.id'))
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('problems', 'text', (c) => c.notNull())
    .addColumn('plan_file', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('sync_runs_source_idx').on('sync_runs').columns(['source_id', 'started_at']).execute();

  await db.schema
    .createTable('lifecycle_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addColumn('sync_run_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('handled_at', 'text')
    .execute();
  await db.schema.createIndex('lifecycle_events_open_idx').on('lifecycle_events').columns(['agency_id', 'kind', 'handled_at']).execute();
  await db.schema.createIndex('lifecycle_events_worker_idx').on('lifecycle_events').columns(['worker_id', 'detected_at']).execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Gatehouse migrations are forward-only; restore a backup to go back.'));
}
