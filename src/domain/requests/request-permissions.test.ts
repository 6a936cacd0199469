import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Joiner, decide, requestAccess, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addWorker } from '../../../test/helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';

/** A worker of the joiner's unit with an account and a worker-role token, who takes no part in the joiner's requests. */
async function addColleague(kit: TestKit, s: Joiner) {
  const id = await addWorker(kit, s.agency.id, s.cpsUnit);
  await addAccount(kit, id, s.app, s.agency.holdingUnitId);
  return { id, token: await kit.tokenFor('worker', s.agency.id, id) };
}

/** The joiner's pending request for the caseworker function, and a colleague who takes no part in it. */
async function colleagueAndRequest(kit: TestKit) {
  const s = await setUpJoiner(kit);
  const colleague = await addColleague(kit, s);
  const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { s, colleague, created };
}

function readRequest(kit: TestKit, token: string, id: string) {
  return kit.call('GET', `/api/v1/access-requests/${id}`, { token });
}

describeEachDatabase('who may request, read and list access requests', (current) => {
  it("refuses a worker reading a colleague's request, as if it did not exist", async () => {
    const kit = createTestKit(current());
    const { s, colleague, created } = await colleagueAndRequest(kit);

    const refused = await readRequest(kit, colleague.token, created.body.id);
    assert.deepEqual([refused.status, refused.body.error.code], [404, 'request.not_found']);
    const cancel = await kit.call('POST', `/api/v1/access-requests/${created.body.id}/cancel`, { token: colleague.token, body: { reason: 'Not mine' } });
    assert.deepEqual([cancel.status, cancel.body.error.code], [404, 'request.not_found']);
    const lanAdmin = await kit.tokenFor('lan_admin', s.agency.id);
    assert.equal((await readRequest(kit, lanAdmin, created.body.id)).status, 404);

    for (const reader of [s.tokens.joiner, s.tokens.coordinatorA, s.tokens.supervisor, s.tokens.coordinatorB, await kit.tokenFor('auditor', s.agency.id)]) {
      const read = await readRequest(kit, reader, created.body.id);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.equal(read.body.id, created.body.id);
    }
    assert.equal((await kit.db.selectFrom('access_requests').select('status').executeTakeFirstOrThrow()).status, 'pending');
  });

  it('refuses a colleague deciding a request, as if it did not exist, and records nothing', async () => {
    const kit = createTestKit(current());
    const { s, colleague, created } = await colleagueAndRequest(kit);

    const refused = await decide(kit, colleague.token, created.body.id);
    assert.deepEqual([refused.status, refused.body.error.code], [404, 'request.not_found']);
    assert.doesNotMatch(refused.body.error.message, /stage/i);
    const read = await readRequest(kit, s.tokens.coordinatorA, created.body.id);
    assert.equal(read.body.status, 'pending');
    assert.deepEqual(read.body.stages.flatMap((st: { decisions: unknown[] }) => st.decisions), []);
    const recorded = await kit.db.selectFrom('audit_events').select('action').where('subject_id', '=', created.body.id).where('action', '=', 'request.approval_recorded').execute();
    assert.deepEqual(recorded, []);
  });

  it('lets an approver with the worker role read and decide the request they approve, and their deputy too', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const deputy = await addColleague(kit, s);
    // ACCESS ALL DIST is high risk: supervisor, unit approver, then a coordinator.
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }, { kind: 'function', functionId: s.allDistFn, justification: 'Night hotline' }]);
    assert.deepEqual(created.body.stages.map((st: { name: string }) => st.name), ['Supervisor', 'Unit approver', 'Security coordinator']);
    assert.equal((await readRequest(kit, deputy.token, created.body.id)).status, 404);
    const delegation = await kit.call('POST', `/api/v1/workers/${s.unitApprover}/delegations`, {
      token: s.tokens.unitApprover, body: { deputyWorkerId: deputy.id, startsOn: '2026-03-02', endsOn: '2026-03-03', reason: 'Course' },
    });
    assert.equal(delegation.status, 201, JSON.stringify(delegation.body));

    assert.equal((await readRequest(kit, s.tokens.supervisor, created.body.id)).status, 200);
    const bySupervisor = await decide(kit, s.tokens.supervisor, created.body.id);
    assert.equal(bySupervisor.status, 200, JSON.stringify(bySupervisor.body));
    assert.deepEqual(bySupervisor.body.stages.map((st: { status: string }) => st.status), ['approved', 'active', 'waiting']);
    assert.equal((await readRequest(kit, s.tokens.unitApprover, created.body.id)).status, 200);

    const asDeputy = await readRequest(kit, deputy.token, created.body.id);
    assert.equal(asDeputy.status, 200, JSON.stringify(asDeputy.body));
    const byDeputy = await decide(kit, deputy.token, created.body.id);
    assert.equal(byDeputy.status, 200, JSON.stringify(byDeputy.body));
    assert.deepEqual([byDeputy.body.stages[1].decisions[0].approverWorkerId, byDeputy.body.stages[1].decisions[0].decidedByWorkerId], [s.unitApprover, deputy.id]);

    kit.clock.set('2026-03-10T15:00:00.000Z'); // the delegation is over; the deputy's decision stays theirs to read
    assert.equal((await readRequest(kit, deputy.token, created.body.id)).status, 200);
    const final = await decide(kit, s.tokens.coordinatorB, created.body.id);
    assert.equal(final.body.status, 'provisioned', JSON.stringify(final.body));
  });

  it('refuses a worker requesting access for a colleague, and changes nothing', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const colleague = await addColleague(kit, s);
    const body = { subjectWorkerId: s.joiner, applicationId: s.app, justification: 'Helping a colleague', items: [{ kind: 'function', functionId: s.caseworkerFn }] };

    for (const token of [colleague.token, s.tokens.supervisor, await kit.tokenFor('auditor', s.agency.id)]) {
      const refused = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, { token, body });
      assert.deepEqual([refused.status, refused.body.error.code], [403, 'auth.forbidden']);
      assert.match(refused.body.error.message, /only for yourself; a security coordinator requests access for a colleague/);
    }
    const erie = await setUpJoiner(kit, 'ERIE');
    const foreign = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, { token: erie.tokens.joiner, body: { ...body, subjectWorkerId: erie.joiner } });
    assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'agency.not_found']);
    assert.deepEqual(await kit.db.selectFrom('access_requests').select('id').execute(), []);
    assert.equal((await kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, { token: s.tokens.coordinatorA, body })).status, 201);
  });

  it('lets a worker request access for themselves, read it and withdraw it', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const colleague = await addColleague(kit, s);
    const created = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, {
      token: s.tokens.joiner, body: { subjectWorkerId: s.joiner, applicationId: s.app, justification: 'My intake work', items: [{ kind: 'function', functionId: s.caseworkerFn }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.subjectWorkerId, created.body.requesterWorkerId, created.body.status], [s.joiner, s.joiner, 'pending']);
    assert.ok(created.body.stages.every((st: { approverIds: string[] }) => !st.approverIds.includes(s.joiner)));

    assert.equal((await readRequest(kit, s.tokens.joiner, created.body.id)).status, 200);
    assert.equal((await readRequest(kit, colleague.token, created.body.id)).status, 404);
    const withdrawn = await kit.call('POST', `/api/v1/access-requests/${created.body.id}/cancel`, { token: s.tokens.joiner, body: { reason: 'Asked too early' } });
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
    assert.equal(withdrawn.body.status, 'cancelled');
  });

  it("refuses a worker listing the agency's requests, and lists only their own for them", async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const colleague = await addColleague(kit, s);
    const aboutJoiner = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    const aboutColleague = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, {
      token: s.tokens.coordinatorA, body: { subjectWorkerId: colleague.id, applicationId: s.app, justification: 'Covers intake', items: [{ kind: 'unit_hierarchy', unitId: s.otherUnit }] },
    });
    assert.equal(aboutColleague.status, 201, JSON.stringify(aboutColleague.body));
    const list = (token: string, query = '') => kit.call('GET', `/api/v1/agencies/${s.agency.id}/access-requests${query}`, { token });

    for (const query of ['', `?subjectWorkerId=${colleague.id}`, '?status=pending']) {
      const refused = await list(s.tokens.joiner, query);
      assert.deepEqual([refused.status, refused.body.error.code], [403, 'auth.forbidden'], query);
      assert.match(refused.body.error.message, /only the access requests about yourself/);
    }
    assert.equal((await list(await kit.tokenFor('lan_admin', s.agency.id))).status, 403);
    const mine = await list(s.tokens.joiner, `?subjectWorkerId=${s.joiner}`);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual(mine.body.items.map((r: { id: string }) => r.id), [aboutJoiner.body.id]);
    const erie = await setUpJoiner(kit, 'ERIE');
    const foreign = await list(erie.tokens.joiner, `?subjectWorkerId=${erie.joiner}`);
    assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'agency.not_found']);

    for (const token of [s.tokens.coordinatorA, await kit.tokenFor('auditor', s.agency.id)]) {
      assert.deepEqual((await list(token)).body.items.map((r: { id: string }) => r.id), [aboutColleague.body.id, aboutJoiner.body.id]);
    }
  });
});
