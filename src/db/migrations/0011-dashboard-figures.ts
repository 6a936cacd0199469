import type { Kysely } from 'kysely';

/**
 * The dashboard on a large agency. Counting the grants held beyond the job templates means
 * reading every live grant with its worker's job (about 0.3 s for 100,000 workers on SQLite,
 * even from covering indexes), so a timer counts them and keeps one row per agency for the
 * dashboard to read. Requests per day are read by creation date, not through every request the
 * agency ever had; the index leaves out the status, which every decision changes, so deciding a
 * request does not rewrite it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('beyond_template_counts')
    .addColumn('agency_id', 'text', (c) => c.primaryKey().references('agencies.id'))
    .addColumn('counted_at', 'text', (c) => c.notNull())
    .addColumn('live_grants', 'integer', (c) => c.notNull())
    .addColumn('beyond_grants', 'integer', (c) => c.notNull())
    .addColumn('beyond_workers', 'integer', (c) => c.notNull())
    .addColumn('by_function', 'text', (c) => c.notNull())
    .addColumn('by_unit', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_requests_agency_created_idx').on('access_requests').columns(['agency_id', 'created_at']).execute();
}
