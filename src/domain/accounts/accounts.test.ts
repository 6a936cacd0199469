import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addApplication, addUnit, addWorker, addWorkItem, createAgency } from '../../../test/helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';
import { ensureBuiltinApplications } from '../applications/applications.service.ts';
import { findAccountStateAt } from './accounts.repo.ts';
import type { Account } from './accounts.schemas.ts';

async function setup(kit: TestKit) {
  const monroe = await createAgency(kit, 'MONROE');
  const erie = await createAgency(kit, 'ERIE');
  await ensureBuiltinApplications(kit.db, kit.clock.now().toISOString());
  const connections = (await kit.db.selectFrom('applications').select('id').where('code', '=', 'CONNECTIONS').executeTakeFirstOrThrow()).id;
  const unit = await addUnit(kit, monroe.id, 'U100');
  const worker = await addWorker(kit, monroe.id, unit);
  const coordinator = await kit.tokenFor('security_coordinator', monroe.id);
  return { monroe, erie, connections, unit, worker, coordinator };
}

async function openAccount(kit: TestKit, token: string, workerId: string, applicationId: string): Promise<Account> {
  const opened = await kit.call('POST', '/api/v1/accounts', { token, body: { workerId, applicationId } });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  const account: Account = opened.body;
  return account;
}

describeEachDatabase('application accounts', (current) => {
  it('opens a new account active in the N01 holding unit with no grants', async () => {
    const kit = createTestKit(current());
    const { monroe, connections, worker, coordinator } = await setup(kit);
    const account = await openAccount(kit, coordinator, worker, connections);
    assert.equal(account.unitId, monroe.holdingUnitId);
    assert.equal(account.status, 'active');
    assert.equal(account.agencyId, monroe.id);
    assert.equal(account.version, 1);
    assert.equal((await kit.db.selectFrom('grants').select('id').where('account_id', '=', account.id).execute()).length, 0);
    const history = await kit.db.selectFrom('account_history').selectAll().where('account_id', '=', account.id).execute();
    assert.deepEqual(history.map((h) => [h.status, h.unit_id, h.valid_from, h.valid_to]), [['active', monroe.holdingUnitId, account.createdAt, null]]);
    const event = await kit.db.selectFrom('audit_events').select(['action', 'agency_id']).where('subject_id', '=', account.id).executeTakeFirstOrThrow();
    assert.deepEqual(event, { action: 'account.opened', agency_id: monroe.id });
  });

  it("lists the new workers waiting in N01 as the security coordinator's queue, until they are placed", async () => {
    const kit = createTestKit(current());
    const { monroe, connections, unit, worker, coordinator } = await setup(kit);
    const placed = await addWorker(kit, monroe.id, unit);
    const waiting = await openAccount(kit, coordinator, worker, connections);
    const moved = await openAccount(kit, coordinator, placed, connections);
    await kit.call('PATCH', `/api/v1/accounts/${moved.id}`, { token: coordinator, body: { unitId: unit, version: moved.version } });
    const queue = await kit.call('GET', `/api/v1/agencies/${monroe.id}/accounts?awaitingAssessment=true`, { token: coordinator });
    assert.equal(queue.status, 200);
    assert.deepEqual(queue.body.items.map((a: Account) => a.id), [waiting.id]);
  });

  it('refuses a second account for the same worker and application', async () => {
    const kit = createTestKit(current());
    const { connections, worker, coordinator } = await setup(kit);
    await openAccount(kit, coordinator, worker, connections);
    const again = await kit.call('POST', '/api/v1/accounts', { token: coordinator, body: { workerId: worker, applicationId: connections } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'account.duplicate');
  });

  it('rejects malformed ids, missing fields and unknown fields', async () => {
    const kit = createTestKit(current());
    const { worker, coordinator } = await setup(kit);
    const response = await kit.call('POST', '/api/v1/accounts', { token: coordinator, body: { workerId: 'W123', unitId: worker } });
    assert.equal(response.status, 400);
    const fields = [...new Set(response.body.error.details.map((d: { field: string }) => d.field))].sort();
    assert.deepEqual(fields, ['body.applicationId', 'body.unitId', 'body.workerId']);
    const account = await openAccount(kit, coordinator, worker, await addApplication(kit, 'HR_PORTAL'));
    const badDate = await kit.call('POST', `/api/v1/accounts/${account.id}/end-date`, { token: coordinator, body: { endDate: '2026-02-30', reason: '' } });
    assert.equal(badDate.status, 400);
    assert.deepEqual(badDate.body.error.details.map((d: { field: string }) => d.field).sort(), ['body.endDate', 'body.reason']);
  });

  it("hides another agency's workers and accounts from a security coordinator", async () => {
    const kit = createTestKit(current());
    const { monroe, erie, connections, worker, coordinator } = await setup(kit);
    const account = await openAccount(kit, coordinator, worker, connections);
    const erieCoordinator = await kit.tokenFor('security_coordinator', erie.id);
    const open = await kit.call('POST', '/api/v1/accounts', { token: erieCoordinator, body: { workerId: worker, applicationId: connections } });
    assert.equal(open.status, 404);
    assert.equal(open.body.error.code, 'worker.not_found');
    const read = await kit.call('GET', `/api/v1/accounts/${account.id}`, { token: erieCoordinator });
    assert.equal(read.status, 404);
    assert.equal(read.body.error.code, 'account.not_found');
    assert.equal((await kit.call('POST', `/api/v1/accounts/${account.id}/disable`, { token: erieCoordinator, body: { reason: 'x' } })).status, 404);
    assert.equal((await kit.call('GET', `/api/v1/agencies/${monroe.id}/accounts`, { token: erieCoordinator })).body.error.code, 'agency.not_found');
    assert.equal((await kit.call('GET', `/api/v1/workers/${worker}/accounts`, { token: erieCoordinator })).body.error.code, 'worker.not_found');
  });

  it('refuses to end-date a worker with open work items, and end-dates once they are closed', async () => {
    const kit = createTestKit(current());
    const { monroe, connections, unit, worker, coordinator } = await setup(kit);
    const account = await openAccount(kit, coordinator, worker, connections);
    const owned = { agencyId: monroe.id, applicationId: connections, unitId: unit, ownerWorkerId: worker };
    const open = [await addWorkItem(kit, owned), await addWorkItem(kit, owned)];
    await addWorkItem(kit, { ...owned, status: 'closed' });
    await addWorkItem(kit, { ...owned, applicationId: await addApplication(kit, 'HR_PORTAL') });

    const refused = await kit.call('POST', `/api/v1/accounts/${account.id}/end-date`, { token: coordinator, body: { endDate: '2026-03-02', reason: 'Left the agency' } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'account.open_work_items');
    assert.deepEqual(refused.body.error.details, { openWorkItems: 2 });
    assert.match(refused.body.error.message, /2 open work items in CONNECTIONS.*Reassign/);
    assert.equal((await kit.call('GET', `/api/v1/accounts/${account.id}`, { token: coordinator })).body.endDate, null);

    await kit.db.updateTable('work_items').set({ status: 'closed' }).where('id', 'in', open).execute();
    const ended = await kit.call('POST', `/api/v1/accounts/${account.id}/end-date`, { token: coordinator, body: { endDate: '2026-03-02', reason: 'Left the agency' } });
    assert.equal(ended.status, 200);
    assert.equal(ended.body.status, 'end_dated');
    assert.equal(ended.body.endDate, '2026-03-02');
    const event = await kit.db.selectFrom('audit_events').select(['reason']).where('action', '=', 'account.end_dated').executeTakeFirstOrThrow();
    assert.equal(event.reason, 'Left the agency');

    const enable = await kit.call('POST', `/api/v1/accounts/${account.id}/enable`, { token: coordinator, body: { reason: 'Came back' } });
    assert.equal(enable.status, 409);
    assert.equal(enable.body.error.code, 'account.end_dated');
    const move = await kit.call('PATCH', `/api/v1/accounts/${account.id}`, { token: coordinator, body: { unitId: unit, version: ended.body.version } });
    assert.equal(move.body.error.code, 'account.end_dated');
  });

  it("records a later end date without closing the account yet, by the agency's calendar", async () => {
    const kit = createTestKit(current());
    const { connections, worker, coordinator } = await setup(kit);
    const account = await openAccount(kit, coordinator, worker, connections);
    kit.clock.set('2026-03-03T03:00:00.000Z');
    const past = await kit.call('POST', `/api/v1/accounts/${account.id}/end-date`, { token: coordinator, body: { endDate: '2026-03-01', reason: 'Leaving' } });
    assert.equal(past.status, 422);
    assert.equal(past.body.error.code, 'input.invalid');
    const later = await kit.call('POST', `/api/v1/accounts/${account.id}/end-date`, { token: coordinator, body: { endDate: '2026-03-03', reason: 'Leaving' } });
    assert.equal(later.status, 200);
    assert.equal(later.body.status, 'active');
    assert.equal(later.body.endDate, '2026-03-03');
  });

  it('disables and enables with a reason, closing one history row and opening the next each time', async () => {
    const kit = createTestKit(current());
    const { connections, worker, coordinator } = await setup(kit);
    const account = await openAccount(kit, coordinator, worker, connections);
    kit.clock.set('2026-03-03T10:00:00.000Z');
    const disabled = await kit.call('POST', `/api/v1/accounts/${account.id}/disable`, { token: coordinator, body: { reason: 'Suspected misuse' } });
    assert.equal(disabled.status, 200);
    assert.deepEqual([disabled.body.status, disabled.body.disabledBy, disabled.body.version], ['disabled', 'coordinator', 2]);
    kit.clock.set('2026-03-04T10:00:00.000Z');
    const enabled = await kit.call('POST', `/api/v1/accounts/${account.id}/enable`, { token: coordinator, body: { reason: 'Cleared' } });
    assert.deepEqual([enabled.body.status, enabled.body.disabledBy, enabled.body.version], ['active', null, 3]);

    const history = await kit.db.selectFrom('account_history').selectAll().where('account_id', '=', account.id).orderBy('valid_from').execute();
    assert.deepEqual(history.map((h) => [h.status, h.valid_from, h.valid_to]), [
      ['active', account.createdAt, '2026-03-03T10:00:00.000Z'],
      ['disabled', '2026-03-03T10:00:00.000Z', '2026-03-04T10:00:00.000Z'],
      ['active', '2026-03-04T10:00:00.000Z', null],
    ]);
    assert.equal((await findAccountStateAt(kit.db, account.id, '2026-03-03T12:00:00.000Z'))?.status, 'disabled');
    assert.equal((await findAccountStateAt(kit.db, account.id, '2026-03-04T10:00:00.000Z'))?.status, 'active');
    assert.equal(await findAccountStateAt(kit.db, account.id, '2026-03-01T00:00:00.000Z'), undefined);
    const events = await kit.db.selectFrom('audit_events').select(['action', 'reason']).where('subject_id', '=', account.id).orderBy('seq').execute();
    assert.deepEqual(events, [
      { action: 'account.opened', reason: null },
      { action: 'account.disabled', reason: 'Suspected misuse' },
      { action: 'account.enabled', reason: 'Cleared' },
    ]);
  });

  it('keeps the first disabler when a disabled account is disabled again', async () => {
    const kit = createTestKit(current());
    const { connections, worker, coordinator } = await setup(kit);
    const account = await openAccount(kit, coordinator, worker, connections);
    await kit.services.accounts.disable(kit.system, account.id, 'Directory says so');
    const again = await kit.db.transaction().execute((trx) => kit.services.accounts.disableInTransaction(trx, kit.system, account.id, { reason: 'Leave starts', disabledBy: 'leave' }));
    assert.deepEqual([again.disabledBy, again.version], ['coordinator', 2]);
    assert.equal((await kit.db.selectFrom('account_history').select('id').where('account_id', '=', account.id).execute()).length, 2);
  });

  it('moves the account to a unit of its agency and refuses a stale version or a foreign unit', async () => {
    const kit = createTestKit(current());
    const { erie, connections, unit, worker, coordinator } = await setup(kit);
    const account = await openAccount(kit, coordinator, worker, connections);
    const moved = await kit.call('PATCH', `/api/v1/accounts/${account.id}`, { token: coordinator, body: { unitId: unit, version: 1 } });
    assert.equal(moved.status, 200);
    assert.deepEqual([moved.body.unitId, moved.body.version], [unit, 2]);
    const stale = await kit.call('PATCH', `/api/v1/accounts/${account.id}`, { token: coordinator, body: { unitId: unit, version: 1 } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'conflict.version');
    const foreign = await kit.call('PATCH', `/api/v1/accounts/${account.id}`, { token: coordinator, body: { unitId: await addUnit(kit, erie.id, 'E100'), version: 2 } });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'unit.not_found');
    const event = await kit.db.selectFrom('audit_events').select(['before', 'after']).where('action', '=', 'account.moved').executeTakeFirstOrThrow();
    assert.equal(JSON.parse(event.before!).unitId, account.unitId);
    assert.equal(JSON.parse(event.after!).unitId, unit);
  });

  it("lists an agency's accounts by status and application, and a worker's accounts", async () => {
    const kit = createTestKit(current());
    const { monroe, connections, unit, worker, coordinator } = await setup(kit);
    const hr = await addApplication(kit, 'HR_PORTAL');
    const other = await addWorker(kit, monroe.id, unit);
    const first = await openAccount(kit, coordinator, worker, connections);
    const second = await openAccount(kit, coordinator, worker, hr);
    const third = await openAccount(kit, coordinator, other, connections);
    await kit.call('POST', `/api/v1/accounts/${third.id}/disable`, { token: coordinator, body: { reason: 'On hold' } });
    const ids = (body: { items: { id: string }[] }) => body.items.map((a) => a.id);
    const base = `/api/v1/agencies/${monroe.id}/accounts`;
    assert.deepEqual(ids((await kit.call('GET', `${base}?status=active`, { token: coordinator })).body), [first.id, second.id]);
    assert.deepEqual(ids((await kit.call('GET', `${base}?applicationId=${connections}`, { token: coordinator })).body), [first.id, third.id]);
    const paged = await kit.call('GET', `${base}?limit=2`, { token: coordinator });
    assert.deepEqual(ids(paged.body), [first.id, second.id]);
    assert.deepEqual(ids((await kit.call('GET', `${base}?limit=2&cursor=${paged.body.nextCursor}`, { token: coordinator })).body), [third.id]);
    assert.deepEqual(ids((await kit.call('GET', `/api/v1/workers/${worker}/accounts`, { token: coordinator })).body), [first.id, second.id]);
    assert.equal((await kit.call('GET', `${base}?status=closed`, { token: coordinator })).status, 400);
  });

  it("opens an account inside the caller's transaction, which rolls back with it", async () => {
    const kit = createTestKit(current());
    const { connections, worker } = await setup(kit);
    await assert.rejects(
      kit.db.transaction().execute(async (trx) => {
        await kit.services.accounts.openAccountInTransaction(trx, kit.system, { workerId: worker, applicationId: connections });
        throw new Error('sync run failed later');
      }),
      /sync run failed later/,
    );
    assert.equal(await kit.db.selectFrom('accounts').select('id').executeTakeFirst(), undefined);
    assert.equal(await kit.db.selectFrom('audit_events').select('seq').where('action', '=', 'account.opened').executeTakeFirst(), undefined);
  });
});
