import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide, requestAccess, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addWorker } from '../../../test/helpers/fixtures.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';
import { newId } from '../../shared/ids.ts';

describeEachDatabase('the approver inbox', (current) => {
  it("lists what waits for the approver or their deputy, with the worker's access, what is beyond template and SoD warnings", async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const at = kit.clock.now().toISOString();
    const held = { id: newId(), account_id: s.account, worker_id: s.joiner, agency_id: s.agency.id, application_id: s.app, kind: 'function' as const, unit_id: null, provenance_kind: 'import' as const, provenance_id: 'legacy', granted_by: 'system', granted_at: at, valid_from: at, valid_to: null, revoked_at: null, revoked_by: null, revoke_reason: null };
    await kit.db.insertInto('grants').values({ ...held, function_id: s.supervisorFn }).execute();
    const policy = (await kit.call('GET', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.coordinatorA })).body;
    await kit.call('PUT', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.coordinatorA, body: { ...policy.definition, sodMode: 'extra_approval' } });
    await kit.call('POST', `/api/v1/agencies/${s.agency.id}/sod-rules`, { token: s.tokens.coordinatorA, body: { functionAId: s.supervisorFn, functionBId: s.allDistFn, description: 'Supervisors do not search the whole district' } });

    const wide = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }, { kind: 'function', functionId: s.allDistFn, justification: 'Night hotline' }]);
    assert.equal(wide.status, 201, JSON.stringify(wide.body));
    const cover = await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit }]);

    const inbox = await kit.call('GET', '/api/v1/approvals/inbox', { token: s.tokens.supervisor });
    assert.equal(inbox.status, 200, JSON.stringify(inbox.body));
    assert.deepEqual(inbox.body.items.map((i: { request: { id: string } }) => i.request.id), [wide.body.id, cover.body.id]);
    const [first] = inbox.body.items;
    assert.deepEqual([first.stage.name, first.seats], ['Supervisor', [s.supervisor]]);
    assert.deepEqual(first.beyondTemplate, { requested: [s.allDistFn], held: [s.supervisorFn] });
    assert.deepEqual(first.subjectAccess.grants.map((g: { code: string; inTemplate: boolean }) => [g.code, g.inTemplate]), [['CPS SUPERVISOR', false]]);
    assert.equal(first.subjectAccess.unitId, s.agency.holdingUnitId);
    assert.deepEqual(first.sodWarnings.map((w: { description: string }) => w.description), ['Supervisors do not search the whole district']);

    const page1 = await kit.call('GET', '/api/v1/approvals/inbox?limit=1', { token: s.tokens.supervisor });
    assert.equal(page1.body.items.length, 1);
    const page2 = await kit.call('GET', `/api/v1/approvals/inbox?limit=1&cursor=${page1.body.nextCursor}`, { token: s.tokens.supervisor });
    assert.deepEqual([page2.body.items[0].request.id, page2.body.nextCursor], [cover.body.id, null]);

    const deputy = await addWorker(kit, s.agency.id, s.cpsUnit);
    const deputyToken = await kit.tokenFor('worker', s.agency.id, deputy);
    await kit.call('POST', `/api/v1/workers/${s.unitApprover}/delegations`, { token: s.tokens.unitApprover, body: { deputyWorkerId: deputy, startsOn: '2026-03-02', endsOn: '2026-03-03', reason: 'Conference' } });
    assert.deepEqual((await kit.call('GET', '/api/v1/approvals/inbox', { token: deputyToken })).body.items, []);
    assert.equal((await decide(kit, s.tokens.supervisor, wide.body.id)).status, 200);
    const asDeputy = (await kit.call('GET', '/api/v1/approvals/inbox', { token: deputyToken })).body.items;
    assert.deepEqual(asDeputy.map((i: { request: { id: string }; seats: string[] }) => [i.request.id, i.seats]), [[wide.body.id, [s.unitApprover]]]);
    assert.deepEqual((await kit.call('GET', '/api/v1/approvals/inbox', { token: s.tokens.supervisor })).body.items.map((i: { request: { id: string } }) => i.request.id), [cover.body.id]);
    kit.clock.set('2026-03-04T15:00:00.000Z');
    assert.deepEqual((await kit.call('GET', '/api/v1/approvals/inbox', { token: deputyToken })).body.items, []);
  });

  it('never shows a request to the worker it is about or to its requester', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const created = await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit }]);
    await kit.db.updateTable('request_stages').set({ approver_ids: JSON.stringify([s.joiner, s.coordinatorA, s.coordinatorB]) }).where('request_id', '=', created.body.id).execute();
    assert.deepEqual((await kit.call('GET', '/api/v1/approvals/inbox', { token: s.tokens.joiner })).body.items, []);
    assert.deepEqual((await kit.call('GET', '/api/v1/approvals/inbox', { token: s.tokens.coordinatorA })).body.items, []);
    assert.equal((await kit.call('GET', '/api/v1/approvals/inbox', { token: s.tokens.coordinatorB })).body.items.length, 1);
    const service = await kit.tokenFor('security_coordinator', s.agency.id);
    const unlinked = await kit.call('GET', '/api/v1/approvals/inbox', { token: service });
    assert.deepEqual([unlinked.status, unlinked.body.error.code], [403, 'approval.not_approver']);
    assert.equal((await kit.call('GET', '/api/v1/approvals/inbox?limit=501', { token: s.tokens.coordinatorB })).status, 400);
  });
});
