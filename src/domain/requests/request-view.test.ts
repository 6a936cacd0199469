import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide, requestAccess, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addWorker } from '../../../test/helpers/fixtures.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';
import type { Role } from '../../db/schema.ts';
import type { RequestContext } from '../auth/actor.ts';

function as(role: Role, agencyId: string, workerId: string | null): RequestContext {
  return { requestId: 'view-test', actor: { principalId: `principal-${workerId ?? role}`, name: role, roles: [{ role, agencyId }], workerId } };
}

describeEachDatabase('a request as its readers see it', (current) => {
  it('shows a request to the worker it is about, its approvers, their deputy (whose inbox lists it in the approver\'s seat) and staff, and to any other worker as if it did not exist', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }, { kind: 'function', functionId: s.allDistFn, justification: 'Night hotline' }]);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const deputy = await addWorker(kit, s.agency.id, s.cpsUnit);
    await kit.services.delegations.create(as('worker', s.agency.id, s.supervisor), s.supervisor, { deputyWorkerId: deputy, startsOn: '2026-03-02', endsOn: '2026-03-03', reason: 'Course' });
    const { view } = kit.services.inbox;

    const forApprover = await view(as('worker', s.agency.id, s.supervisor), created.body.id);
    assert.equal(forApprover.awaitingMe, true);
    assert.deepEqual(forApprover.request.items.map((i) => forApprover.labels.get(i.functionId ?? '')?.code), ['CPS CASEWORKER', 'ACCESS ALL DIST']);
    assert.equal(forApprover.subject.id, s.joiner);
    assert.equal((await view(as('worker', s.agency.id, deputy), created.body.id)).awaitingMe, true);
    const [summary] = (await kit.services.inbox.listSummaries(as('worker', s.agency.id, deputy), { limit: 5 })).items;
    assert.deepEqual([summary?.requestId, summary?.subject.id, summary?.stage.name, summary?.seats], [created.body.id, s.joiner, 'Supervisor', [s.supervisor]]);
    assert.equal((await view(as('worker', s.agency.id, s.joiner), created.body.id)).awaitingMe, false);
    assert.equal((await view(as('security_coordinator', s.agency.id, s.coordinatorA), created.body.id)).awaitingMe, false);
    assert.equal((await view(as('auditor', s.agency.id, null), created.body.id)).awaitingMe, false);

    const colleague = await addWorker(kit, s.agency.id, s.cpsUnit);
    await assert.rejects(view(as('worker', s.agency.id, colleague), created.body.id), { code: 'request.not_found' });
  });

  it('lists the requests about one worker, newest first, for staff by subjectWorkerId and for the worker as their own', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const first = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    const second = await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit }]);
    const colleague = await addWorker(kit, s.agency.id, s.cpsUnit);
    await addAccount(kit, colleague, s.app, s.agency.holdingUnitId);
    const aboutColleague = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, {
      token: s.tokens.coordinatorA, body: { subjectWorkerId: colleague, applicationId: s.app, justification: 'Covers intake', items: [{ kind: 'unit_hierarchy', unitId: s.otherUnit }] },
    });
    assert.equal(aboutColleague.status, 201, JSON.stringify(aboutColleague.body));

    const listed = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/access-requests?subjectWorkerId=${s.joiner}`, { token: s.tokens.coordinatorA });
    assert.deepEqual(listed.body.items.map((r: { id: string }) => r.id), [second.body.id, first.body.id]);
    const mine = await kit.services.requests.listAboutMe(as('worker', s.agency.id, s.joiner), { limit: 1 });
    assert.deepEqual(mine.items.map((r) => r.id), [second.body.id]);
    const next = await kit.services.requests.listAboutMe(as('worker', s.agency.id, s.joiner), { limit: 1, cursor: mine.nextCursor ?? undefined });
    assert.deepEqual([next.items.map((r) => r.id), next.nextCursor], [[first.body.id], null]);
    assert.deepEqual((await kit.services.requests.listAboutMe(as('worker', s.agency.id, colleague), { limit: 5 })).items.map((r) => r.id), [aboutColleague.body.id]);
    assert.deepEqual((await kit.services.requests.listAboutMe(as('auditor', s.agency.id, null), { limit: 5 })).items, []);
  });

  it('answers a create and each decision with the request exactly as a later read shows it', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const stored = async (id: string) => (await kit.call('GET', `/api/v1/access-requests/${id}`, { token: s.tokens.coordinatorA })).body as unknown;
    const expectStored = async (response: { status: number; body: { id: string } }) => {
      assert.ok(response.status === 200 || response.status === 201, JSON.stringify(response.body));
      assert.deepEqual(response.body, await stored(response.body.id));
    };

    await expectStored(await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }], { submit: false }));
    const denied = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    await expectStored(denied);
    kit.clock.advance(60_000);
    await expectStored(await decide(kit, s.tokens.supervisor, denied.body.id));
    await expectStored(await decide(kit, s.tokens.coordinatorB, denied.body.id, 'deny', { comment: 'Not this week' }));
    // Denied at its first stage: the stage still waiting is cancelled.
    const deniedEarly = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    const early = await decide(kit, s.tokens.supervisor, deniedEarly.body.id, 'deny');
    assert.deepEqual(early.body.stages.map((st: { status: string }) => st.status), ['denied', 'cancelled']);
    await expectStored(early);

    const both = [{ name: 'Supervisor and unit approver', approvers: [{ kind: 'supervisor' }, { kind: 'unit_approver' }], quorum: 'all', deadline: { hours: 8 } }];
    assert.equal((await kit.call('PUT', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.coordinatorA, body: { low: both, medium: both, high: both } })).status, 200);
    const provisioned = await requestAccess(kit, s, [{ kind: 'unit_placement', unitId: s.cpsUnit }, { kind: 'function', functionId: s.caseworkerFn }]);
    await expectStored(provisioned);
    // Both decisions at the same instant: the answer lists them in the stored order.
    await expectStored(await decide(kit, s.tokens.unitApprover, provisioned.body.id));
    const last = await decide(kit, s.tokens.supervisor, provisioned.body.id);
    assert.equal(last.body.status, 'provisioned');
    await expectStored(last);
  });
});
