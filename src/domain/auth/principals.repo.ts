import type { Executor } from '../../db/database.ts';
import { prepareQuery } from '../../db/prepared-query.ts';
import type { PrincipalsTable, Role, RoleAssignmentsTable, ApiTokensTable } from '../../db/schema.ts';
import type { Insertable } from 'kysely';

export async function insertPrincipal(db: Executor, row: Insertable<PrincipalsTable>): Promise<void> {
  await db.insertInto('principals').values(row).execute();
}

export async function insertRoleAssignment(db: Executor, row: Insertable<RoleAssignmentsTable>): Promise<void> {
  await db.insertInto('role_assignments').values(row).execute();
}

export async function insertToken(db: Executor, row: Insertable<ApiTokensTable>): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

export interface TokenOwner {
  tokenId: string;
  expiresAt: string | null;
  revokedAt: string | null;
  principalId: string;
  name: string;
  workerId: string | null;
  disabled: 0 | 1;
  roles: { role: Role; agencyId: string | null }[];
}

// Every API call authenticates with this: prepared once, the owner and their roles in one
// statement (a row per role, one with no role when they hold none).
const tokenOwner = prepareQuery((db, p: { tokenHash: string }) =>
  db
    .selectFrom('api_tokens as t')
    .innerJoin('principals as p', 'p.id', 't.principal_id')
    .leftJoin('role_assignments as r', 'r.principal_id', 'p.id')
    .select(['t.id as tokenId', 't.expires_at as expiresAt', 't.revoked_at as revokedAt', 'p.id as principalId', 'p.name', 'p.worker_id as workerId', 'p.disabled', 'r.role', 'r.agency_id as agencyId'])
    .where('t.token_hash', '=', p.tokenHash),
);

export async function findTokenOwner(db: Executor, tokenHash: string): Promise<TokenOwner | undefined> {
  const { rows } = await tokenOwner(db, { tokenHash });
  const first = rows[0];
  if (!first) return undefined;
  // The role columns come once per row; the owner's own columns are the same on every row.
  const { role, agencyId, ...owner } = first;
  return { ...owner, roles: rows.flatMap((row) => (row.role === null ? [] : [{ role: row.role, agencyId: row.agencyId }])) };
}

export async function listRoles(db: Executor, principalId: string): Promise<{ role: Role; agencyId: string | null }[]> {
  return db.selectFrom('role_assignments').select(['role', 'agency_id as agencyId']).where('principal_id', '=', principalId).execute();
}

export async function findToken(db: Executor, tokenId: string): Promise<{ id: string; principalId: string; revokedAt: string | null } | undefined> {
  return db.selectFrom('api_tokens').select(['id', 'principal_id as principalId', 'revoked_at as revokedAt']).where('id', '=', tokenId).executeTakeFirst();
}

export async function revokeToken(db: Executor, tokenId: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', tokenId).execute();
}
