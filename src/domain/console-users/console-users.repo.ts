import type { Updateable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { ConsoleSessionsTable, ConsoleUsersTable, Role } from '../../db/schema.ts';

export interface StoredUser {
  id: string;
  principalId: string;
  login: string;
  name: string;
  email: string | null;
  oidcSubject: string | null;
  passwordHash: string | null;
  failedAttempts: number;
  lockedUntil: string | null;
  disabled: boolean;
  workerId: string | null;
  createdAt: string;
}

function selectUsers(db: Executor) {
  return db
    .selectFrom('console_users as u')
    .innerJoin('principals as p', 'p.id', 'u.principal_id')
    .select([
      'u.id', 'u.principal_id as principalId', 'u.login', 'p.name', 'u.email', 'u.oidc_subject as oidcSubject', 'u.password_hash as passwordHash',
      'u.failed_attempts as failedAttempts', 'u.locked_until as lockedUntil', 'p.disabled', 'p.worker_id as workerId', 'u.created_at as createdAt',
    ]);
}

type Row = Omit<StoredUser, 'disabled'> & { disabled: 0 | 1 };

function toUser(row: Row | undefined): StoredUser | undefined {
  return row && { ...row, disabled: row.disabled === 1 };
}

export async function insertUser(db: Executor, row: ConsoleUsersTable): Promise<void> {
  await db.insertInto('console_users').values(row).execute();
}

export async function updateUser(db: Executor, id: string, patch: Updateable<ConsoleUsersTable>): Promise<void> {
  await db.updateTable('console_users').set(patch).where('id', '=', id).execute();
}

export async function findUserById(db: Executor, id: string): Promise<StoredUser | undefined> {
  return toUser(await selectUsers(db).where('u.id', '=', id).executeTakeFirst());
}

export async function findUserByLogin(db: Executor, login: string): Promise<StoredUser | undefined> {
  return toUser(await selectUsers(db).where('u.login', '=', login).executeTakeFirst());
}

export async function findUserBySubject(db: Executor, subject: string): Promise<StoredUser | undefined> {
  return toUser(await selectUsers(db).where('u.oidc_subject', '=', subject).executeTakeFirst());
}

/** Users with that email not yet linked to a subject; single sign-on links only an unambiguous one. */
export async function findUnlinkedByEmail(db: Executor, email: string): Promise<StoredUser[]> {
  const rows = await selectUsers(db).where('u.email', '=', email).where('u.oidc_subject', 'is', null).limit(2).execute();
  return rows.map((r) => toUser(r) as StoredUser);
}

export async function listRoles(db: Executor, principalIds: string[]): Promise<{ principalId: string; role: Role; agencyId: string | null }[]> {
  if (principalIds.length === 0) return [];
  return db.selectFrom('role_assignments').select(['principal_id as principalId', 'role', 'agency_id as agencyId']).where('principal_id', 'in', principalIds).execute();
}

/** Console users holding a role in the agency, by login, searched by login or name prefix. */
export async function listAgencyUsers(db: Executor, query: { agencyId: string; search?: string | undefined; afterLogin?: string | undefined; limit: number }): Promise<StoredUser[]> {
  let q = selectUsers(db).where((eb) => eb.exists(eb.selectFrom('role_assignments as r').select('r.id').whereRef('r.principal_id', '=', 'u.principal_id').where('r.agency_id', '=', query.agencyId)));
  if (query.search) {
    const prefix = `${query.search.toLowerCase()}%`;
    q = q.where((eb) => eb.or([eb('u.login', 'like', prefix), eb('p.name', 'like', `${query.search}%`)]));
  }
  if (query.afterLogin) q = q.where('u.login', '>', query.afterLogin);
  const rows = await q.orderBy('u.login').limit(query.limit).execute();
  return rows.map((r) => toUser(r) as StoredUser);
}

export async function insertSession(db: Executor, row: ConsoleSessionsTable): Promise<void> {
  await db.insertInto('console_sessions').values(row).execute();
}

export async function findSession(db: Executor, idHash: string): Promise<ConsoleSessionsTable | undefined> {
  return db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

export async function revokeSession(db: Executor, idHash: string, at: string): Promise<void> {
  await db.updateTable('console_sessions').set({ revoked_at: at }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).execute();
}

/** Revokes every live session of the user; returns how many. */
export async function revokeUserSessions(db: Executor, userId: string, at: string): Promise<number> {
  const result = await db.updateTable('console_sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
