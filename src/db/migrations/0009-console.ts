import type { Kysely } from 'kysely';

/**
 * The web console's sign-in: console accounts (a password, an OpenID Connect subject, or both)
 * each linked to a principal that carries the roles, and server-side sessions stored by the hash
 * of their id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('console_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('principal_id', 'text', (c) => c.notNull().unique().references('principals.id'))
    .addColumn('login', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('oidc_subject', 'text', (c) => c.unique())
    .addColumn('password_hash', 'text')
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_users_email_idx').on('console_users').column('email').execute();

  await db.schema
    .createTable('console_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('console_users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  // Console pages on a large agency: the new-worker queue pages through one unit's active
  // accounts by id, the dashboard counts enabled workers, the audit search filters by action.
  await db.schema.createIndex('accounts_agency_unit_idx').on('accounts').columns(['agency_id', 'unit_id', 'status', 'id']).execute();
  await db.schema.createIndex('workers_agency_enabled_idx').on('workers').columns(['agency_id', 'enabled']).execute();
  await db.schema.createIndex('audit_events_agency_action_idx').on('audit_events').columns(['agency_id', 'action', 'seq']).execute();

  await db.schema.createIndex('console_sessions_user_idx').on('console_sessions').columns(['user_id', 'revoked_at']).execute();
}
