import type { Database } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import * as principals from '../auth/principals.repo.ts';
import { hashPassword } from './passwords.ts';
import * as repo from './console-users.repo.ts';
import type { ConsoleUser, CreateConsoleUserInput } from './console-users.schemas.ts';

export interface ConsoleUserListFilter extends PageRequest {
  search?: string | undefined;
}

function isStateAdmin(ctx: RequestContext): boolean {
  return ctx.actor.roles.some((r) => r.role === 'state_admin' && r.agencyId === null);
}

export type ConsoleUserService = ReturnType<typeof createConsoleUserService>;

/** Console accounts: who may sign in to the web console, with which role; managed by administrators. */
export function createConsoleUserService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function withRoles(users: repo.StoredUser[]): Promise<ConsoleUser[]> {
    const roles = await repo.listRoles(deps.db, users.map((u) => u.principalId));
    return users.map((u) => ({
      id: u.id, principalId: u.principalId, login: u.login, name: u.name, email: u.email, oidcSubject: u.oidcSubject, hasPassword: u.passwordHash !== null,
      lockedUntil: u.lockedUntil, disabled: u.disabled, workerId: u.workerId, createdAt: u.createdAt,
      roles: roles.filter((r) => r.principalId === u.principalId).map((r) => ({ role: r.role, agencyId: r.agencyId })),
    }));
  }

  /** Only a state administrator manages a state-wide user; an agency's user needs console_users.write there. */
  async function requireUser(ctx: RequestContext, id: string, permission: 'console_users.read' | 'console_users.write'): Promise<repo.StoredUser> {
    const user = isId(id) ? await repo.findUserById(deps.db, id) : undefined;
    if (!user) throw new AppError('console_user.not_found', 'No console user with that id.');
    const roles = await repo.listRoles(deps.db, [user.principalId]);
    for (const role of roles) {
      if (role.agencyId === null) assertThat(isStateAdmin(ctx), 'console_user.not_found', 'No console user with that id.');
      else authorize(ctx.actor, permission, role.agencyId, 'console_user.not_found', 'console user');
    }
    return user;
  }

  async function create(ctx: RequestContext, input: CreateConsoleUserInput): Promise<ConsoleUser> {
    if (input.role === 'state_admin') {
      assertThat(input.agencyId === null, 'input.invalid', 'A state administrator is state-wide; leave out the agency.');
      assertThat(isStateAdmin(ctx), 'auth.forbidden', 'Only a state administrator can create a state administrator.');
    } else {
      assertThat(input.agencyId !== null, 'input.invalid', `A ${input.role} belongs to one agency; give the agency.`);
      authorize(ctx.actor, 'console_users.write', input.agencyId, 'agency.not_found', 'agency');
    }
    if (input.workerId) {
      const worker = await deps.db.selectFrom('workers').select('agency_id').where('id', '=', input.workerId).executeTakeFirst();
      assertThat(worker && worker.agency_id === input.agencyId, 'worker.not_found', 'No worker with that id in the agency.');
    }
    const now = deps.clock.now().toISOString();
    const id = newId();
    const principalId = newId();
    const passwordHash = input.password === null ? null : await hashPassword(input.password);
    await deps.db.transaction().execute(async (trx) => {
      await principals.insertPrincipal(trx, { id: principalId, name: input.name, kind: 'user', worker_id: input.workerId, disabled: 0, created_at: now });
      await principals.insertRoleAssignment(trx, { id: newId(), principal_id: principalId, role: input.role, agency_id: input.agencyId, created_at: now });
      await refuseDuplicate(
        repo.insertUser(trx, {
          id, principal_id: principalId, login: input.login, email: input.email, oidc_subject: input.oidcSubject, password_hash: passwordHash,
          failed_attempts: 0, locked_until: null, created_at: now, updated_at: now,
        }),
        'console_user.duplicate',
        `The user name "${input.login}" (or that single sign-on subject) is taken; choose another.`,
      );
      await deps.audit.record(trx, ctx, [
        { action: 'console_user.created', subjectType: 'console_user', subjectId: id, agencyId: input.agencyId, after: { login: input.login, name: input.name, role: input.role, email: input.email, workerId: input.workerId } },
      ]);
    });
    return get(ctx, id);
  }

  async function get(ctx: RequestContext, id: string): Promise<ConsoleUser> {
    const [user] = await withRoles([await requireUser(ctx, id, 'console_users.read')]);
    return user as ConsoleUser;
  }

  async function list(ctx: RequestContext, agencyId: string, filter: ConsoleUserListFilter): Promise<Page<ConsoleUser>> {
    authorize(ctx.actor, 'console_users.read', agencyId, 'agency.not_found', 'agency');
    const rows = await repo.listAgencyUsers(deps.db, { agencyId, search: filter.search, afterLogin: decodeCursor(filter.cursor), limit: filter.limit + 1 });
    const page = toPage(rows, filter.limit, (u) => u.login);
    return { items: await withRoles(page.items), nextCursor: page.nextCursor };
  }

  /** An administrator sets a new password: the lockout is lifted and every session of the user ends. */
  async function resetPassword(ctx: RequestContext, id: string, password: string): Promise<ConsoleUser> {
    const user = await requireUser(ctx, id, 'console_users.write');
    assertThat(user.principalId !== ctx.actor.principalId, 'auth.forbidden', 'Another administrator resets your password; change it by asking one.');
    const passwordHash = await hashPassword(password);
    const now = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      await repo.updateUser(trx, user.id, { password_hash: passwordHash, failed_attempts: 0, locked_until: null, updated_at: now });
      const ended = await repo.revokeUserSessions(trx, user.id, now);
      const roles = await repo.listRoles(trx, [user.principalId]);
      await deps.audit.record(trx, ctx, [{ action: 'console_user.password_reset', subjectType: 'console_user', subjectId: user.id, agencyId: roles[0]?.agencyId ?? null, after: { sessionsEnded: ended } }]);
    });
    return get(ctx, id);
  }

  return { create, get, list, resetPassword };
}
