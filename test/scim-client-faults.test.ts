import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, it } from 'node:test';
import { waitFor } from './helpers/cli-process.ts';
import { describeEachDatabase } from './helpers/databases.ts';
import { startIgnoringProxy } from './scim-server/ignoring-proxy.ts';
import { type RunningScimServer, type ScimJson, startScimServer } from './scim-server/launcher.ts';
import { createProvisioningKit } from './scim-server/provisioning-kit.ts';

async function listUsers(server: RunningScimServer): Promise<ScimJson[]> {
  return (await server.call('GET', '/Users?count=1000')).body.Resources as ScimJson[];
}

describeEachDatabase('SCIM provisioning client when the target fails', (current) => {
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('loses nothing and applies nothing twice when the target is killed mid-run and restarted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-scim-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const storeFile = join(dir, 'store.json');
    let server = await startScimServer({ storeFile });
    cleanups.push(() => server.stop());
    const kit = await createProvisioningKit(current(), { baseUrl: server.baseUrl, token: server.token }, { settings: { maxAttempts: 1000, retryMaxMs: 200 } });
    cleanups.push(() => kit.stop());

    const accounts = [];
    for (let i = 0; i < 10; i += 1) accounts.push(await kit.openAccount(`early${i}`));
    const firstUsers = await waitFor('two users on the target', 10_000, async () => {
      const users = await listUsers(server);
      return users.length >= 2 ? users.map((u) => String(u.userName)) : undefined;
    }, 5);
    await server.kill();
    for (let i = 0; i < 5; i += 1) accounts.push(await kit.openAccount(`late${i}`));
    // Disable two users the target already holds (an account never delivered would simply not be created).
    const leavers = firstUsers.slice(0, 2).sort();
    for (const userName of leavers) await kit.services.accounts.disable(kit.ctx, accounts[Number(userName.replace('early', ''))]!.id, 'left while the target was down');

    server = await startScimServer({ storeFile, port: server.port });
    await waitFor('every change delivered', 15_000, kit.outboxEmpty);
    const users = await listUsers(server);
    assert.equal(users.length, 15);
    const inactive = users.filter((u) => u.active === false).map((u) => String(u.userName)).sort();
    assert.deepEqual(inactive, leavers);
    const { requests } = await server.stats();
    assert.ok((requests['POST /Users 201'] ?? 0) <= 15, `created ${requests['POST /Users 201']} users for 15 accounts`);
    assert.deepEqual(Object.keys(requests).filter((key) => key.endsWith(' 409')), [], 'no creation was sent twice');
  });

  it('catches a target that answers 2xx to a change it did not apply, and retries until it does', async () => {
    const server = await startScimServer();
    cleanups.push(() => server.stop());
    const proxy = await startIgnoringProxy(server.baseUrl);
    cleanups.push(() => proxy.close());
    const kit = await createProvisioningKit(current(), { baseUrl: proxy.baseUrl, token: server.token }, { settings: { maxAttempts: 3 } });
    cleanups.push(() => kit.stop());
    const account = await kit.openAccount('jdoe07');
    await waitFor('the user delivered', 10_000, kit.outboxEmpty);

    proxy.ignore(true);
    await kit.services.accounts.disable(kit.ctx, account.id, 'left the agency');
    const failed = await waitFor('the delivery failed', 10_000, async () => {
      const page = await kit.call('GET', `/api/v1/applications/${kit.application.id}/deliveries?status=failed`);
      return page.body.items[0] as ScimJson | undefined;
    });
    assert.equal(proxy.ignored(), 3);
    assert.equal(failed.attempts, 3);
    assert.match(failed.lastError, /answered 2xx but did not apply the change: active is true, expected false/);

    proxy.ignore(false);
    assert.equal((await kit.call('POST', `/api/v1/deliveries/${failed.id}/retry`)).status, 200);
    await waitFor('the retried delivery done', 10_000, kit.outboxEmpty);
    const users = await listUsers(server);
    assert.equal(users[0]?.active, false);
  });
});
