import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createApp } from '../app.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { systemContext } from '../domain/auth/actor.ts';
import { systemClock } from '../shared/clock.ts';
import { createLogger } from '../shared/logger.ts';
import { cliEnv, runCli } from '../../test/helpers/cli-process.ts';

describe('gatehouse scim-token create', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-scim-cli-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  async function withApp<T>(work: (app: ReturnType<typeof createApp>) => Promise<T>): Promise<T> {
    const handle = openDatabase({ url: join(dataDir, 'gatehouse.sqlite') });
    try {
      await migrateToLatest(handle.db);
      return await work(createApp({ db: handle.db, dbKind: handle.kind, clock: systemClock, logger: createLogger('silent') }));
    } finally {
      await handle.destroy();
    }
  }

  it("prints a token, once, that lets a SCIM client push the agency's users", async () => {
    await withApp(({ services }) => services.agencies.create(systemContext('cli-test'), { code: 'MONROE', name: 'Monroe', kind: 'district', timeZone: 'America/New_York' }));
    const created = await runCli(['scim-token', 'create', '--agency', 'MONROE', '--name', 'Entra ID'], cliEnv(dataDir));
    assert.equal(created.status, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^ghscim_[A-Za-z0-9_-]{43}$/);
    assert.match(created.stderr, /shown only once/);
    await withApp(async ({ app }) => {
      const response = await app.request('/scim/v2/Users', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { totalResults: number }).totalResults, 0);
    });
    const unknown = await runCli(['scim-token', 'create', '--agency', 'NOWHERE', '--name', 'Okta'], cliEnv(dataDir));
    assert.notEqual(unknown.status, 0);
    const unnamed = await runCli(['scim-token', 'create', '--agency', 'MONROE'], cliEnv(dataDir));
    assert.notEqual(unnamed.status, 0);
  });
});
