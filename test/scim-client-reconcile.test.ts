import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { waitFor } from './helpers/cli-process.ts';
import { describeEachDatabase } from './helpers/databases.ts';
import { type RunningScimServer, startScimServer } from './scim-server/launcher.ts';
import { type ProvisioningKit, createProvisioningKit } from './scim-server/provisioning-kit.ts';

const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function usersByName(server: RunningScimServer): Promise<Map<string, any>> {
  const users: any[] = (await server.call('GET', '/Users?count=1000')).body.Resources;
  return new Map(users.map((u) => [u.userName, u]));
}

describeEachDatabase('SCIM reconcile', (current) => {
  let server: RunningScimServer | undefined;
  let kit: ProvisioningKit | undefined;

  afterEach(async () => {
    await kit?.stop();
    await server?.stop();
    kit = undefined;
    server = undefined;
  });

  it('reports users changed, deleted and added on the target behind Gatehouse, then repairs them when the policy says so', async () => {
    server = await startScimServer();
    const target = server;
    kit = await createProvisioningKit(current(), { baseUrl: target.baseUrl, token: target.token }, { config: { entitlements: { via: 'entitlements' } } });
    const app = kit;
    const fn = await app.addFunction('CPS CASEWORKER');
    const changed = await app.openAccount('changed01');
    await app.grant(changed.id, fn.id);
    await app.openAccount('missing01');
    await app.openAccount('steady01');
    await waitFor('the accounts delivered', 10_000, app.outboxEmpty);

    const before = await usersByName(target);
    await target.call('PATCH', `/Users/${before.get('changed01').id}`, {
      schemas: [patchOp], Operations: [{ op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'entitlements', value: [{ value: 'ADMIN' }] }],
    });
    await target.call('DELETE', `/Users/${before.get('missing01').id}`);
    await target.call('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'intruder', active: true });

    const report = await app.call('POST', `/api/v1/applications/${app.application.id}/reconcile`);
    assert.equal(report.status, 200);
    assert.equal(report.body.policy, 'report');
    assert.deepEqual(report.body.counts, { changed: 1, missing: 1, extra: 1, repaired: 0 });
    assert.equal(report.body.targetUsers, 3);
    assert.equal(report.body.accounts, 3);
    assert.deepEqual(report.body.changed[0].differences, [
      { field: 'active', current: false, desired: true },
      { field: 'entitlements', current: ['ADMIN'], desired: ['CPS CASEWORKER'] },
    ]);
    assert.deepEqual(report.body.missing, [{ accountId: report.body.missing[0].accountId, userName: 'missing01' }]);
    assert.deepEqual(report.body.extra.map((u: { userName: string; active: boolean }) => [u.userName, u.active]), [['intruder', true]]);
    assert.equal((await target.call('GET', `/Users/${before.get('changed01').id}`)).body.active, false, 'a report changes nothing');

    const repairing = await app.call('PATCH', `/api/v1/applications/${app.application.id}`, { config: { ...app.application.config, reconcile: 'repair' } });
    assert.equal(repairing.status, 200);
    const repaired = await app.call('POST', `/api/v1/applications/${app.application.id}/reconcile`);
    assert.equal(repaired.body.counts.repaired, 3);
    await waitFor('the repairs delivered', 10_000, app.outboxEmpty);
    const after = await usersByName(target);
    assert.equal(after.get('changed01').active, true);
    assert.deepEqual(after.get('changed01').entitlements, [{ value: 'CPS CASEWORKER' }]);
    assert.equal(after.get('missing01').active, true);
    assert.equal(after.get('intruder').active, false, 'a user Gatehouse does not know is deactivated, not deleted');

    const clean = await app.call('POST', `/api/v1/applications/${app.application.id}/reconcile`);
    assert.deepEqual(clean.body.counts, { changed: 0, missing: 0, extra: 1, repaired: 0 });
    const audit = await current().db.selectFrom('audit_events').select('after').where('action', '=', 'application.reconciled').execute();
    assert.equal(audit.length, 1, 'only the reconcile that repaired something is in the audit log');
  });

  it('refuses to reconcile an application without a connector, and answers 502 when the target cannot be reached', async () => {
    server = await startScimServer();
    kit = await createProvisioningKit(current(), { baseUrl: server.baseUrl, token: server.token });
    const builtin = await kit.services.applications.create(kit.ctx, { code: 'LEGACY', name: 'Legacy', kind: 'builtin', config: {} });
    const refused = await kit.call('POST', `/api/v1/applications/${builtin.id}/reconcile`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'application.no_connector');

    await server.stop();
    const unreachable = await kit.call('POST', `/api/v1/applications/${kit.application.id}/reconcile`);
    assert.equal(unreachable.status, 502);
    assert.equal(unreachable.body.error.code, 'connector.unavailable');
    assert.match(unreachable.body.error.message, /GET \/Users\?startIndex=1&count=100 did not get an answer/);
  });
});
