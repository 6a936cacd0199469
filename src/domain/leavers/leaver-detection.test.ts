import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addUnit, createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit, type TestKit } from '../../../test/helpers/kit.ts';
import { createScimClient, patchOpSchema } from '../../../test/helpers/scim.ts';
import type { DirectoryRecord } from '../../sync/directory-record.ts';
import { ensureBuiltinApplications } from '../applications/applications.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { newId } from '../../shared/ids.ts';

const header = 'external_id,login_id,first_name,last_name,email,unit_code,job_type,supervisor_external_id,enabled,hire_date,termination_date';
const files = mkdtempSync(join(tmpdir(), 'gatehouse-leaver-test-'));
after(() => rmSync(files, { recursive: true, force: true }));

/** A CSV HR feed for unit C10 of MONROE, synced a minute after the previous run. */
async function csvFeed(kit: TestKit) {
  const agency = await createAgency(kit, 'MONROE');
  await ensureBuiltinApplications(kit.db, kit.clock.now().toISOString());
  await addUnit(kit, agency.id, 'C10');
  const source = await kit.services.sources.create(kit.system, agency.id, { name: 'hr-feed', kind: 'csv', config: {}, schedule: '0 2 * * *', enabled: true });
  return {
    agency,
    sync: async (lines: string[]) => {
      kit.clock.advance(60_000);
      const path = join(files, `${newId()}.csv`);
      await writeFile(path, `${[header, ...lines].join('\n')}\n`);
      return kit.services.sync.run(kit.system, source.id, { input: path });
    },
  };
}

const line = (id: number, enabled: boolean, terminationDate = '') => `E${id},w${id},Pat,Last${id},w${id}@example.org,C10,cps_caseworker,,${enabled ? 1 : 0},2020-01-01,${terminationDate}`;

async function casesOf(kit: TestKit) {
  return kit.db
    .selectFrom('leaver_cases as c')
    .innerJoin('workers as w', 'w.id', 'c.worker_id')
    .select(['w.login_id as login', 'c.status', 'c.cause', 'c.sync_run_id as syncRunId', 'c.detected_at as detectedAt', 'c.disabled_at as disabledAt'])
    .orderBy('w.login_id')
    .orderBy('c.detected_at')
    .execute();
}

describeEachDatabase('leaver detection', (current) => {
  it('opens a case in the sync run that disables a worker whose termination date has come, or who is disabled in the feed', async () => {
    const kit = createTestKit(current());
    const feed = await csvFeed(kit);
    await feed.sync([line(1, true), line(2, true), line(3, true)]);
    const run = await feed.sync([line(1, true, '2026-03-02'), line(2, false), line(3, true)]);
    const at = kit.clock.now().toISOString();
    assert.deepEqual(await casesOf(kit), [
      { login: 'w1', status: 'open', cause: 'termination_date', syncRunId: run.id, detectedAt: at, disabledAt: at },
      { login: 'w2', status: 'open', cause: 'directory_disabled', syncRunId: run.id, detectedAt: at, disabledAt: at },
    ]);
    const again = await feed.sync([line(1, true, '2026-03-02'), line(2, false), line(3, true)]);
    assert.equal(again.status, 'succeeded');
    assert.equal((await casesOf(kit)).length, 2, 'a second run opens nothing new');
  });

  it('cancels the case when the feed enables the leaver again, and opens a case for a worker gone from the feed', async () => {
    const kit = createTestKit(current());
    const feed = await csvFeed(kit);
    await feed.sync([line(1, true), line(2, true)]);
    await feed.sync([line(1, false), line(2, true)]);
    await feed.sync([line(1, true)]);
    assert.deepEqual((await casesOf(kit)).map((c) => [c.login, c.status, c.cause]), [['w1', 'cancelled', 'directory_disabled'], ['w2', 'open', 'gone_from_directory']]);
  });

  it('opens a case when a SCIM client sets active to false, and cancels it when the client sets it back', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    await ensureBuiltinApplications(kit.db, kit.clock.now().toISOString());
    const id = await scim.createUser({ userName: 'ann.baker', name: { givenName: 'Ann', familyName: 'Baker' } });
    const patch = (value: boolean) => scim.call('PATCH', `/Users/${id}`, { schemas: [patchOpSchema], Operations: [{ op: 'replace', path: 'active', value }] });
    assert.equal((await patch(false)).status, 200);
    assert.deepEqual((await casesOf(kit)).map((c) => [c.login, c.status, c.cause]), [['ann.baker', 'open', 'scim_inactive']]);
    assert.equal((await patch(true)).status, 200);
    assert.deepEqual((await casesOf(kit)).map((c) => c.status), ['cancelled']);
    kit.clock.advance(60_000);
    assert.equal((await scim.call('DELETE', `/Users/${id}`)).status, 204);
    assert.deepEqual((await casesOf(kit)).map((c) => [c.status, c.cause]), [['cancelled', 'scim_inactive'], ['open', 'scim_deleted']]);
  });

  it('disables a built-in directory worker on their termination date, every account with them, and opens the case', async () => {
    const kit = createTestKit(current());
    const agency = await createAgency(kit, 'MONROE');
    await ensureBuiltinApplications(kit.db, kit.clock.now().toISOString());
    const unit = await addUnit(kit, agency.id, 'C10');
    const lanAdmin = await kit.tokenFor('lan_admin', agency.id);
    const registered = await kit.call('POST', `/api/v1/agencies/${agency.id}/workers`, {
      token: lanAdmin, body: { loginId: 'pat.lane', firstName: 'Pat', lastName: 'Lane', unitId: unit, jobType: 'cps_caseworker', terminationDate: '2026-03-04' },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    // Registering opens the worker's CONNECTIONS account in N01.
    const account = await kit.db.selectFrom('accounts').select('id').where('worker_id', '=', registered.body.id).executeTakeFirstOrThrow();

    kit.clock.set('2026-03-03T23:00:00.000Z');
    assert.deepEqual(await kit.services.workers.disableDueTerminations(kit.clock.now()), { disabled: 0 });
    kit.clock.set('2026-03-04T12:00:00.000Z');
    assert.deepEqual(await kit.services.workers.disableDueTerminations(kit.clock.now()), { disabled: 1 });
    assert.deepEqual(await kit.services.workers.disableDueTerminations(kit.clock.now()), { disabled: 0 });
    const accountRow = await kit.db.selectFrom('accounts').select(['status', 'disabled_by']).where('id', '=', account.id).executeTakeFirstOrThrow();
    assert.deepEqual(accountRow, { status: 'disabled', disabled_by: 'directory' });
    assert.deepEqual((await casesOf(kit)).map((c) => [c.login, c.status, c.cause, c.detectedAt]), [['pat.lane', 'open', 'termination_date', '2026-03-04T12:00:00.000Z']]);
  });

  it('opens a case when a directory import disables a worker, and cancels it when a later import enables them', async () => {
    const kit = createTestKit(current());
    const agency = await createAgency(kit, 'MONROE');
    await addUnit(kit, agency.id, 'C10');
    const lanAdmin: RequestContext = { requestId: 'import', actor: { principalId: 'lan-admin', name: 'LAN admin', roles: [{ role: 'lan_admin', agencyId: agency.id }], workerId: null } };
    const record = (enabled: boolean): DirectoryRecord => ({
      externalId: 'E1', loginId: 'pat.lane', firstName: 'Pat', lastName: 'Lane', email: null, unitCode: 'C10', jobType: 'cps_caseworker',
      supervisorExternalId: null, enabled, hireDate: '2026-01-05', terminationDate: null,
    });
    await kit.services.directoryImport.importRecords(lanAdmin, agency.id, [record(true)], { reason: 'first load' });
    await kit.services.directoryImport.importRecords(lanAdmin, agency.id, [record(false)], { reason: 'left the agency' });
    assert.deepEqual((await casesOf(kit)).map((c) => [c.login, c.status, c.cause]), [['pat.lane', 'open', 'directory_disabled']]);
    await kit.services.directoryImport.importRecords(lanAdmin, agency.id, [record(true)], { reason: 'back after all' });
    assert.deepEqual((await casesOf(kit)).map((c) => c.status), ['cancelled']);
  });
});
