import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { Actor, RequestContext } from './actor.ts';
import { authorize } from './permissions.ts';
import * as repo from './principals.repo.ts';

export const tokenPrefix = 'gh_';

export interface CreateTokenInput {
  name: string;
  role: Role;
  /** Required for every role but state_admin, which is state-wide. */
  agencyId: string | null;
  workerId?: string | null | undefined;
  expiresAt?: string | null | undefined;
}

export interface CreatedToken {
  id: string;
  principalId: string;
  /** Shown once; only its hash is stored. */
  token: string;
  role: Role;
  agencyId: string | null;
  expiresAt: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type TokenService = ReturnType<typeof createTokenService>;

export function createTokenService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  /** Creates a principal with one role and a token for it. */
  async function create(ctx: RequestContext, input: CreateTokenInput): Promise<CreatedToken> {
    if (input.role === 'state_admin') {
      assertThat(input.agencyId === null, 'input.invalid', 'A state_admin token is state-wide; leave out the agency.');
      assertThat(ctx.actor.roles.some((r) => r.role === 'state_admin' && r.agencyId === null), 'auth.forbidden', 'Only a state administrator can create a state_admin token.');
    } else {
      assertThat(input.agencyId !== null, 'input.invalid', `A ${input.role} token belongs to one agency; give the agency.`);
      authorize(ctx.actor, 'tokens.write', input.agencyId, 'agency.not_found', 'agency');
    }
    const now = deps.clock.now().toISOString();
    if (input.expiresAt) assertThat(input.expiresAt > now, 'input.invalid', 'The expiry must be in the future.');
    const token = tokenPrefix + randomBytes(32).toString('base64url');
    const principalId = newId();
    const tokenId = newId();
    await deps.db.transaction().execute(async (trx) => {
      await repo.insertPrincipal(trx, { id: principalId, name: input.name, kind: 'user', worker_id: input.workerId ?? null, disabled: 0, created_at: now });
      await repo.insertRoleAssignment(trx, { id: newId(), principal_id: principalId, role: input.role, agency_id: input.agencyId, created_at: now });
      await repo.insertToken(trx, { id: tokenId, principal_id: principalId, name: input.name, token_hash: hashToken(token), created_at: now, expires_at: input.expiresAt ?? null });
      await deps.audit.record(trx, ctx, [
        { action: 'token.created', subjectType: 'token', subjectId: tokenId, agencyId: input.agencyId, after: { name: input.name, role: input.role, expiresAt: input.expiresAt ?? null } },
      ]);
    });
    return { id: tokenId, principalId, token, role: input.role, agencyId: input.agencyId, expiresAt: input.expiresAt ?? null };
  }

  /** The actor behind a bearer token, or null when the token is unknown, expired or revoked. */
  async function authenticate(token: string): Promise<Actor | null> {
    if (!token.startsWith(tokenPrefix) || token.length > 200) return null;
    const owner = await repo.findTokenOwner(deps.db, hashToken(token));
    if (!owner || owner.revokedAt || owner.disabled) return null;
    if (owner.expiresAt && owner.expiresAt <= deps.clock.now().toISOString()) return null;
    return { principalId: owner.principalId, name: owner.name, roles: owner.roles, workerId: owner.workerId };
  }

  async function revoke(ctx: RequestContext, tokenId: string): Promise<void> {
    const token = await repo.findToken(deps.db, tokenId);
    if (!token) throw new AppError('token.not_found', 'No token with that id.');
    const roles = await repo.listRoles(deps.db, token.principalId);
    const isSelf = token.principalId === ctx.actor.principalId;
    if (!isSelf) {
      for (const role of roles) {
        if (role.agencyId === null) assertThat(ctx.actor.roles.some((r) => r.role === 'state_admin' && r.agencyId === null), 'token.not_found', 'No token with that id.');
        else authorize(ctx.actor, 'tokens.write', role.agencyId, 'token.not_found', 'token');
      }
    }
    assertThat(!token.revokedAt, 'token.already_revoked', 'That token is already revoked; nothing to do.');
    await deps.db.transaction().execute(async (trx) => {
      await repo.revokeToken(trx, tokenId, deps.clock.now().toISOString());
      await deps.audit.record(trx, ctx, [{ action: 'token.revoked', subjectType: 'token', subjectId: tokenId, agencyId: roles[0]?.agencyId ?? null }]);
    });
  }

  return { create, authenticate, revoke };
}
