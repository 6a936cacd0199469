import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';

describeEachDatabase('agencies', (current) => {
  it('creates an agency with its N01 holding unit', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const created = await kit.call('POST', '/api/v1/agencies', { token: admin, body: { code: 'MONROE', name: 'Monroe County DSS', kind: 'district' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.code, 'MONROE');
    assert.equal(created.body.timeZone, 'America/New_York');
    const holding = await kit.db.selectFrom('units').selectAll().where('id', '=', created.body.holdingUnitId).executeTakeFirstOrThrow();
    assert.equal(holding.code, 'N01');
    assert.equal(holding.is_holding, 1);
  });

  it('refuses a second agency with the same code', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const body = { code: 'MONROE', name: 'Monroe County DSS', kind: 'district' };
    assert.equal((await kit.call('POST', '/api/v1/agencies', { token: admin, body })).status, 201);
    const again = await kit.call('POST', '/api/v1/agencies', { token: admin, body });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'agency.duplicate');
    assert.ok(again.body.error.requestId);
  });

  it('rejects unknown fields and bad values with field-level details', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const response = await kit.call('POST', '/api/v1/agencies', { token: admin, body: { code: 'x', name: '', kind: 'county', colour: 'red' } });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'request.invalid');
    const fields = [...new Set(response.body.error.details.map((d: { field: string }) => d.field))].sort();
    assert.deepEqual(fields, ['body.code', 'body.colour', 'body.kind', 'body.name']);
    assert.equal(await kit.db.selectFrom('agencies').select('id').executeTakeFirst(), undefined);
  });

  it('refuses requests without a valid token', async () => {
    const kit = createTestKit(current());
    const response = await kit.call('GET', '/api/v1/agencies', { token: 'gh_not-a-real-token' });
    assert.equal(response.status, 401);
    assert.equal(response.body.error.code, 'auth.unauthenticated');
  });

  it('hides another agency from an agency-scoped token', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const monroe = await kit.call('POST', '/api/v1/agencies', { token: admin, body: { code: 'MONROE', name: 'Monroe', kind: 'district' } });
    const erie = await kit.call('POST', '/api/v1/agencies', { token: admin, body: { code: 'ERIE', name: 'Erie', kind: 'district' } });
    const monroeAdmin = await kit.tokenFor('lan_admin', monroe.body.id);
    assert.equal((await kit.call('GET', `/api/v1/agencies/${erie.body.id}`, { token: monroeAdmin })).status, 404);
    const listed = await kit.call('GET', '/api/v1/agencies', { token: monroeAdmin });
    assert.deepEqual(listed.body.items.map((a: { code: string }) => a.code), ['MONROE']);
  });
});
