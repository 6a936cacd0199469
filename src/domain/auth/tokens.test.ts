import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';

describeEachDatabase('api tokens', (current) => {
  it('stores only a hash of the token it shows once', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const created = await kit.call('POST', '/api/v1/tokens', { token: admin, body: { name: 'reporting job', role: 'state_admin' } });
    assert.equal(created.status, 201);
    const stored = await kit.db.selectFrom('api_tokens').select('token_hash').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, created.body.token);
    assert.ok(!stored.token_hash.includes(created.body.token.slice(3)));
    assert.equal((await kit.call('GET', '/api/v1/agencies', { token: created.body.token })).status, 200);
  });

  it('stops a revoked token at once', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const created = await kit.call('POST', '/api/v1/tokens', { token: admin, body: { name: 'temp', role: 'state_admin' } });
    assert.equal((await kit.call('DELETE', `/api/v1/tokens/${created.body.id}`, { token: admin })).status, 200);
    assert.equal((await kit.call('GET', '/api/v1/agencies', { token: created.body.token })).status, 401);
    const again = await kit.call('DELETE', `/api/v1/tokens/${created.body.id}`, { token: admin });
    assert.equal(again.body.error.code, 'token.already_revoked');
  });

  it('lets a LAN administrator create tokens only in their own agency and never a state-wide one', async () => {
    const kit = createTestKit(current());
    const monroe = await createAgency(kit, 'MONROE');
    const erie = await createAgency(kit, 'ERIE');
    const lanAdmin = await kit.tokenFor('lan_admin', monroe.id);
    const own = await kit.call('POST', '/api/v1/tokens', { token: lanAdmin, body: { name: 'coordinator', role: 'security_coordinator', agencyId: monroe.id } });
    assert.equal(own.status, 201);
    const other = await kit.call('POST', '/api/v1/tokens', { token: lanAdmin, body: { name: 'x', role: 'auditor', agencyId: erie.id } });
    assert.equal(other.status, 404);
    const stateWide = await kit.call('POST', '/api/v1/tokens', { token: lanAdmin, body: { name: 'x', role: 'state_admin' } });
    assert.equal(stateWide.status, 403);
  });

  it('refuses an agency role without an agency', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const response = await kit.call('POST', '/api/v1/tokens', { token: admin, body: { name: 'x', role: 'lan_admin' } });
    assert.equal(response.status, 422);
    assert.match(response.body.error.message, /give the agency/);
  });
});
