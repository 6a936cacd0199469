import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addApplication, addFunction, addUnit, addWorker, changeAccount, changeWorker, createAgency } from '../../../test/helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';
import type { GrantInput } from '../grants/grants.schemas.ts';

/** MONROE with units CPS > CPS-A > CPS-A1 and ADOPT; worker W placed in CPS-A holding CPS CASEWORKER since February. */
async function setUp(kit: TestKit) {
  kit.clock.set('2026-02-01T14:00:00.000Z');
  const agency = await createAgency(kit, 'MONROE');
  const cps = await addUnit(kit, agency.id, 'CPS');
  const cpsA = await addUnit(kit, agency.id, 'CPS-A', cps);
  const cpsA1 = await addUnit(kit, agency.id, 'CPS-A1', cpsA);
  const adopt = await addUnit(kit, agency.id, 'ADOPT');
  const app = await addApplication(kit, 'CONNECTIONS');
  const caseworker = await addFunction(kit, app, 'CPS CASEWORKER', ['Case Search', 'Case Maintenance']);
  const worker = await addWorker(kit, agency.id, cpsA);
  const account = await addAccount(kit, worker, app, cpsA);
  const grant = (input: Partial<GrantInput> & Pick<GrantInput, 'kind'>) =>
    kit.db.transaction().execute((trx) => kit.services.grants.grantInTransaction(trx, kit.system, { accountId: account, provenanceKind: 'request', provenanceId: 'REQ-1', ...input }));
  const caseworkerGrant = await grant({ kind: 'function', functionId: caseworker });
  kit.clock.set('2026-03-02T14:00:00.000Z');
  const coordinator = await kit.tokenFor('security_coordinator', agency.id);
  const read = (at?: string, token = coordinator, application = 'CONNECTIONS') =>
    kit.call('GET', `/api/v1/workers/${worker}/effective-access?application=${encodeURIComponent(application)}${at ? `&at=${encodeURIComponent(at)}` : ''}`, { token });
  return { agency, units: { cps, cpsA, cpsA1, adopt }, app, caseworker, worker, account, grant, caseworkerGrant, coordinator, read };
}

const functionCodes = (body: { functions: { code: string }[] }) => body.functions.map((f) => f.code);

describeEachDatabase('effective access', (current) => {
  it('gives an enabled worker with an active account the granted functions on the placement unit', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const answer = await s.read();
    assert.equal(answer.status, 200);
    assert.equal(answer.body.active, true);
    assert.deepEqual(answer.body.reasons, []);
    assert.equal(answer.body.at, '2026-03-02T14:00:00.000Z');
    assert.equal(answer.body.applicationId, s.app);
    assert.deepEqual(answer.body.functions, [
      { grantId: s.caseworkerGrant.id, functionId: s.caseworker, code: 'CPS CASEWORKER', name: 'CPS CASEWORKER', securityAttributes: ['Case Search', 'Case Maintenance'], provenance: { kind: 'request', id: 'REQ-1' }, validTo: null },
    ]);
    assert.deepEqual(answer.body.units, [{ id: s.units.cpsA, code: 'CPS-A', name: 'Unit CPS-A', via: 'placement' }]);
  });

  it('gives a disabled directory account no access from the disable on, and still answers for before it', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    await changeWorker(kit, s.worker, '2026-03-01T09:00:00.000Z', { enabled: 0 });
    const now = await s.read();
    assert.equal(now.body.active, false);
    assert.deepEqual(now.body.reasons, ['directory_disabled']);
    assert.deepEqual(now.body.functions, []);
    assert.deepEqual(now.body.units, []);
    assert.deepEqual(functionCodes((await s.read('2026-03-01T08:59:59.999Z')).body), ['CPS CASEWORKER']);
  });

  it('gives no access on leave and access again from the return date, by the agency calendar', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    await changeWorker(kit, s.worker, '2026-03-02T14:00:00.000Z', { leaveStart: '2026-03-10', leaveReturn: '2026-03-20' });
    assert.equal((await s.read('2026-03-09T23:00:00.000Z')).body.active, true);
    assert.deepEqual((await s.read('2026-03-12T15:00:00.000Z')).body.reasons, ['on_leave']);
    // 02:00 UTC on the 20th is still the 19th in New York.
    assert.deepEqual((await s.read('2026-03-20T02:00:00.000Z')).body.reasons, ['on_leave']);
    const back = await s.read('2026-03-20T13:00:00.000Z');
    assert.equal(back.body.active, true);
    assert.deepEqual(functionCodes(back.body), ['CPS CASEWORKER']);
  });

  it('treats a leave with no return date as open-ended', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    await changeWorker(kit, s.worker, '2026-03-02T14:00:00.000Z', { leaveStart: '2026-03-10', leaveReturn: null });
    assert.deepEqual((await s.read('2027-01-01T12:00:00.000Z')).body.reasons, ['on_leave']);
  });

  it('gives an end-dated account no access from its end date', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    await changeAccount(kit, s.account, '2026-03-02T14:00:00.000Z', { endDate: '2026-03-05' });
    assert.equal((await s.read('2026-03-04T20:00:00.000Z')).body.active, true);
    assert.deepEqual((await s.read('2026-03-05T15:00:00.000Z')).body.reasons, ['end_dated']);
    await changeAccount(kit, s.account, '2026-03-05T15:00:00.000Z', { status: 'end_dated' });
    assert.deepEqual((await s.read('2026-04-01T15:00:00.000Z')).body.reasons, ['end_dated']);
  });

  it('gives a disabled application account no access and lists every reason that holds', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    await changeAccount(kit, s.account, '2026-03-01T10:00:00.000Z', { status: 'disabled' });
    await changeWorker(kit, s.worker, '2026-03-01T10:00:00.000Z', { enabled: 0 });
    assert.deepEqual((await s.read()).body.reasons, ['directory_disabled', 'account_disabled']);
  });

  it('answers not_registered before the worker existed and no_account before the account did', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    assert.deepEqual((await s.read('2026-01-15T12:00:00.000Z')).body.reasons, ['not_registered', 'no_account']);
    const other = await addApplication(kit, 'FASTRACK');
    const answer = await s.read(undefined, s.coordinator, other);
    assert.deepEqual(answer.body.reasons, ['no_account']);
    assert.equal(answer.body.applicationId, other);
  });

  it('ends a grant with valid_to at valid_to, with nothing run', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const fad = await addFunction(kit, s.app, 'FAD CASEWORKER');
    await s.grant({ kind: 'function', functionId: fad, validTo: '2026-03-15T00:00:00Z' });
    assert.deepEqual(functionCodes((await s.read('2026-03-14T23:59:59.999Z')).body).sort(), ['CPS CASEWORKER', 'FAD CASEWORKER']);
    assert.deepEqual(functionCodes((await s.read('2026-03-15T00:00:00.000Z')).body), ['CPS CASEWORKER']);
  });

  it('drops a revoked grant after revoked_at and still shows it for an earlier instant', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    kit.clock.set('2026-03-10T16:00:00.000Z');
    const revoked = await kit.call('POST', `/api/v1/grants/${s.caseworkerGrant.id}/revoke`, { token: s.coordinator, body: { reason: 'Moved to adoption.' } });
    assert.equal(revoked.status, 200);
    assert.deepEqual(functionCodes((await s.read()).body), []);
    const onMarchFirst = await s.read('2026-03-01T12:00:00.000Z');
    assert.deepEqual(functionCodes(onMarchFirst.body), ['CPS CASEWORKER']);
    assert.equal(onMarchFirst.body.functions[0].grantId, s.caseworkerGrant.id);
  });

  it('gives a unit hierarchy grant the unit and every unit beneath it, for its window only', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    await s.grant({ kind: 'unit_hierarchy', unitId: s.units.cps, provenanceKind: 'coverage', validTo: '2026-03-20T00:00:00Z' });
    const answer = await s.read();
    assert.deepEqual(
      answer.body.units.map((u: { code: string; via: string }) => `${u.code}:${u.via}`),
      ['CPS-A:placement', 'CPS:hierarchy', 'CPS-A1:hierarchy'],
    );
    assert.deepEqual((await s.read('2026-03-20T00:00:00.000Z')).body.units.map((u: { code: string }) => u.code), ['CPS-A']);
  });

  it('lets workers read their own effective access but hides it from another agency', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const own = await kit.tokenFor('worker', s.agency.id, s.worker);
    assert.equal((await s.read(undefined, own)).status, 200);
    const colleague = await kit.tokenFor('worker', s.agency.id);
    assert.equal((await s.read(undefined, colleague)).body.error.code, 'auth.forbidden');
    const erie = await createAgency(kit, 'ERIE');
    const erieCoordinator = await kit.tokenFor('security_coordinator', erie.id);
    const hidden = await s.read(undefined, erieCoordinator);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error.code, 'worker.not_found');
  });

  it('refuses an instant that is not ISO-8601 and an unknown application', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const bad = await s.read('yesterday');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'request.invalid');
    assert.equal(bad.body.error.details[0].field, 'query.at');
    const unknown = await s.read(undefined, s.coordinator, 'NOPE');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'application.not_found');
  });
});
