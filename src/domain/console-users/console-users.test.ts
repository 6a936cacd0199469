import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';
import { AppError } from '../../shared/errors.ts';
import { createConsoleUserSchema } from './console-users.schemas.ts';

const password = 'twelve chars at least';

describeEachDatabase('console users and sessions', (current) => {
  async function setUp() {
    const kit = createTestKit(current());
    const monroe = await createAgency(kit, 'MONROE');
    const erie = await createAgency(kit, 'ERIE');
    const admin = await kit.services.consoleUsers.create(kit.system, createConsoleUserSchema.parse({ login: 'Monroe-Admin', name: 'Admin', password, role: 'lan_admin', agencyId: monroe.id }));
    const session = await kit.services.consoleSessions.signIn('monroe-admin', password, 'test');
    const signedIn = await kit.services.consoleSessions.authenticate(session.sessionId);
    assert.ok(signedIn);
    return { kit, monroe, erie, admin, ctx: { actor: signedIn.actor, requestId: 'test' } };
  }

  it('answers an unknown user name exactly like a wrong password', async () => {
    const { kit } = await setUp();
    const unknown = await kit.services.consoleSessions.signIn('nobody', password, 'test').catch((e: unknown) => e);
    const wrong = await kit.services.consoleSessions.signIn('monroe-admin', 'not the password', 'test').catch((e: unknown) => e);
    assert.ok(unknown instanceof AppError && wrong instanceof AppError);
    assert.equal(unknown.code, wrong.code);
    assert.equal(unknown.message, wrong.message);
  });

  it('stores the password only as an scrypt hash and the session only as a hash of its id', async () => {
    const { kit } = await setUp();
    const user = await kit.db.selectFrom('console_users').select('password_hash').where('login', '=', 'monroe-admin').executeTakeFirstOrThrow();
    assert.match(user.password_hash ?? '', /^scrypt\$16384\$8\$1\$/);
    assert.ok(!(user.password_hash ?? '').includes(password));
    const session = await kit.services.consoleSessions.signIn('monroe-admin', password, 'test');
    const stored = await kit.db.selectFrom('console_sessions').select('id_hash').execute();
    assert.ok(stored.every((s) => s.id_hash !== session.sessionId));
  });

  it('ends a session at its expiry without anyone signing out', async () => {
    const { kit } = await setUp();
    const session = await kit.services.consoleSessions.signIn('monroe-admin', password, 'test');
    kit.clock.advance(8 * 60 * 60 * 1000 - 1000);
    assert.ok(await kit.services.consoleSessions.authenticate(session.sessionId));
    kit.clock.advance(2000);
    assert.equal(await kit.services.consoleSessions.authenticate(session.sessionId), null);
  });

  it("lets a LAN administrator add users only in their own agency; another agency's is not found", async () => {
    const { kit, ctx, erie, monroe } = await setUp();
    const own = await kit.services.consoleUsers.create(ctx, createConsoleUserSchema.parse({ login: 'coord', name: 'Coordinator', password, role: 'security_coordinator', agencyId: monroe.id }));
    assert.equal(own.roles[0]?.role, 'security_coordinator');
    const other = await kit.services.consoleUsers.create(ctx, createConsoleUserSchema.parse({ login: 'spy', name: 'Spy', password, role: 'auditor', agencyId: erie.id })).catch((e: unknown) => e);
    assert.ok(other instanceof AppError);
    assert.equal(other.code, 'agency.not_found');
    const stateWide = await kit.services.consoleUsers.create(ctx, createConsoleUserSchema.parse({ login: 'boss', name: 'Boss', password, role: 'state_admin' })).catch((e: unknown) => e);
    assert.ok(stateWide instanceof AppError);
    assert.equal(stateWide.code, 'auth.forbidden');
  });

  it('records failed sign-ins and the lockout in the audit log', async () => {
    const { kit, admin } = await setUp();
    for (let i = 0; i < 5; i += 1) await kit.services.consoleSessions.signIn('monroe-admin', 'wrong password!', 'test').catch(() => undefined);
    const events = await kit.db.selectFrom('audit_events').select('action').where('subject_id', '=', admin.id).orderBy('seq').execute();
    assert.deepEqual(events.map((e) => e.action), ['console_user.created', 'console.signed_in', 'console.sign_in_failed', 'console.sign_in_failed', 'console.sign_in_failed', 'console.sign_in_failed', 'console.locked_out']);
  });
});
