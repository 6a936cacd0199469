import type { Kysely } from 'kysely';

/**
 * The directory import matches an agency's built-in workers by external id; they have no source,
 * so the index on (source_id, external_id) does not serve it and each chunk read the agency's
 * every worker.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('workers_agency_external_idx').on('workers').columns(['agency_id', 'external_id']).execute();
}
