import { type Kysely, sql } from 'kysely';

/**
 * Leaver cases: one per departure, opened when the worker is disabled, closed when every account
 * is end-dated (or cancelled when the worker is enabled again first); and each agency's deadline
 * for end-dating a leaver.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('leaver_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('sync_run_id', 'text')
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('escalated_at', 'text')
    .addColumn('work_reassigned_at', 'text')
    .addColumn('end_dated_at', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // A worker has at most one open case: a second disable while one is open changes nothing.
  await db.schema.createIndex('leaver_cases_open_worker_unique').unique().on('leaver_cases').column('worker_id').where(sql.ref('status'), '=', sql.lit('open')).execute();
  await db.schema.createIndex('leaver_cases_queue_idx').on('leaver_cases').columns(['agency_id', 'status', 'due_at']).execute();
  await db.schema.createIndex('leaver_cases_detected_idx').on('leaver_cases').columns(['agency_id', 'detected_at']).execute();
  await db.schema.createIndex('leaver_cases_worker_idx').on('leaver_cases').columns(['worker_id', 'detected_at']).execute();

  // The terminations timer looks up workers whose termination date has come.
  await db.schema.createIndex('workers_termination_idx').on('workers').columns(['termination_date', 'agency_id']).execute();

  await db.schema
    .createTable('leaver_settings')
    .addColumn('agency_id', 'text', (c) => c.primaryKey().references('agencies.id'))
    .addColumn('end_date_business_days', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Gatehouse migrations are forward-only; restore a backup to go back.'));
}
