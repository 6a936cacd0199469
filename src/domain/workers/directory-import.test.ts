import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addApplication, addUnit, createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit, type TestKit } from '../../../test/helpers/kit.ts';
import type { RequestContext } from '../auth/actor.ts';
import type { DirectoryRecord } from '../../sync/directory-record.ts';
import { AppError } from '../../shared/errors.ts';

function record(externalId: string, fields: Partial<DirectoryRecord> = {}): DirectoryRecord {
  return {
    externalId, loginId: `login.${externalId.toLowerCase()}`, firstName: 'Pat', lastName: `Worker ${externalId}`, email: null, unitCode: 'C10',
    jobType: 'cps_caseworker', supervisorExternalId: null, enabled: true, hireDate: '2026-01-05', terminationDate: null, ...fields,
  };
}

async function setup(kit: TestKit) {
  const agency = await createAgency(kit, 'MONROE');
  const unit = await addUnit(kit, agency.id, 'C10');
  const otherUnit = await addUnit(kit, agency.id, 'P20');
  const lanAdmin: RequestContext = { requestId: 'import-test', actor: { principalId: 'lan-admin', name: 'LAN admin', roles: [{ role: 'lan_admin', agencyId: agency.id }], workerId: null } };
  return { agency, unit, otherUnit, lanAdmin };
}

async function workersOf(kit: TestKit, agencyId: string) {
  const rows = await kit.db.selectFrom('workers').select(['external_id', 'login_id', 'job_type', 'unit_id', 'enabled', 'supervisor_id', 'id']).where('agency_id', '=', agencyId).orderBy('external_id').execute();
  return new Map(rows.map((r) => [r.external_id, r]));
}

async function rejection(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof AppError, 'expected the import to be refused');
  return error;
}

describeEachDatabase('directory import into the built-in directory', (current) => {
  it('registers new workers, changes the listed ones and leaves the unlisted alone', async () => {
    const kit = createTestKit(current());
    const { agency, otherUnit, lanAdmin } = await setup(kit);
    await kit.services.directoryImport.importRecords(lanAdmin, agency.id, [record('E1'), record('E2'), record('E3')], { reason: 'first load' });

    const result = await kit.services.directoryImport.importRecords(lanAdmin, agency.id, [
      record('E1', { jobType: 'preventive_caseworker', unitCode: 'P20' }),
      record('E2'),
      record('E4', { supervisorExternalId: 'E5' }),
      record('E5'),
    ], { reason: 'weekly HR export' });

    assert.deepEqual({ registered: result.registered, updated: result.updated, unchanged: result.unchanged }, { registered: 2, updated: 1, unchanged: 1 });
    const workers = await workersOf(kit, agency.id);
    assert.equal(workers.size, 5);
    assert.equal(workers.get('E1')?.job_type, 'preventive_caseworker');
    assert.equal(workers.get('E1')?.unit_id, otherUnit);
    assert.equal(workers.get('E3')?.enabled, 1);
    assert.equal(workers.get('E4')?.supervisor_id, workers.get('E5')?.id);
    const actions = await kit.db.selectFrom('audit_events').select(['action', 'reason']).where('reason', '=', 'weekly HR export').orderBy('seq').execute();
    assert.deepEqual(actions.map((a) => a.action).sort(), ['worker.registered', 'worker.registered', 'worker.updated']);
  });

  it('disables every account of a worker the file marks disabled', async () => {
    const kit = createTestKit(current());
    const { agency, unit, lanAdmin } = await setup(kit);
    await kit.services.directoryImport.importRecords(lanAdmin, agency.id, [record('E1')], { reason: 'first load' });
    const worker = (await workersOf(kit, agency.id)).get('E1');
    assert.ok(worker);
    const account = await addAccount(kit, worker.id, await addApplication(kit, 'CONNECTIONS'), unit);

    const result = await kit.services.directoryImport.importRecords(lanAdmin, agency.id, [record('E1', { enabled: false })], { reason: 'left the agency' });

    assert.equal(result.disabled, 1);
    const row = await kit.db.selectFrom('accounts').select(['status', 'disabled_by']).where('id', '=', account).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'disabled', disabled_by: 'directory' });
  });

  it('refuses the whole file when one record names a unit the agency does not have', async () => {
    const kit = createTestKit(current());
    const { agency, lanAdmin } = await setup(kit);
    const error = await rejection(kit.services.directoryImport.importRecords(lanAdmin, agency.id, [record('E1'), record('E2', { unitCode: 'Z99' })], { reason: 'load' }));

    assert.equal(error.code, 'input.invalid');
    assert.deepEqual(error.details, [{ field: 'E2', message: 'unit "Z99" does not exist in the agency; create it first' }]);
    assert.equal((await workersOf(kit, agency.id)).size, 0);
  });

  it('with skip-invalid imports the rest and reports the record left out and those reporting to it', async () => {
    const kit = createTestKit(current());
    const { agency, lanAdmin } = await setup(kit);
    const result = await kit.services.directoryImport.importRecords(
      lanAdmin, agency.id, [record('E1'), record('E2', { unitCode: 'Z99' }), record('E3', { supervisorExternalId: 'E2' })], { reason: 'load', skipInvalid: true },
    );

    assert.equal(result.registered, 1);
    assert.deepEqual(result.skipped.map((p) => p.ref).sort(), ['E2', 'E3']);
    assert.deepEqual([...(await workersOf(kit, agency.id)).keys()], ['E1']);
  });

  it('refuses a login id that belongs to a worker of another agency', async () => {
    const kit = createTestKit(current());
    const { agency, lanAdmin } = await setup(kit);
    const erie = await createAgency(kit, 'ERIE');
    await addUnit(kit, erie.id, 'C10');
    const erieAdmin: RequestContext = { requestId: 'erie', actor: { principalId: 'erie-admin', name: 'Erie admin', roles: [{ role: 'lan_admin', agencyId: erie.id }], workerId: null } };
    await kit.services.directoryImport.importRecords(erieAdmin, erie.id, [record('X1', { loginId: 'jdoe' })], { reason: 'load' });

    const error = await rejection(kit.services.directoryImport.importRecords(lanAdmin, agency.id, [record('E1', { loginId: 'JDoe' })], { reason: 'load' }));
    assert.match(JSON.stringify(error.details), /login id \\"JDoe\\" already belongs to another worker/);
  });

  it('refuses supervisors that form a cycle', async () => {
    const kit = createTestKit(current());
    const { agency, lanAdmin } = await setup(kit);
    const error = await rejection(kit.services.directoryImport.importRecords(
      lanAdmin, agency.id, [record('E1', { supervisorExternalId: 'E2' }), record('E2', { supervisorExternalId: 'E1' })], { reason: 'load' },
    ));
    assert.match(error.message, /2 of 2 records cannot be imported/);
  });

  it('changes nothing on a dry run but says what would change', async () => {
    const kit = createTestKit(current());
    const { agency, lanAdmin } = await setup(kit);
    const result = await kit.services.directoryImport.importRecords(lanAdmin, agency.id, [record('E1'), record('E2')], { reason: 'load', dryRun: true });

    assert.equal(result.registered, 2);
    assert.equal((await workersOf(kit, agency.id)).size, 0);
  });

  it("answers agency not found to a LAN administrator of another agency", async () => {
    const kit = createTestKit(current());
    const { agency } = await setup(kit);
    const erie = await createAgency(kit, 'ERIE');
    const erieAdmin: RequestContext = { requestId: 'erie', actor: { principalId: 'erie-admin', name: 'Erie admin', roles: [{ role: 'lan_admin', agencyId: erie.id }], workerId: null } };
    const error = await rejection(kit.services.directoryImport.importRecords(erieAdmin, agency.id, [record('E1')], { reason: 'load' }));
    assert.equal(error.code, 'agency.not_found');
  });
});
