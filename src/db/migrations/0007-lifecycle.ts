import type { Kysely } from 'kysely';

/**
 * Movers, leave of absence, coverage and exceptions: per-agency lifecycle settings, removals
 * scheduled by a job change, leave records with the grants held at their start, coverage given
 * for an absence, and time-bound exceptions decided through an access request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lifecycle_settings')
    .addColumn('agency_id', 'text', (c) => c.primaryKey().references('agencies.id'))
    .addColumn('removal_business_days', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('access_exceptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('function_id', 'text', (c) => c.notNull().references('business_functions.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('days', 'integer', (c) => c.notNull())
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) => c.references('grants.id'))
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'text')
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema.createIndex('access_exceptions_agency_idx').on('access_exceptions').columns(['agency_id', 'status', 'id']).execute();
  await db.schema.createIndex('access_exceptions_due_idx').on('access_exceptions').columns(['status', 'ends_at']).execute();
  await db.schema.createIndex('access_exceptions_worker_idx').on('access_exceptions').columns(['worker_id', 'function_id']).execute();
  await db.schema.createIndex('access_exceptions_request_idx').on('access_exceptions').column('request_id').execute();

  await db.schema
    .createTable('scheduled_removals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('grant_id', 'text', (c) => c.notNull().references('grants.id'))
    .addColumn('function_id', 'text', (c) => c.notNull().references('business_functions.id'))
    .addColumn('lifecycle_event_id', 'text')
    .addColumn('job_type', 'text', (c) => c.notNull())
    .addColumn('risk_level', 'text', (c) => c.notNull())
    .addColumn('exception_id', 'text', (c) => c.references('access_exceptions.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema.createIndex('scheduled_removals_agency_idx').on('scheduled_removals').columns(['agency_id', 'status', 'due_at']).execute();
  await db.schema.createIndex('scheduled_removals_due_idx').on('scheduled_removals').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('scheduled_removals_grant_idx').on('scheduled_removals').column('grant_id').execute();

  await db.schema
    .createTable('leaves')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('returns_on', 'text')
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('returns_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text')
    .addColumn('started_at', 'text')
    .addColumn('returned_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('leaves_worker_idx').on('leaves').columns(['worker_id', 'starts_on']).execute();
  await db.schema.createIndex('leaves_agency_idx').on('leaves').columns(['agency_id', 'status', 'id']).execute();
  await db.schema.createIndex('leaves_start_idx').on('leaves').columns(['status', 'starts_at']).execute();
  await db.schema.createIndex('leaves_return_idx').on('leaves').columns(['status', 'returns_at']).execute();

  await db.schema
    .createTable('coverages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('leave_id', 'text', (c) => c.notNull().references('leaves.id'))
    .addColumn('absent_worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('covering_worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('grant_id', 'text', (c) => c.notNull().references('grants.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('coverages_leave_idx').on('coverages').columns(['leave_id', 'id']).execute();
  await db.schema.createIndex('coverages_due_idx').on('coverages').columns(['status', 'ends_at']).execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Gatehouse migrations are forward-only; restore a backup to go back.'));
}
