import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addUnit, addWorker, createAgency } from '../../../test/helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';

async function createApplication(kit: TestKit, token: string, code: string): Promise<string> {
  const created = await kit.call('POST', '/api/v1/applications', { token, body: { code, name: code, kind: 'builtin' } });
  assert.equal(created.status, 201);
  const id: string = created.body.id;
  return id;
}

const caseworker = { code: 'CPS CASEWORKER', name: 'CPS caseworker', securityAttributes: ['Case Search', 'Maintain Case'], riskLevel: 'medium' };

describeEachDatabase('business functions', (current) => {
  it('creates a function with its security attributes and lists an application’s functions by code', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const app = await createApplication(kit, admin, 'CONNECTIONS');
    const created = await kit.call('POST', `/api/v1/applications/${app}/functions`, { token: admin, body: caseworker });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.securityAttributes, ['Case Search', 'Maintain Case']);
    assert.equal(created.body.requestable, true);
    assert.equal(created.body.ownerWorkerId, null);
    for (const code of ['FAD CASEWORKER', 'ACCESS ALL DIST']) {
      await kit.call('POST', `/api/v1/applications/${app}/functions`, { token: admin, body: { code, name: code, riskLevel: 'high' } });
    }
    const first = await kit.call('GET', `/api/v1/applications/${app}/functions?limit=2`, { token: admin });
    assert.deepEqual(first.body.items.map((f: { code: string }) => f.code), ['ACCESS ALL DIST', 'CPS CASEWORKER']);
    const second = await kit.call('GET', `/api/v1/applications/${app}/functions?limit=2&cursor=${first.body.nextCursor}`, { token: admin });
    assert.deepEqual(second.body.items.map((f: { code: string }) => f.code), ['FAD CASEWORKER']);
    assert.deepEqual((await kit.call('GET', `/api/v1/functions/${created.body.id}`, { token: admin })).body, created.body);
  });

  it('refuses a duplicate code within an application but allows it in another', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const connections = await createApplication(kit, admin, 'CONNECTIONS');
    const other = await createApplication(kit, admin, 'OTHER_APP');
    assert.equal((await kit.call('POST', `/api/v1/applications/${connections}/functions`, { token: admin, body: caseworker })).status, 201);
    const again = await kit.call('POST', `/api/v1/applications/${connections}/functions`, { token: admin, body: caseworker });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'function.duplicate');
    assert.equal((await kit.call('POST', `/api/v1/applications/${other}/functions`, { token: admin, body: caseworker })).status, 201);
  });

  it('rejects bad codes, too many or too long security attributes and unknown risk levels', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const app = await createApplication(kit, admin, 'CONNECTIONS');
    const response = await kit.call('POST', `/api/v1/applications/${app}/functions`, {
      token: admin,
      body: { code: 'cps caseworker', name: 'x', riskLevel: 'extreme', securityAttributes: ['y'.repeat(101)], colour: 'red' },
    });
    assert.equal(response.status, 400);
    const fields = [...new Set(response.body.error.details.map((d: { field: string }) => d.field))].sort();
    assert.deepEqual(fields, ['body.code', 'body.colour', 'body.riskLevel', 'body.securityAttributes.0']);
    const tooMany = await kit.call('POST', `/api/v1/applications/${app}/functions`, {
      token: admin,
      body: { ...caseworker, securityAttributes: Array.from({ length: 51 }, (_, i) => `Attribute ${i}`) },
    });
    assert.equal(tooMany.status, 400);
  });

  it('answers 404 for an unknown application or owner', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const app = await createApplication(kit, admin, 'CONNECTIONS');
    const nobody = `${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`;
    const noApp = await kit.call('POST', `/api/v1/applications/${nobody}/functions`, { token: admin, body: caseworker });
    assert.equal(noApp.body.error.code, 'application.not_found');
    const noOwner = await kit.call('POST', `/api/v1/applications/${app}/functions`, { token: admin, body: { ...caseworker, ownerWorkerId: nobody } });
    assert.equal(noOwner.status, 404);
    assert.equal(noOwner.body.error.code, 'worker.not_found');
  });

  it('updates a function, records before and after, and refuses a code another function has', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const monroe = await createAgency(kit, 'MONROE');
    const owner = await addWorker(kit, monroe.id, await addUnit(kit, monroe.id, 'U100'));
    const app = await createApplication(kit, admin, 'CONNECTIONS');
    const fn = await kit.call('POST', `/api/v1/applications/${app}/functions`, { token: admin, body: caseworker });
    await kit.call('POST', `/api/v1/applications/${app}/functions`, { token: admin, body: { code: 'CPS SUPERVISOR', name: 'Supervisor', riskLevel: 'high' } });

    const updated = await kit.call('PATCH', `/api/v1/functions/${fn.body.id}`, { token: admin, body: { ownerWorkerId: owner, requestable: false, description: 'Investigates reports' } });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.ownerWorkerId, owner);
    assert.equal(updated.body.requestable, false);
    assert.equal(updated.body.code, 'CPS CASEWORKER');
    const event = await kit.db.selectFrom('audit_events').select(['before', 'after']).where('action', '=', 'function.updated').executeTakeFirstOrThrow();
    assert.equal(JSON.parse(event.before!).requestable, true);
    assert.equal(JSON.parse(event.after!).requestable, false);

    const clash = await kit.call('PATCH', `/api/v1/functions/${fn.body.id}`, { token: admin, body: { code: 'CPS SUPERVISOR' } });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.code, 'function.duplicate');
  });

  it('lets only a state administrator add or change functions', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const monroe = await createAgency(kit, 'MONROE');
    const coordinator = await kit.tokenFor('security_coordinator', monroe.id);
    const app = await createApplication(kit, admin, 'CONNECTIONS');
    const refused = await kit.call('POST', `/api/v1/applications/${app}/functions`, { token: coordinator, body: caseworker });
    assert.equal(refused.status, 403);
    assert.equal((await kit.call('GET', `/api/v1/applications/${app}/functions`, { token: coordinator })).status, 200);
  });
});
