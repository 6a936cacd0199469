import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount } from '../../../test/helpers/fixtures.ts';
import type { TestKit } from '../../../test/helpers/kit.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';
import { type Caseworker, functionCodes, setUpCaseworker } from '../../../test/helpers/lifecycle.ts';
import { gatehouseSchema, patchOp, userSchema } from '../../../test/helpers/scim.ts';
import { newId } from '../../shared/ids.ts';
import { systemContext } from '../auth/actor.ts';

const files = mkdtempSync(join(tmpdir(), 'gatehouse-mover-test-'));
after(() => rmSync(files, { recursive: true, force: true }));

/** Places the worker's account in the CPS unit holding CPS CASEWORKER, as a working caseworker's. */
async function giveCpsAccess(kit: TestKit, s: Caseworker, workerId: string): Promise<void> {
  const existing = await kit.db.selectFrom('accounts').select('id').where('worker_id', '=', workerId).where('application_id', '=', s.app).executeTakeFirst();
  const accountId = existing?.id ?? (await addAccount(kit, workerId, s.app, s.cpsUnit));
  await kit.db.updateTable('accounts').set({ unit_id: s.cpsUnit }).where('id', '=', accountId).execute();
  await kit.db.transaction().execute((trx) =>
    kit.services.grants.grantInTransaction(trx, systemContext('test-setup'), { accountId, kind: 'function', functionId: s.caseworkerFn, provenanceKind: 'import', provenanceId: 'test-import' }));
}

describeEachDatabase('movers from every directory', (current) => {
  it('handles a job change pushed by a SCIM client like one made in the built-in directory', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const { token } = await kit.services.scimTokens.create(kit.system, { agencyId: s.agency.id, name: 'Entra' });
    const scim = (method: string, path: string, body: unknown) =>
      kit.app.request(`/scim/v2${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
    const created = await scim('POST', '/Users', { schemas: [userSchema, gatehouseSchema], userName: 'pmover', name: { givenName: 'Pat', familyName: 'Mover' }, [gatehouseSchema]: { unit: 'C10', jobType: 'cps_caseworker' } });
    const body = await created.text();
    assert.equal(created.status, 201, body);
    const workerId = (JSON.parse(body) as { id: string }).id;
    await giveCpsAccess(kit, s, workerId);

    const patched = await scim('PATCH', `/Users/${workerId}`, patchOp({ op: 'replace', path: `${gatehouseSchema}:jobType`, value: 'preventive_caseworker' }));
    assert.equal(patched.status, 200, await patched.text());
    assert.deepEqual(await kit.services.movers.processMoverEvents(kit.clock.now()), { movers: 1, removals: 1, requests: 1 });
    assert.deepEqual((await functionCodes(kit, s, workerId)).codes, []);
  });

  it('handles a job change found by the directory sync', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const source = await kit.services.sources.create(kit.system, s.agency.id, { name: 'hr-feed', kind: 'csv', config: {}, schedule: '0 2 * * *', enabled: true });
    const sync = async (jobType: string) => {
      const path = join(files, `${jobType}-${newId()}.csv`);
      await writeFile(path, `external_id,login_id,first_name,last_name,email,unit_code,job_type,supervisor_external_id,enabled,hire_date,termination_date\nE1,pmover,Pat,Mover,,C10,${jobType},,1,2020-01-01,\n`);
      kit.clock.advance(60_000);
      return kit.services.sync.run(kit.system, source.id, { input: path });
    };
    await sync('cps_caseworker');
    const worker = await kit.db.selectFrom('workers').select('id').where('login_id', '=', 'pmover').executeTakeFirstOrThrow();
    await giveCpsAccess(kit, s, worker.id);
    const run = await sync('preventive_caseworker');
    assert.equal(run.counts.movers, 1);
    assert.deepEqual(await kit.services.movers.processMoverEvents(kit.clock.now()), { movers: 1, removals: 1, requests: 1 });
    assert.deepEqual((await functionCodes(kit, s, worker.id)).codes, []);
  });
});
