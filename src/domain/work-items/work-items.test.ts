import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addApplication, addUnit, addWorker, createAgency } from '../../../test/helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';
import { countOpenForWorker } from './work-items.repo.ts';

async function setUp(kit: TestKit) {
  const agency = await createAgency(kit, 'MONROE');
  const unit = await addUnit(kit, agency.id, 'CPS');
  const app = await addApplication(kit, 'CONNECTIONS');
  const leaver = await addWorker(kit, agency.id, unit);
  const supervisor = await addWorker(kit, agency.id, unit);
  const coordinator = await kit.tokenFor('security_coordinator', agency.id);
  const create = (body: Record<string, unknown> = {}) =>
    kit.call('POST', `/api/v1/agencies/${agency.id}/work-items`, {
      token: coordinator,
      body: { applicationId: app, kind: 'case', reference: '2026-004117', title: 'Smith family', unitId: unit, ownerWorkerId: leaver, ...body },
    });
  return { agency, unit, app, leaver, supervisor, coordinator, create };
}

describeEachDatabase('work items', (current) => {
  it('records a case owned by a worker and refuses a second with the same reference', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const created = await s.create({ dueDate: '2026-04-01' });
    assert.equal(created.status, 201);
    assert.equal(created.body.status, 'open');
    assert.equal(created.body.version, 1);
    assert.equal(created.body.dueDate, '2026-04-01');
    const again = await s.create();
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'work_item.duplicate');
    assert.equal((await s.create({ kind: 'todo' })).status, 201);
    const fetched = await kit.call('GET', `/api/v1/work-items/${created.body.id}`, { token: s.coordinator });
    assert.deepEqual(fetched.body, created.body);
  });

  it('refuses an owner or unit from another agency as if they did not exist', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const erie = await createAgency(kit, 'ERIE');
    const erieWorker = await addWorker(kit, erie.id, erie.holdingUnitId);
    assert.equal((await s.create({ ownerWorkerId: erieWorker })).body.error.code, 'worker.not_found');
    assert.equal((await s.create({ unitId: erie.holdingUnitId })).body.error.code, 'unit.not_found');
    assert.equal((await s.create({ reference: '', colour: 'red' })).status, 400);
  });

  it('reassigns an open item to an enabled worker of the agency, checking the version', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const item = (await s.create()).body;
    const reassign = (body: Record<string, unknown>) => kit.call('POST', `/api/v1/work-items/${item.id}/reassign`, { token: s.coordinator, body });
    const moved = await reassign({ ownerWorkerId: s.supervisor, reason: 'Worker leaving', version: 1 });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.ownerWorkerId, s.supervisor);
    assert.equal(moved.body.version, 2);
    const stale = await reassign({ ownerWorkerId: s.leaver, reason: 'Back', version: 1 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'conflict.version');
    const disabled = await addWorker(kit, s.agency.id, s.unit, { enabled: 0 });
    assert.equal((await reassign({ ownerWorkerId: disabled, reason: 'x', version: 2 })).body.error.code, 'work_item.owner_disabled');
    const event = await kit.db.selectFrom('audit_events').selectAll().where('subject_id', '=', item.id).where('action', '=', 'work_item.reassigned').executeTakeFirstOrThrow();
    assert.equal(event.reason, 'Worker leaving');
    assert.deepEqual(JSON.parse(event.after ?? ''), { ownerWorkerId: s.supervisor });
  });

  it('closes an item with a reason, after which it cannot change', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const item = (await s.create()).body;
    kit.clock.set('2026-03-04T09:00:00.000Z');
    const closed = await kit.call('POST', `/api/v1/work-items/${item.id}/close`, { token: s.coordinator, body: { reason: 'Case closed in court' } });
    assert.equal(closed.status, 200);
    assert.equal(closed.body.status, 'closed');
    assert.equal(closed.body.closedAt, '2026-03-04T09:00:00.000Z');
    const reassign = await kit.call('POST', `/api/v1/work-items/${item.id}/reassign`, { token: s.coordinator, body: { ownerWorkerId: s.supervisor, reason: 'x', version: 2 } });
    assert.equal(reassign.status, 409);
    assert.equal(reassign.body.error.code, 'work_item.closed');
    assert.equal((await kit.call('POST', `/api/v1/work-items/${item.id}/close`, { token: s.coordinator, body: { reason: 'again' } })).body.error.code, 'work_item.closed');
  });

  it('counts and lists the open items a worker owns', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const first = (await s.create({ reference: 'A-1' })).body;
    await s.create({ reference: 'A-2', kind: 'todo' });
    await s.create({ reference: 'A-3', ownerWorkerId: s.supervisor });
    await kit.call('POST', `/api/v1/work-items/${first.id}/close`, { token: s.coordinator, body: { reason: 'done' } });
    assert.equal(await countOpenForWorker(kit.db, s.leaver), 1);
    assert.equal(await countOpenForWorker(kit.db, s.leaver, s.app), 1);
    assert.equal(await countOpenForWorker(kit.db, s.supervisor), 1);
    const path = `/api/v1/agencies/${s.agency.id}/work-items`;
    const references = async (query: string) => ((await kit.call('GET', `${path}${query}`, { token: s.coordinator })).body.items as { reference: string }[]).map((i) => i.reference).sort();
    assert.deepEqual(await references(`?ownerWorkerId=${s.leaver}&status=open`), ['A-2']);
    assert.deepEqual(await references('?kind=case'), ['A-1', 'A-3']);
    assert.deepEqual(await references(`?unitId=${s.unit}&limit=500`), ['A-1', 'A-2', 'A-3']);
  });

  it('hides work items from another agency and from roles without access to them', async () => {
    const kit = createTestKit(current());
    const s = await setUp(kit);
    const item = (await s.create()).body;
    const erie = await createAgency(kit, 'ERIE');
    const erieCoordinator = await kit.tokenFor('security_coordinator', erie.id);
    const hidden = await kit.call('GET', `/api/v1/work-items/${item.id}`, { token: erieCoordinator });
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error.code, 'work_item.not_found');
    assert.equal((await kit.call('GET', `/api/v1/agencies/${s.agency.id}/work-items`, { token: erieCoordinator })).body.error.code, 'agency.not_found');
    const lanAdmin = await kit.tokenFor('lan_admin', s.agency.id);
    assert.equal((await kit.call('POST', `/api/v1/work-items/${item.id}/close`, { token: lanAdmin, body: { reason: 'x' } })).status, 403);
  });
});
