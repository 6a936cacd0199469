import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide, requestAccess, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addWorker } from '../../../test/helpers/fixtures.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';

// testStart is Monday 2026-03-02 14:00Z; three business days later is Thursday 2026-03-05 14:00Z.
describeEachDatabase('access request deadlines and delegation', (current) => {
  it('escalates an overdue stage to the fallback approvers, then auto-denies it', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    assert.equal(created.body.stages[0].dueAt, '2026-03-05T14:00:00.000Z');

    kit.clock.set('2026-03-05T13:59:59.000Z');
    assert.deepEqual(await kit.services.requests.processDeadlines(kit.clock.now()), { escalated: 0, autoDenied: 0 });
    kit.clock.set('2026-03-05T14:00:00.000Z');
    assert.deepEqual(await kit.services.requests.processDeadlines(kit.clock.now()), { escalated: 1, autoDenied: 0 });
    const escalated = (await kit.call('GET', `/api/v1/access-requests/${created.body.id}`, { token: s.tokens.coordinatorB })).body;
    assert.equal(escalated.stages[0].escalated, true);
    assert.deepEqual(escalated.stages[0].approverIds, [s.supervisor, s.coordinatorB]);
    assert.equal(escalated.stages[0].dueAt, '2026-03-10T14:00:00.000Z');

    kit.clock.set('2026-03-10T14:00:00.000Z');
    assert.deepEqual(await kit.services.requests.processDeadlines(kit.clock.now()), { escalated: 0, autoDenied: 1 });
    const expired = (await kit.call('GET', `/api/v1/access-requests/${created.body.id}`, { token: s.tokens.coordinatorB })).body;
    assert.equal(expired.status, 'expired');
    assert.deepEqual(expired.stages.map((st: { status: string }) => st.status), ['expired', 'cancelled']);
    assert.equal((await decide(kit, s.tokens.supervisor, created.body.id)).body.error.code, 'request.not_pending');
    const events = await kit.db.selectFrom('audit_events').select('action').where('subject_id', '=', created.body.id).orderBy('seq').execute();
    assert.deepEqual(events.map((e) => e.action), ['request.created', 'request.submitted', 'request.escalated', 'request.auto_denied']);
    assert.deepEqual(await kit.services.requests.processDeadlines(kit.clock.now()), { escalated: 0, autoDenied: 0 });
  });

  it('escalates the other overdue requests when one cannot be worked, then reports the one that failed', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const broken = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    kit.clock.advance(1000);
    const sound = await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit }]);
    // A damaged row: the request names a policy version the agency never had, so its fallback cannot be resolved.
    await kit.db.updateTable('access_requests').set({ policy_version: 99 }).where('id', '=', broken.body.id).execute();
    kit.clock.set('2026-03-05T14:00:01.000Z');
    await assert.rejects(kit.services.requests.processDeadlines(kit.clock.now()), /version 99/);
    const read = async (id: string): Promise<{ stages: { escalated: boolean }[] }> => (await kit.call('GET', `/api/v1/access-requests/${id}`, { token: s.tokens.coordinatorB })).body as { stages: { escalated: boolean }[] };
    assert.equal((await read(sound.body.id)).stages[0]?.escalated, true);
    assert.equal((await read(broken.body.id)).stages[0]?.escalated, false);
  });

  it("lets a deputy decide in the approver's place only inside the delegation window", async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const deputy = await addWorker(kit, s.agency.id, s.cpsUnit);
    const deputyToken = await kit.tokenFor('worker', s.agency.id, deputy);
    const delegation = await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, {
      token: s.tokens.supervisor, body: { deputyWorkerId: deputy, startsOn: '2026-03-03', endsOn: '2026-03-04', reason: 'Training' },
    });
    assert.equal(delegation.status, 201, JSON.stringify(delegation.body));
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);

    assert.equal((await decide(kit, deputyToken, created.body.id)).body.error.code, 'request.not_found');
    kit.clock.set('2026-03-03T15:00:00.000Z');
    const approved = await decide(kit, deputyToken, created.body.id);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.deepEqual(
      [approved.body.stages[0].decisions[0].approverWorkerId, approved.body.stages[0].decisions[0].decidedByWorkerId],
      [s.supervisor, deputy],
    );
    const audit = await kit.db.selectFrom('audit_events').select('after').where('action', '=', 'request.approval_recorded').executeTakeFirstOrThrow();
    assert.equal(JSON.parse(audit.after ?? '{}').asDeputyOf, s.supervisor);

    const later = await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit, validTo: '2026-04-01T00:00:00Z' }]);
    kit.clock.set('2026-03-05T15:00:00.000Z');
    assert.equal((await decide(kit, deputyToken, later.body.id)).body.error.code, 'request.not_found');
  });

  it('only lets the worker or a coordinator name a deputy', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const body = { deputyWorkerId: s.unitApprover, startsOn: '2026-03-03', endsOn: '2026-03-04', reason: 'Leave' };
    assert.equal((await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.joiner, body })).status, 403);
    assert.equal((await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.coordinatorA, body })).status, 201);
    const backwards = await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor, body: { ...body, startsOn: '2026-03-05' } });
    assert.equal(backwards.status, 422);
    const list = await kit.call('GET', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor });
    assert.equal(list.body.items.length, 1);
  });

  it('decides a request under the policy version it started with', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const before = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    const oneStage = [{ name: 'Coordinator only', approvers: [{ kind: 'security_coordinators' }], quorum: 'all', deadline: { hours: 8 } }];
    const policy = await kit.call('PUT', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.coordinatorA, body: { low: oneStage, medium: oneStage, high: oneStage } });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));
    assert.equal(policy.body.version, 1);
    const after = await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit }]);
    assert.deepEqual([before.body.policyVersion, before.body.stages.length], [0, 2]);
    assert.deepEqual([after.body.policyVersion, after.body.stages.length, after.body.stages[0].dueAt], [1, 1, '2026-03-02T22:00:00.000Z']);
    assert.equal((await decide(kit, s.tokens.supervisor, before.body.id)).status, 200);
    const done = await decide(kit, s.tokens.coordinatorB, before.body.id);
    assert.equal(done.body.status, 'provisioned');
    const bad = await kit.call('PUT', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.coordinatorA, body: { low: [], medium: oneStage, high: oneStage } });
    assert.equal(bad.status, 400);
    assert.equal((await kit.call('PUT', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.supervisor, body: { low: oneStage, medium: oneStage, high: oneStage } })).status, 403);
  });
});
