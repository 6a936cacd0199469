import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addApplication, addFunction, addUnit, addWorker, changeAccount, createAgency } from '../../../test/helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';
import type { RequestContext } from '../auth/actor.ts';
import type { GrantInput } from './grants.schemas.ts';
import { isGrantLiveAt } from './grants.service.ts';

async function setUp(kit: TestKit) {
  const agency = await createAgency(kit, 'MONROE');
  const unit = await addUnit(kit, agency.id, 'CPS');
  const app = await addApplication(kit, 'CONNECTIONS');
  const caseworker = await addFunction(kit, app, 'CPS CASEWORKER');
  const supervisor = await addFunction(kit, app, 'CPS SUPERVISOR');
  const worker = await addWorker(kit, agency.id, unit);
  const account = await addAccount(kit, worker, app, unit);
  const coordinator = await kit.tokenFor('security_coordinator', agency.id);
  const grant = (input: Partial<GrantInput> & Pick<GrantInput, 'kind'>, ctx: RequestContext = kit.system) =>
    kit.db.transaction().execute((trx) => kit.services.grants.grantInTransaction(trx, ctx, { accountId: account, provenanceKind: 'assessment', provenanceId: 'ASSESS-7', ...input }));
  return { agency, unit, app, caseworker, supervisor, worker, account, coordinator, grant };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

describeEachDatabase('grants', (current) => {
  it('records a grant with its provenance and an audit event', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const grant = await s.grant({ kind: 'function', functionId: s.caseworker, reason: 'Assessment approved' });
    assert.deepEqual(grant.provenance, { kind: 'assessment', id: 'ASSESS-7' });
    assert.equal(grant.workerId, s.worker);
    assert.equal(grant.validFrom, kit.clock.now().toISOString());
    const fetched = await kit.call('GET', `/api/v1/grants/${grant.id}`, { token: s.coordinator });
    assert.deepEqual(fetched.body, grant);
    const event = await kit.db.selectFrom('audit_events').selectAll().where('subject_id', '=', grant.id).executeTakeFirstOrThrow();
    assert.equal(event.action, 'grant.created');
    assert.equal(event.reason, 'Assessment approved');
  });

  it('refuses to let anyone grant access to themselves', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const self: RequestContext = { ...kit.system, actor: { ...kit.system.actor, workerId: s.worker } };
    assert.equal(await rejection(s.grant({ kind: 'function', functionId: s.caseworker }, self)), 'grant.self_grant');
    assert.equal(await kit.db.selectFrom('grants').select('id').executeTakeFirst(), undefined);
  });

  it('refuses a second grant of a function the account already holds for an overlapping period', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    await s.grant({ kind: 'function', functionId: s.caseworker, validTo: '2026-04-01T00:00:00Z' });
    assert.equal(await rejection(s.grant({ kind: 'function', functionId: s.caseworker })), 'grant.duplicate');
    const later = await s.grant({ kind: 'function', functionId: s.caseworker, validFrom: '2026-04-01T00:00:00.000Z' });
    assert.equal(later.validFrom, '2026-04-01T00:00:00.000Z');
  });

  it('checks the target: function of the account application, unit of its agency, a real window', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const otherApp = await addApplication(kit, 'FASTRACK');
    const foreignFunction = await addFunction(kit, otherApp, 'FT USER');
    assert.equal(await rejection(s.grant({ kind: 'function', functionId: foreignFunction })), 'input.invalid');
    const erie = await createAgency(kit, 'ERIE');
    assert.equal(await rejection(s.grant({ kind: 'unit_hierarchy', unitId: erie.holdingUnitId })), 'unit.not_found');
    assert.equal(await rejection(s.grant({ kind: 'unit_hierarchy', unitId: s.unit, functionId: s.caseworker })), 'input.invalid');
    assert.equal(await rejection(s.grant({ kind: 'function', functionId: s.caseworker, validFrom: '2026-04-01T00:00:00Z', validTo: '2026-03-01T00:00:00Z' })), 'input.invalid');
    assert.equal(await rejection(s.grant({ kind: 'function', functionId: s.caseworker, accountId: 'nope' })), 'account.not_found');
  });

  it('refuses grants on an end-dated account', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    await changeAccount(kit, s.account, kit.clock.now().toISOString(), { endDate: '2026-03-01' });
    assert.equal(await rejection(s.grant({ kind: 'function', functionId: s.caseworker })), 'account.end_dated');
  });

  it('revokes a grant once, keeping the row with who, when and why', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const grant = await s.grant({ kind: 'function', functionId: s.caseworker });
    kit.clock.set('2026-03-05T10:00:00.000Z');
    const revoked = await kit.call('POST', `/api/v1/grants/${grant.id}/revoke`, { token: s.coordinator, body: { reason: '  Job change  ' } });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.revokedAt, '2026-03-05T10:00:00.000Z');
    assert.equal(revoked.body.revokeReason, 'Job change');
    const again = await kit.call('POST', `/api/v1/grants/${grant.id}/revoke`, { token: s.coordinator, body: { reason: 'again' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'grant.already_revoked');
    const events = await kit.db.selectFrom('audit_events').select(['action', 'reason']).where('subject_id', '=', grant.id).orderBy('seq').execute();
    assert.deepEqual(events, [{ action: 'grant.created', reason: null }, { action: 'grant.revoked', reason: 'Job change' }]);
  });

  it('lets only coordinators and state administrators of the agency revoke', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const grant = await s.grant({ kind: 'function', functionId: s.caseworker });
    const lanAdmin = await kit.tokenFor('lan_admin', s.agency.id);
    const body = { reason: 'no' };
    assert.equal((await kit.call('POST', `/api/v1/grants/${grant.id}/revoke`, { token: lanAdmin, body })).body.error.code, 'auth.forbidden');
    const erie = await createAgency(kit, 'ERIE');
    const erieCoordinator = await kit.tokenFor('security_coordinator', erie.id);
    const hidden = await kit.call('POST', `/api/v1/grants/${grant.id}/revoke`, { token: erieCoordinator, body });
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error.code, 'grant.not_found');
    assert.equal((await kit.call('GET', `/api/v1/grants/${grant.id}`, { token: erieCoordinator })).status, 404);
  });

  it("lists a worker's live grants, at an instant, or every grant with includeEnded", async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const caseworker = await s.grant({ kind: 'function', functionId: s.caseworker, validTo: '2026-03-10T00:00:00Z' });
    kit.clock.advance(1000);
    const supervisor = await s.grant({ kind: 'function', functionId: s.supervisor });
    kit.clock.set('2026-03-20T12:00:00.000Z');
    const path = `/api/v1/workers/${s.worker}/grants`;
    const ids = async (query: string) => ((await kit.call('GET', `${path}${query}`, { token: s.coordinator })).body.items as { id: string }[]).map((g) => g.id);
    assert.deepEqual(await ids(''), [supervisor.id]);
    assert.deepEqual(await ids('?at=2026-03-05T00:00:00Z'), [caseworker.id, supervisor.id]);
    assert.deepEqual(await ids('?includeEnded=true'), [caseworker.id, supervisor.id]);
    assert.equal((await kit.call('GET', `${path}?includeEnded=maybe`, { token: s.coordinator })).status, 400);
  });

  it("pages an agency's grants and filters them by function, kind and liveness", async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const caseworker = await s.grant({ kind: 'function', functionId: s.caseworker });
    kit.clock.advance(1000);
    const supervisor = await s.grant({ kind: 'function', functionId: s.supervisor });
    kit.clock.advance(1000);
    const hierarchy = await s.grant({ kind: 'unit_hierarchy', unitId: s.unit, provenanceKind: 'coverage' });
    await kit.services.grants.revoke(kit.system, supervisor.id, 'Not needed');
    const path = `/api/v1/agencies/${s.agency.id}/grants`;
    const list = (query: string) => kit.call('GET', `${path}${query}`, { token: s.coordinator });
    const first = await list('?limit=2');
    assert.equal(first.body.items.length, 2);
    const second = await list(`?limit=2&cursor=${first.body.nextCursor}`);
    assert.deepEqual([...first.body.items, ...second.body.items].map((g: { id: string }) => g.id), [caseworker.id, supervisor.id, hierarchy.id]);
    assert.equal(second.body.nextCursor, null);
    assert.deepEqual((await list('?live=true')).body.items.map((g: { id: string }) => g.id), [caseworker.id, hierarchy.id]);
    assert.deepEqual((await list('?kind=unit_hierarchy')).body.items.map((g: { id: string }) => g.id), [hierarchy.id]);
    assert.deepEqual((await list(`?functionId=${s.supervisor}`)).body.items.map((g: { id: string }) => g.id), [supervisor.id]);
    assert.equal((await list('?functionId=CPS')).status, 400);
  });

  it('offers no route to create a grant directly', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const response = await kit.call('POST', '/api/v1/grants', { token: admin, body: {} });
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'route.not_found');
  });
});

it('isGrantLiveAt: live from granted_at and valid_from, until valid_to or revoked_at', () => {
  const grant = { grantedAt: '2026-03-02T00:00:00.000Z', validFrom: '2026-03-01T00:00:00.000Z', validTo: '2026-03-10T00:00:00.000Z', revokedAt: null };
  assert.equal(isGrantLiveAt(grant, new Date('2026-03-01T12:00:00Z')), false);
  assert.equal(isGrantLiveAt(grant, new Date('2026-03-02T00:00:00Z')), true);
  assert.equal(isGrantLiveAt(grant, new Date('2026-03-10T00:00:00Z')), false);
  assert.equal(isGrantLiveAt({ ...grant, validTo: null }, new Date('2030-01-01T00:00:00Z')), true);
  assert.equal(isGrantLiveAt({ ...grant, revokedAt: '2026-03-05T00:00:00.000Z' }, new Date('2026-03-04T23:59:59.999Z')), true);
  assert.equal(isGrantLiveAt({ ...grant, revokedAt: '2026-03-05T00:00:00.000Z' }, new Date('2026-03-05T00:00:00Z')), false);
});
