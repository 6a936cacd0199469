import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { waitFor } from './helpers/cli-process.ts';
import { describeEachDatabase } from './helpers/databases.ts';
import { type RunningScimServer, type ScimJson, startScimServer } from './scim-server/launcher.ts';
import { type ProvisioningKit, createProvisioningKit } from './scim-server/provisioning-kit.ts';

describeEachDatabase('leave of absence reaching a SCIM application', (current) => {
  let server: RunningScimServer | undefined;
  let kit: ProvisioningKit | undefined;

  afterEach(async () => {
    await kit?.stop();
    await server?.stop();
    kit = undefined;
    server = undefined;
  });

  async function activeOnTarget(target: RunningScimServer, userName: string): Promise<boolean | undefined> {
    const found = await target.call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    return ((found.body.Resources as ScimJson[])[0] as { active?: boolean } | undefined)?.active;
  }

  it('deactivates the user in the application when the leave starts and reactivates it on the return', async () => {
    server = await startScimServer();
    kit = await createProvisioningKit(current(), { baseUrl: server.baseUrl, token: server.token });
    const target = server;
    const account = await kit.openAccount('onleave01');
    await waitFor('the active user on the target', 10_000, async () => ((await activeOnTarget(target, 'onleave01')) === true ? true : undefined));

    const leave = await kit.call('POST', `/api/v1/workers/${account.workerId}/leaves`, { startsOn: kit.today(), reason: 'Medical leave' });
    assert.equal(leave.status, 201, JSON.stringify(leave.body));
    assert.equal(leave.body.status, 'on_leave');
    await waitFor('active=false on the target', 10_000, async () => ((await activeOnTarget(target, 'onleave01')) === false ? true : undefined));

    const back = await kit.call('POST', `/api/v1/leaves/${leave.body.id}/return`, { reason: 'Back early' });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    await waitFor('active=true on the target again', 10_000, async () => ((await activeOnTarget(target, 'onleave01')) === true ? true : undefined));
  });
});
