import { createHash, randomBytes } from 'node:crypto';
import type { Database, Executor } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { Actor, RequestContext } from '../auth/actor.ts';
import * as repo from './console-users.repo.ts';
import { unmatchableHash, verifyPassword } from './passwords.ts';

export const sessionSettings = {
  /** A session ends this long after sign-in, used or not. */
  lifetimeMs: 8 * 60 * 60 * 1000,
  /** Failed passwords in a row that lock the user out... */
  maxFailures: 5,
  /** ...for this long. */
  lockoutMs: 15 * 60 * 1000,
};

export interface NewSession {
  /** Goes in the cookie; only its hash is stored. */
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
}

export interface SignedIn {
  actor: Actor;
  userId: string;
  login: string;
  csrfToken: string;
  expiresAt: string;
}

export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

export type ConsoleSessionService = ReturnType<typeof createConsoleSessionService>;

/** Console sign-in: passwords with lockout, single sign-on identities, and server-side sessions. */
export function createConsoleSessionService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function actorOf(db: Executor, user: repo.StoredUser): Promise<Actor> {
    const roles = await repo.listRoles(db, [user.principalId]);
    return { principalId: user.principalId, name: user.name, workerId: user.workerId, roles: roles.map((r) => ({ role: r.role, agencyId: r.agencyId })) };
  }

  async function agencyOf(db: Executor, user: repo.StoredUser): Promise<string | null> {
    const roles = await repo.listRoles(db, [user.principalId]);
    return roles[0]?.agencyId ?? null;
  }

  async function startSession(trx: Executor, user: repo.StoredUser, requestId: string, method: string): Promise<NewSession> {
    const now = deps.clock.now();
    const session: NewSession = {
      sessionId: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: new Date(now.getTime() + sessionSettings.lifetimeMs).toISOString(),
    };
    await repo.insertSession(trx, { id_hash: hashSessionId(session.sessionId), user_id: user.id, csrf_token: session.csrfToken, created_at: now.toISOString(), expires_at: session.expiresAt, revoked_at: null });
    const ctx: RequestContext = { actor: await actorOf(trx, user), requestId };
    await deps.audit.record(trx, ctx, [{ action: 'console.signed_in', subjectType: 'console_user', subjectId: user.id, agencyId: await agencyOf(trx, user), after: { method } }]);
    return session;
  }

  const refused = () => new AppError('auth.sign_in_failed', 'That user name and password do not match. Check them and try again; after 5 failures in a row the account locks for 15 minutes.');

  /**
   * Checks a password. Five failures in a row lock the user out for 15 minutes; while locked even
   * the right password is refused. An unknown user name costs the same time and says the same.
   */
  async function signIn(login: string, password: string, requestId: string): Promise<NewSession> {
    const user = await repo.findUserByLogin(deps.db, login.trim().toLowerCase());
    if (!user || !user.passwordHash || user.disabled) {
      await verifyPassword(password, unmatchableHash);
      throw refused();
    }
    const now = deps.clock.now();
    const locked = user.lockedUntil !== null && user.lockedUntil > now.toISOString();
    if (locked) throw lockedOut(user.lockedUntil as string);
    const matches = await verifyPassword(password, user.passwordHash);
    if (matches) {
      return deps.db.transaction().execute(async (trx) => {
        await repo.updateUser(trx, user.id, { failed_attempts: 0, locked_until: null });
        return startSession(trx, user, requestId, 'password');
      });
    }
    const failures = (user.lockedUntil === null ? user.failedAttempts : 0) + 1;
    const lockNow = failures >= sessionSettings.maxFailures;
    const lockedUntil = lockNow ? new Date(now.getTime() + sessionSettings.lockoutMs).toISOString() : null;
    await deps.db.transaction().execute(async (trx) => {
      await repo.updateUser(trx, user.id, { failed_attempts: lockNow ? 0 : failures, locked_until: lockedUntil, updated_at: now.toISOString() });
      const ctx: RequestContext = { actor: await actorOf(trx, user), requestId };
      await deps.audit.record(trx, ctx, [
        { action: lockNow ? 'console.locked_out' : 'console.sign_in_failed', subjectType: 'console_user', subjectId: user.id, agencyId: await agencyOf(trx, user), after: { failures, lockedUntil } },
      ]);
    });
    throw lockNow ? lockedOut(lockedUntil as string) : refused();
  }

  function lockedOut(until: string): AppError {
    return new AppError('auth.locked_out', `Too many failed sign-ins: this account is locked until ${until.slice(11, 16)} UTC. Wait, or ask an administrator to reset your password.`);
  }

  /**
   * Signs in a person the identity provider vouched for: by subject, or the first time by an email
   * that names exactly one console user, which links the subject to that user from then on.
   */
  async function signInWithSso(identity: { subject: string; email: string | null }, requestId: string): Promise<NewSession> {
    return deps.db.transaction().execute(async (trx) => {
      let user = await repo.findUserBySubject(trx, identity.subject);
      if (!user && identity.email) {
        const candidates = await repo.findUnlinkedByEmail(trx, identity.email.trim().toLowerCase());
        assertThat(candidates.length <= 1, 'auth.sso_unmatched', 'More than one console user has your email address; ask an administrator to link your single sign-on account.');
        user = candidates[0];
        if (user) await repo.updateUser(trx, user.id, { oidc_subject: identity.subject, updated_at: deps.clock.now().toISOString() });
      }
      assertThat(user && !user.disabled, 'auth.sso_unmatched', 'You signed in with your organisation, but no Gatehouse console user has your email address. Ask your LAN administrator to create one.');
      return startSession(trx, user, requestId, 'oidc');
    });
  }

  /** The signed-in user behind a session cookie, or null when unknown, expired, revoked or disabled. */
  async function authenticate(sessionId: string): Promise<SignedIn | null> {
    if (sessionId.length < 20 || sessionId.length > 100) return null;
    const session = await repo.findSession(deps.db, hashSessionId(sessionId));
    if (!session || session.revoked_at !== null || session.expires_at <= deps.clock.now().toISOString()) return null;
    const user = await repo.findUserById(deps.db, session.user_id);
    if (!user || user.disabled) return null;
    return { actor: await actorOf(deps.db, user), userId: user.id, login: user.login, csrfToken: session.csrf_token, expiresAt: session.expires_at };
  }

  async function signOut(sessionId: string): Promise<void> {
    await repo.revokeSession(deps.db, hashSessionId(sessionId), deps.clock.now().toISOString());
  }

  /** Ends every session of the signed-in user, on every browser. */
  async function signOutEverywhere(ctx: RequestContext, userId: string): Promise<number> {
    return deps.db.transaction().execute(async (trx) => {
      const user = await repo.findUserById(trx, userId);
      assertThat(user && user.principalId === ctx.actor.principalId, 'console_user.not_found', 'No console user with that id.');
      const ended = await repo.revokeUserSessions(trx, userId, deps.clock.now().toISOString());
      await deps.audit.record(trx, ctx, [{ action: 'console.signed_out_everywhere', subjectType: 'console_user', subjectId: userId, agencyId: await agencyOf(trx, user), after: { sessionsEnded: ended } }]);
      return ended;
    });
  }

  return { signIn, signInWithSso, authenticate, signOut, signOutEverywhere };
}
