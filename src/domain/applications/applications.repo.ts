import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { ApplicationRow, ApplicationsTable } from '../../db/schema.ts';
import type { Application } from './applications.schemas.ts';

function toApplication(row: ApplicationRow): Application {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    config: JSON.parse(row.config) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertApplication(db: Executor, row: Insertable<ApplicationsTable>): Promise<void> {
  await db.insertInto('applications').values(row).execute();
}

/** Inserts unless an application with the same code exists; safe to run any number of times. */
export async function insertApplicationIfAbsent(db: Executor, row: Insertable<ApplicationsTable>): Promise<void> {
  await db.insertInto('applications').values(row).onConflict((oc) => oc.column('code').doNothing()).execute();
}

export async function findApplication(db: Executor, id: string): Promise<Application | undefined> {
  const row = await db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toApplication(row);
}

/** The applications every worker gets an account in when they join: the built-in ones (CONNECTIONS). */
export async function listProvisionedApplications(db: Executor): Promise<{ id: string; code: string }[]> {
  return db.selectFrom('applications').select(['id', 'code']).where('kind', '=', 'builtin').orderBy('code').execute();
}

export async function findApplicationByCode(db: Executor, code: string): Promise<Application | undefined> {
  const row = await db.selectFrom('applications').selectAll().where('code', '=', code).executeTakeFirst();
  return row && toApplication(row);
}

export async function updateApplication(db: Executor, id: string, patch: { name: string; config: string; updated_at: string }): Promise<void> {
  await db.updateTable('applications').set(patch).where('id', '=', id).execute();
}

export async function listApplications(db: Executor, filter: { afterCode?: string | undefined; limit: number }): Promise<Application[]> {
  let q = db.selectFrom('applications').selectAll();
  if (filter.afterCode) q = q.where('code', '>', filter.afterCode);
  const rows = await q.orderBy('code').limit(filter.limit).execute();
  return rows.map(toApplication);
}
