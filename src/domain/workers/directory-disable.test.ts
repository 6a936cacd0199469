import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addApplication, addFunction, addUnit, addWorker, createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit, type TestKit } from '../../../test/helpers/kit.ts';

async function setup(kit: TestKit) {
  const agency = await createAgency(kit, 'MONROE');
  const unit = await addUnit(kit, agency.id, 'C10');
  const worker = await addWorker(kit, agency.id, unit);
  const connections = await addApplication(kit, 'CONNECTIONS');
  const payroll = await addApplication(kit, 'PAYROLL');
  const cps = await addFunction(kit, connections, 'CPS CASEWORKER');
  const connectionsAccount = await addAccount(kit, worker, connections, unit);
  const payrollAccount = await addAccount(kit, worker, payroll, unit);
  await kit.db.transaction().execute((trx) =>
    kit.services.grants.grantInTransaction(trx, kit.system, { accountId: connectionsAccount, kind: 'function', functionId: cps, provenanceKind: 'import', provenanceId: 'initial-load' }),
  );
  const lanAdmin = await kit.tokenFor('lan_admin', agency.id);
  return { agency, worker, connectionsAccount, payrollAccount, lanAdmin };
}

async function statuses(kit: TestKit, ids: string[]) {
  const rows = await kit.db.selectFrom('accounts').select(['id', 'status', 'disabled_by']).where('id', 'in', ids).execute();
  return Object.fromEntries(rows.map((r) => [r.id, `${r.status}${r.disabled_by ? `:${r.disabled_by}` : ''}`]));
}

describeEachDatabase('directory disable reaches every account at once', (current) => {
  it('disables every application account in the same request as the directory disable', async () => {
    const kit = createTestKit(current());
    const { worker, connectionsAccount, payrollAccount, lanAdmin } = await setup(kit);
    const before = await kit.services.access.effectiveAccess(kit.system, worker, 'CONNECTIONS');
    assert.equal(before.functions.length, 1);

    const response = await kit.call('POST', `/api/v1/workers/${worker}/disable`, { token: lanAdmin, body: { reason: 'left the agency today' } });
    assert.equal(response.status, 200);
    assert.deepEqual(await statuses(kit, [connectionsAccount, payrollAccount]), {
      [connectionsAccount]: 'disabled:directory',
      [payrollAccount]: 'disabled:directory',
    });
    const after = await kit.services.access.effectiveAccess(kit.system, worker, 'CONNECTIONS');
    assert.equal(after.active, false);
    assert.deepEqual(after.functions, []);
    const actions = await kit.db.selectFrom('audit_events').select('action').where('request_id', '=', response.headers.get('x-request-id')).orderBy('seq').execute();
    assert.deepEqual(actions.map((a) => a.action), ['worker.disabled', 'account.disabled', 'account.disabled', 'leaver_case.opened']);
  });

  it('restores on enable only the accounts the directory disabled, not a coordinator\'s disable', async () => {
    const kit = createTestKit(current());
    const { agency, worker, connectionsAccount, payrollAccount, lanAdmin } = await setup(kit);
    const coordinator = await kit.tokenFor('security_coordinator', agency.id);
    assert.equal((await kit.call('POST', `/api/v1/accounts/${payrollAccount}/disable`, { token: coordinator, body: { reason: 'no longer needs payroll' } })).status, 200);
    await kit.call('POST', `/api/v1/workers/${worker}/disable`, { token: lanAdmin, body: { reason: 'on a disciplinary hold' } });
    await kit.call('POST', `/api/v1/workers/${worker}/enable`, { token: lanAdmin, body: { reason: 'hold lifted' } });
    assert.deepEqual(await statuses(kit, [connectionsAccount, payrollAccount]), {
      [connectionsAccount]: 'active',
      [payrollAccount]: 'disabled:coordinator',
    });
  });
});
