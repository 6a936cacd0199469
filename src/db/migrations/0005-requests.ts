import type { Kysely } from 'kysely';

/**
 * Assessments, access requests and their approval workflow: versioned approval policies,
 * per-request stages frozen at submission, decisions, delegations, separation-of-duties rules
 * and the worker's acknowledgment of the access agreement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('approval_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('approval_policies_version_unique', ['agency_id', 'version'])
    .execute();

  await db.schema
    .createTable('access_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('subject_worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('requester_principal_id', 'text', (c) => c.notNull())
    .addColumn('requester_worker_id', 'text')
    .addColumn('assessment_id', 'text')
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('risk_level', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer')
    .addColumn('sod_conflicts', 'text', (c) => c.notNull())
    .addColumn('failure', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema.createIndex('access_requests_agency_idx').on('access_requests').columns(['agency_id', 'status', 'id']).execute();
  await db.schema.createIndex('access_requests_subject_idx').on('access_requests').columns(['subject_worker_id', 'id']).execute();

  await db.schema
    .createTable('request_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('function_id', 'text', (c) => c.references('business_functions.id'))
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('grant_id', 'text', (c) => c.references('grants.id'))
    .addColumn('valid_from', 'text')
    .addColumn('valid_to', 'text')
    .addColumn('beyond_template', 'integer', (c) => c.notNull())
    .addColumn('justification', 'text')
    .execute();
  await db.schema.createIndex('request_items_request_idx').on('request_items').columns(['request_id', 'position']).execute();

  await db.schema
    .createTable('request_stages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('quorum', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('approver_ids', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('escalated', 'integer', (c) => c.notNull())
    .addColumn('activated_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema.createIndex('request_stages_request_idx').on('request_stages').columns(['request_id', 'position']).execute();
  await db.schema.createIndex('request_stages_due_idx').on('request_stages').columns(['status', 'due_at']).execute();

  await db.schema
    .createTable('request_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('stage_id', 'text', (c) => c.notNull().references('request_stages.id'))
    .addColumn('approver_worker_id', 'text', (c) => c.notNull())
    .addColumn('decided_by_worker_id', 'text')
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('request_decisions_stage_approver_unique', ['stage_id', 'approver_worker_id'])
    .execute();

  await db.schema
    .createTable('delegations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('deputy_worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delegations_deputy_idx').on('delegations').columns(['deputy_worker_id', 'starts_on']).execute();

  await db.schema
    .createTable('sod_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('function_a_id', 'text', (c) => c.notNull().references('business_functions.id'))
    .addColumn('function_b_id', 'text', (c) => c.notNull().references('business_functions.id'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('sod_rules_pair_unique', ['agency_id', 'function_a_id', 'function_b_id'])
    .execute();

  await db.schema
    .createTable('assessments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('survey_version', 'text', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('proposal', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('assessed_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assessments_worker_idx').on('assessments').columns(['worker_id', 'id']).execute();

  await db.schema
    .createTable('acknowledgments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('workers.id'))
    .addColumn('agreement_version', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('acknowledgments_worker_version_unique', ['worker_id', 'agreement_version'])
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Gatehouse migrations are forward-only; restore a backup to go back.'));
}
