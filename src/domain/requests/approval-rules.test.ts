import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide, requestAccess, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addWorker } from '../../../test/helpers/fixtures.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';

// testStart is Monday 2026-03-02 14:00Z (09:00 in New York, the agencies' time zone).
describeEachDatabase('approval rules', (current) => {
  it('lets exactly one of several approvers deciding the same stage at once win; the others get a 409 telling them to reload', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const created = await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit }]);
    const extra = await Promise.all([1, 2].map(() => addWorker(kit, s.agency.id, s.cpsUnit)));
    const approvers = [s.supervisor, s.unitApprover, ...extra];
    await kit.db.updateTable('request_stages').set({ approver_ids: JSON.stringify(approvers) }).where('request_id', '=', created.body.id).execute();
    const tokens = [s.tokens.supervisor, s.tokens.unitApprover, ...(await Promise.all(extra.map((w) => kit.tokenFor('worker', s.agency.id, w))))];
    const results = await Promise.all(tokens.map((token, i) => decide(kit, token, created.body.id, i % 2 === 0 ? 'approve' : 'deny', { version: created.body.version })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409]);
    for (const loser of results.filter((r) => r.status === 409)) {
      // A loser is refused by the version check, or (PostgreSQL) chosen as a deadlock victim.
      assert.ok(['conflict.version', 'conflict.concurrent'].includes(loser.body.error.code), loser.body.error.code);
      assert.match(loser.body.error.message, /[Rr]eload/);
    }
    const decisions = await kit.db.selectFrom('request_decisions').select('decision').where('request_id', '=', created.body.id).execute();
    assert.equal(decisions.length, 1);
    const winner = results.find((r) => r.status === 200);
    assert.equal(winner?.body.status, decisions[0]?.decision === 'approve' ? 'provisioned' : 'denied');
  });

  it("honours a delegation from its first to its last day in the agency's time zone, not before or after", async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const deputy = await addWorker(kit, s.agency.id, s.cpsUnit);
    const deputyToken = await kit.tokenFor('worker', s.agency.id, deputy);
    await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor, body: { deputyWorkerId: deputy, startsOn: '2026-03-03', endsOn: '2026-03-04', reason: 'Training' } });
    const requests = [];
    for (const unitId of [s.otherUnit, s.cpsUnit]) requests.push((await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId }])).body.id as string);

    kit.clock.set('2026-03-03T04:59:00.000Z'); // 23:59 on 2 March in New York: the day before
    assert.equal((await decide(kit, deputyToken, requests[0] ?? '')).body.error.code, 'request.not_found');
    kit.clock.set('2026-03-03T05:00:00.000Z'); // midnight, 3 March: the first day
    assert.equal((await decide(kit, deputyToken, requests[0] ?? '')).status, 200);
    kit.clock.set('2026-03-05T04:59:00.000Z'); // 23:59 on 4 March: still the last day
    assert.equal((await kit.call('GET', '/api/v1/approvals/inbox', { token: deputyToken })).body.items.length, 1);
    kit.clock.set('2026-03-05T05:00:00.000Z'); // 5 March: over
    assert.equal((await decide(kit, deputyToken, requests[1] ?? '')).body.error.code, 'request.not_found');
    assert.equal((await decide(kit, s.tokens.supervisor, requests[1] ?? '')).status, 200);
  });

  it('lets the escalated approvers decide before the second deadline, and then nothing is auto-denied', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const created = await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit }]);
    assert.equal((await decide(kit, s.tokens.coordinatorB, created.body.id)).body.error.code, 'approval.not_approver');
    kit.clock.set('2026-03-05T14:00:00.000Z');
    assert.deepEqual(await kit.services.requests.processDeadlines(kit.clock.now()), { escalated: 1, autoDenied: 0 });
    const approved = await decide(kit, s.tokens.coordinatorB, created.body.id);
    assert.equal(approved.body.status, 'provisioned');
    kit.clock.set('2026-03-11T14:00:00.000Z');
    assert.deepEqual(await kit.services.requests.processDeadlines(kit.clock.now()), { escalated: 0, autoDenied: 0 });
  });

  it('auto-denies only the stage still open: a later stage gets its own deadline when it starts', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    kit.clock.set('2026-03-04T14:00:00.000Z');
    const first = await decide(kit, s.tokens.supervisor, created.body.id);
    assert.equal(first.body.stages[1].dueAt, '2026-03-09T14:00:00.000Z');
    kit.clock.set('2026-03-05T14:00:00.000Z');
    assert.deepEqual(await kit.services.requests.processDeadlines(kit.clock.now()), { escalated: 0, autoDenied: 0 });
    kit.clock.set('2026-03-09T14:00:00.000Z');
    assert.deepEqual(await kit.services.requests.processDeadlines(kit.clock.now()), { escalated: 1, autoDenied: 0 });
    kit.clock.set('2026-03-12T14:00:00.000Z');
    assert.deepEqual(await kit.services.requests.processDeadlines(kit.clock.now()), { escalated: 0, autoDenied: 1 });
    const expired = (await kit.call('GET', `/api/v1/access-requests/${created.body.id}`, { token: s.tokens.coordinatorA })).body;
    assert.deepEqual([expired.status, expired.stages.map((st: { status: string }) => st.status)], ['expired', ['approved', 'expired']]);
    const grants = await kit.db.selectFrom('grants').select('id').where('account_id', '=', s.account).execute();
    assert.deepEqual(grants, []);
  });

  it('holds a request with a separation-of-duties conflict until the extra review approves it, when the policy asks for one', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    await kit.call('POST', `/api/v1/agencies/${s.agency.id}/sod-rules`, { token: s.tokens.coordinatorA, body: { functionAId: s.caseworkerFn, functionBId: s.supervisorFn, description: 'Separate investigation and approval' } });
    const policy = (await kit.call('GET', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.coordinatorA })).body;
    await kit.call('PUT', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.coordinatorA, body: { ...policy.definition, sodMode: 'extra_approval' } });
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }, { kind: 'function', functionId: s.supervisorFn, justification: 'Acting supervisor' }]);
    assert.deepEqual(created.body.stages.map((st: { name: string }) => st.name), ['Supervisor', 'Unit approver', 'Security coordinator', 'Separation of duties review']);
    for (const token of [s.tokens.supervisor, s.tokens.unitApprover, s.tokens.coordinatorB]) assert.equal((await decide(kit, token, created.body.id)).body.status, 'pending');
    const held = (await kit.call('GET', `/api/v1/access-requests/${created.body.id}`, { token: s.tokens.coordinatorA })).body;
    assert.equal(held.stages[3].status, 'active');
    assert.deepEqual(held.stages[3].approverIds, [s.coordinatorB]);
    assert.deepEqual(await kit.db.selectFrom('grants').select('id').where('account_id', '=', s.account).execute(), []);
    assert.equal((await decide(kit, s.tokens.coordinatorB, created.body.id)).body.status, 'provisioned');
  });

  it('refuses a decision by the worker the request is about even as a deputy of an approver, and by the requester as one', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    for (const deputyWorkerId of [s.joiner, s.coordinatorA]) {
      const named = await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor, body: { deputyWorkerId, startsOn: '2026-03-02', endsOn: '2026-03-06', reason: 'Away' } });
      assert.equal(named.status, 201);
    }
    const created = await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit }]);
    const bySubject = await decide(kit, s.tokens.joiner, created.body.id);
    assert.deepEqual([bySubject.status, bySubject.body.error.code], [403, 'approval.self_decision']);
    const byRequester = await decide(kit, s.tokens.coordinatorA, created.body.id);
    assert.deepEqual([byRequester.status, byRequester.body.error.code], [403, 'approval.self_decision']);
    assert.match(byRequester.body.error.message, /You made this request/);
    assert.equal((await kit.call('GET', `/api/v1/access-requests/${created.body.id}`, { token: s.tokens.coordinatorA })).body.stages[0].decisions.length, 0);
  });
});
