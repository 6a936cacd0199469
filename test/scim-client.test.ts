import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { waitFor } from './helpers/cli-process.ts';
import { describeEachDatabase } from './helpers/databases.ts';
import { type RunningScimServer, type ScimJson, startScimServer } from './scim-server/launcher.ts';
import { type ProvisioningKit, createProvisioningKit } from './scim-server/provisioning-kit.ts';

describeEachDatabase('SCIM provisioning client against a SCIMMY server', (current) => {
  let server: RunningScimServer | undefined;
  let kit: ProvisioningKit | undefined;

  async function setup(config: Record<string, unknown> = {}, token?: string) {
    server = await startScimServer();
    kit = await createProvisioningKit(current(), { baseUrl: server.baseUrl, token: token ?? server.token }, { config });
    return { server, kit };
  }

  afterEach(async () => {
    await kit?.stop();
    await server?.stop();
    kit = undefined;
    server = undefined;
  });

  async function userOnTarget(target: RunningScimServer, userName: string): Promise<ScimJson | undefined> {
    const found = await target.call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    return (found.body.Resources as ScimJson[])[0];
  }

  it('creates the user when an account is opened, and deactivates it well within a second of a disable', async (t) => {
    const { server, kit } = await setup();
    const account = await kit.openAccount('jdoe01');
    const created = await waitFor('the user on the target', 10_000, () => userOnTarget(server, 'jdoe01'));
    assert.equal(created.active, true);
    assert.deepEqual(created.name, { givenName: 'Jane', familyName: 'jdoe01' });
    assert.equal(created.emails[0].value, 'jdoe01@example.org');
    await waitFor('the delivery to be recorded', 10_000, kit.outboxEmpty);

    const started = performance.now();
    await kit.services.accounts.disable(kit.ctx, account.id, 'left the agency');
    await waitFor('active=false on the target', 1000, async () => ((await userOnTarget(server, 'jdoe01'))?.active === false ? true : undefined), 2);
    const latencyMs = performance.now() - started;
    t.diagnostic(`disable reached the SCIM target in ${latencyMs.toFixed(1)} ms`);
    assert.ok(latencyMs < 1000, `the disable took ${latencyMs} ms`);

    const stats = await server.stats();
    assert.equal(stats.requests['POST /scim/v2/Users 201'], 1);
    assert.equal(stats.users, 1);
  });

  it('sends granted business functions as entitlements and takes them away on revoke', async () => {
    const { server, kit } = await setup({ entitlements: { via: 'entitlements', map: { 'CPS CASEWORKER': 'cps-worker', 'FAD CASEWORKER': 'fad-worker' } } });
    const cps = await kit.addFunction('CPS CASEWORKER');
    const unmapped = await kit.addFunction('CASE SEARCH');
    const account = await kit.openAccount('jdoe02');
    const grant = await kit.grant(account.id, cps.id);
    await kit.grant(account.id, unmapped.id);
    const granted = await waitFor('the entitlement on the target', 10_000, async () => {
      const user = await userOnTarget(server, 'jdoe02');
      return user?.entitlements?.length === 1 ? user : undefined;
    });
    assert.deepEqual(granted.entitlements, [{ value: 'cps-worker' }]);

    await kit.services.grants.revoke(kit.ctx, grant.id, 'no longer needed');
    await waitFor('the entitlement removed', 10_000, async () => {
      const user = await userOnTarget(server, 'jdoe02');
      return user && user.entitlements === undefined ? true : undefined;
    });
  });

  it('takes a function away on the target when its grant reaches validTo, with no one acting', async () => {
    const { server, kit } = await setup({ entitlements: { via: 'roles' } });
    const fn = await kit.addFunction('CPS CASEWORKER');
    const account = await kit.openAccount('jdoe08');
    const validTo = new Date(Date.now() + 1500).toISOString();
    await kit.grant(account.id, fn.id, validTo);
    await waitFor('the role on the target', 10_000, async () => ((await userOnTarget(server, 'jdoe08'))?.roles?.length === 1 ? true : undefined));
    // A delivery that read the clock just before the grant committed looks again when the grant is made; the look after that is at validTo.
    await waitFor('the next look scheduled at validTo', 10_000, () =>
      current().db.selectFrom('outbox').select('id').where('account_id', '=', account.id).where('reason', '=', 'scheduled').where('due_at', '=', validTo).executeTakeFirst());
    await waitFor('the role gone at validTo', 10_000, async () => {
      const user = await userOnTarget(server, 'jdoe08');
      return user && user.roles === undefined ? true : undefined;
    });
  });

  it('adds the user to the SCIM group mapped to a granted function, by display name, and removes it on revoke', async () => {
    server = await startScimServer();
    const group = await server.call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Case workers' });
    const other = await server.call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Unmanaged' });
    kit = await createProvisioningKit(current(), { baseUrl: server.baseUrl, token: server.token }, {
      config: { entitlements: { via: 'groups', groupsBy: 'displayName', map: { 'CPS CASEWORKER': 'Case workers' } } },
    });
    const target = server;
    const cps = await kit.addFunction('CPS CASEWORKER');
    const account = await kit.openAccount('jdoe03');
    const user = await waitFor('the user on the target', 10_000, () => userOnTarget(target, 'jdoe03'));
    await target.call('PATCH', `/Groups/${other.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }] });
    const grant = await kit.grant(account.id, cps.id);
    const members = async (id: string): Promise<string[]> => ((await target.call('GET', `/Groups/${id}`)).body.members as { value: string }[] | undefined ?? []).map((m) => m.value);
    await waitFor('membership of the mapped group', 10_000, async () => ((await members(group.body.id)).includes(user.id) ? true : undefined));

    await kit.services.grants.revoke(kit.ctx, grant.id, 'moved to another job');
    await waitFor('membership removed', 10_000, async () => ((await members(group.body.id)).length === 0 ? true : undefined));
    assert.deepEqual(await members(other.body.id), [user.id], 'a group the map does not name is left alone');
  });

  it('deletes the user on the end date when the application is configured to', async () => {
    const { server, kit } = await setup({ onEndDate: 'delete' });
    const account = await kit.openAccount('jdoe04');
    await waitFor('the user on the target', 10_000, () => userOnTarget(server, 'jdoe04'));
    await kit.services.accounts.endDate(kit.ctx, account.id, { endDate: kit.today(), reason: 'left the agency' });
    await waitFor('the user deleted', 10_000, async () => ((await userOnTarget(server, 'jdoe04')) === undefined ? true : undefined));
    await waitFor('the delivery recorded', 10_000, kit.outboxEmpty);
    const known = await current().db.selectFrom('connector_accounts').selectAll().where('account_id', '=', account.id).executeTakeFirstOrThrow();
    assert.equal(known.remote_id, null);
  });

  it('deactivates the user and clears its entitlements on the end date by default', async () => {
    const { server, kit } = await setup({ entitlements: { via: 'roles' } });
    const fn = await kit.addFunction('CPS CASEWORKER');
    const account = await kit.openAccount('jdoe05');
    await kit.grant(account.id, fn.id);
    await waitFor('the role on the target', 10_000, async () => ((await userOnTarget(server, 'jdoe05'))?.roles?.[0]?.value === 'CPS CASEWORKER' ? true : undefined));
    await kit.services.accounts.endDate(kit.ctx, account.id, { endDate: kit.today(), reason: 'left the agency' });
    const closed = await waitFor('the user deactivated', 10_000, async () => {
      const user = await userOnTarget(server, 'jdoe05');
      return user?.active === false ? user : undefined;
    });
    assert.equal(closed.roles, undefined);
  });

  it('marks a delivery failed with the server message on a 4xx, never retries it, and delivers it after a fix and a retry', async () => {
    const { server, kit } = await setup({}, 'not-the-token');
    await kit.openAccount('jdoe06');
    const failed = await waitFor('the failed delivery', 10_000, async () => {
      const page = await kit.call('GET', `/api/v1/applications/${kit.application.id}/deliveries?status=failed`);
      return page.body.items[0] as ScimJson | undefined;
    });
    assert.match(failed.lastError, /answered 401: The bearer token is not valid for this SCIM service\./);
    assert.equal(failed.attempts, 1);
    // Longer than every retry pause the test deliverer would take: a retried 4xx would show here.
    await delay(400);
    const stats = await server.stats();
    assert.deepEqual(Object.entries(stats.requests).filter(([key]) => key.endsWith(' 401')), [['GET /scim/v2/Users 401', 1]]);

    const fixed = await kit.call('PATCH', `/api/v1/applications/${kit.application.id}`, { config: { ...kit.application.config, tokenEnv: undefined, token: server.token } });
    assert.equal(fixed.status, 200);
    const retried = await kit.call('POST', `/api/v1/deliveries/${failed.id}/retry`);
    assert.equal(retried.status, 200);
    assert.equal(retried.body.status, 'pending');
    await waitFor('the user on the target', 10_000, () => userOnTarget(server, 'jdoe06'));
    await waitFor('the delivery done', 10_000, kit.outboxEmpty);
    const again = await kit.call('POST', `/api/v1/deliveries/${failed.id}/retry`);
    assert.equal(again.status, 404);
  });
});
