import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide, requestAccess, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addWorker } from '../../../test/helpers/fixtures.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';

const noAnswers = { investigatesCps: false, providesPreventive: false, supervisesUnit: false, findsHomes: false, districtWideSearch: false };

describeEachDatabase('access requests', (current) => {
  it('takes a joiner from the holding unit to working access through assessment, approvals and acknowledgment', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const { tokens } = s;

    const assessed = await kit.call('POST', `/api/v1/workers/${s.joiner}/assessments`, {
      token: tokens.coordinatorA, body: { applicationId: s.app, answers: { ...noAnswers, investigatesCps: true, coveredUnitIds: [s.otherUnit] } },
    });
    assert.equal(assessed.status, 201, JSON.stringify(assessed.body));
    assert.deepEqual(assessed.body.proposal.functions.map((f: { code: string; inTemplate: boolean }) => [f.code, f.inTemplate]), [['CPS CASEWORKER', true]]);
    assert.deepEqual(assessed.body.proposal.hierarchyUnitIds, [s.otherUnit]);

    const submitted = await kit.call('POST', `/api/v1/assessments/${assessed.body.id}/request`, { token: tokens.coordinatorA, body: { unitId: s.cpsUnit, justification: 'Joins CPS intake' } });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    const requestId = submitted.body.requestId;
    let request = (await kit.call('GET', `/api/v1/access-requests/${requestId}`, { token: tokens.coordinatorA })).body;
    assert.equal(request.status, 'pending');
    assert.equal(request.riskLevel, 'medium');
    assert.equal(request.policyVersion, 0);
    assert.deepEqual(request.stages.map((st: { name: string; approverIds: string[] }) => [st.name, st.approverIds]), [['Supervisor', [s.supervisor]], ['Security coordinator', [s.coordinatorB]]]);

    assert.equal((await decide(kit, tokens.coordinatorB, requestId)).body.error.code, 'approval.not_approver');
    const first = await decide(kit, tokens.supervisor, requestId, 'approve', { comment: 'Yes, she joins my unit' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.stages.map((st: { status: string }) => st.status), ['approved', 'active']);
    const second = await decide(kit, tokens.coordinatorB, requestId);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    request = second.body;
    assert.equal(request.status, 'provisioned');

    const account = await kit.db.selectFrom('accounts').select('unit_id').where('id', '=', s.account).executeTakeFirstOrThrow();
    assert.equal(account.unit_id, s.cpsUnit);
    const grants = await kit.db.selectFrom('grants').select(['kind', 'function_id', 'unit_id', 'provenance_kind', 'provenance_id']).where('account_id', '=', s.account).orderBy('kind').execute();
    assert.deepEqual(grants, [
      { kind: 'function', function_id: s.caseworkerFn, unit_id: null, provenance_kind: 'request', provenance_id: requestId },
      { kind: 'unit_hierarchy', function_id: null, unit_id: s.otherUnit, provenance_kind: 'request', provenance_id: requestId },
    ]);
    const access = await kit.call('GET', `/api/v1/workers/${s.joiner}/effective-access?application=${s.app}`, { token: tokens.joiner });
    assert.equal(access.body.active, true);
    assert.deepEqual(access.body.functions.map((f: { code: string }) => f.code), ['CPS CASEWORKER']);
    assert.deepEqual(access.body.units.map((u: { id: string }) => u.id).sort(), [s.cpsUnit, s.otherUnit].sort());

    const before = await kit.call('GET', `/api/v1/workers/${s.joiner}/acknowledgments`, { token: tokens.joiner });
    assert.equal(before.body.required, true);
    assert.equal((await kit.call('POST', `/api/v1/workers/${s.joiner}/acknowledgments`, { token: tokens.coordinatorA, body: { agreementVersion: before.body.agreement.version } })).body.error.code, 'acknowledgment.not_self');
    kit.clock.advance(60_000);
    const ack = await kit.call('POST', `/api/v1/workers/${s.joiner}/acknowledgments`, { token: tokens.joiner, body: { agreementVersion: before.body.agreement.version } });
    assert.equal(ack.status, 201);
    assert.equal(ack.body.acknowledgedAt, kit.clock.now().toISOString());
    const after = await kit.call('GET', `/api/v1/workers/${s.joiner}/acknowledgments`, { token: tokens.coordinatorA });
    assert.deepEqual([after.body.acknowledged, after.body.required], [true, false]);

    const actions = (await kit.db.selectFrom('audit_events').select('action').orderBy('seq').execute()).map((e) => e.action);
    for (const action of ['assessment.completed', 'request.created', 'request.submitted', 'request.approval_recorded', 'request.approved', 'grant.created', 'account.moved', 'request.provisioned', 'agreement.acknowledged']) {
      assert.ok(actions.includes(action), `audit has ${action}`);
    }
  });

  it('refuses a decision by the requester and routes the stage past them', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    // A supervisor who is also a security coordinator asks for their own new worker.
    const supervisorAsCoordinator = await kit.tokenFor('security_coordinator', s.agency.id, s.supervisor);
    const created = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, {
      token: supervisorAsCoordinator, body: { subjectWorkerId: s.joiner, applicationId: s.app, justification: 'My new worker', items: [{ kind: 'function', functionId: s.caseworkerFn }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const [supervisorStage, coordinatorStage] = created.body.stages;
    assert.ok(!supervisorStage.approverIds.includes(s.supervisor));
    assert.equal(supervisorStage.escalated, true);
    assert.deepEqual(coordinatorStage.approverIds.sort(), [s.coordinatorA, s.coordinatorB].sort());
    const own = await decide(kit, s.tokens.supervisor, created.body.id);
    assert.equal(own.status, 403);
    assert.equal(own.body.error.code, 'approval.self_decision');
  });

  it('refuses a decision on a request about oneself', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    await kit.db.updateTable('request_stages').set({ approver_ids: JSON.stringify([s.joiner]) }).where('request_id', '=', created.body.id).execute();
    const response = await decide(kit, s.tokens.joiner, created.body.id);
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'approval.self_decision');
    assert.match(response.body.error.message, /about you/);
  });

  it('lets one of two approvers deciding the same step at once win; the other gets a conflict', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    await kit.db.updateTable('request_stages').set({ approver_ids: JSON.stringify([s.supervisor, s.unitApprover]) }).where('request_id', '=', created.body.id).where('position', '=', 0).execute();
    const results = await Promise.all([decide(kit, s.tokens.supervisor, created.body.id), decide(kit, s.tokens.unitApprover, created.body.id, 'deny')]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    const loser = results.find((r) => r.status === 409);
    assert.match(loser?.body.error.code, /^(conflict\.version|request\.not_pending|approval\.already_decided)$/);
    const stale = await decide(kit, s.tokens.coordinatorB, created.body.id, 'approve', { version: created.body.version });
    assert.equal(stale.status, 409);
    const decisions = await kit.db.selectFrom('request_decisions').select('id').where('request_id', '=', created.body.id).execute();
    assert.equal(decisions.length, 1);
  });

  it('requires a written justification for a function beyond the job template and keeps the flag', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const missing = await requestAccess(kit, s, [{ kind: 'function', functionId: s.allDistFn }]);
    assert.equal(missing.status, 422);
    assert.equal(missing.body.error.code, 'request.justification_required');
    const justified = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }, { kind: 'function', functionId: s.allDistFn, justification: 'Covers the district hotline at night' }]);
    assert.equal(justified.status, 201);
    assert.deepEqual(justified.body.items.map((i: { beyondTemplate: boolean }) => i.beyondTemplate), [false, true]);
    assert.equal(justified.body.riskLevel, 'high');
    assert.deepEqual(justified.body.stages.map((st: { name: string }) => st.name), ['Supervisor', 'Unit approver', 'Security coordinator']);
  });

  it('refuses a request that would break separation of duties, or adds a review stage when the policy says so', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const rule = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/sod-rules`, { token: s.tokens.coordinatorA, body: { functionAId: s.caseworkerFn, functionBId: s.supervisorFn, description: 'Nobody approves their own investigations' } });
    assert.equal(rule.status, 201);
    const items = [{ kind: 'function', functionId: s.caseworkerFn }, { kind: 'function', functionId: s.supervisorFn, justification: 'Acting supervisor' }];
    const refused = await requestAccess(kit, s, items);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'request.sod_conflict');
    const policy = (await kit.call('GET', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.coordinatorA })).body;
    const changed = await kit.call('PUT', `/api/v1/agencies/${s.agency.id}/approval-policy`, { token: s.tokens.coordinatorA, body: { ...policy.definition, sodMode: 'extra_approval' } });
    assert.equal(changed.body.version, 1);
    const reviewed = await requestAccess(kit, s, items);
    assert.equal(reviewed.status, 201);
    assert.equal(reviewed.body.sodConflicts.length, 1);
    assert.equal(reviewed.body.stages.at(-1).name, 'Separation of duties review');
  });

  it('answers 404 for another agency and 400 for malformed input', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const erie = await setUpJoiner(kit, 'ERIE');
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    const foreign = await kit.call('GET', `/api/v1/access-requests/${created.body.id}`, { token: erie.tokens.coordinatorA });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'request.not_found');
    assert.equal((await decide(kit, erie.tokens.supervisor, created.body.id)).body.error.code, 'request.not_found');
    const otherWorker = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, {
      token: s.tokens.coordinatorA, body: { subjectWorkerId: erie.joiner, applicationId: s.app, justification: 'x', items: [{ kind: 'function', functionId: s.caseworkerFn }] },
    });
    assert.equal(otherWorker.status, 404);
    const badBodies = [
      { subjectWorkerId: 'nope', applicationId: s.app, justification: 'x', items: [{ kind: 'function', functionId: s.caseworkerFn }] },
      { subjectWorkerId: s.joiner, applicationId: s.app, justification: 'x', items: [] },
      { subjectWorkerId: s.joiner, applicationId: s.app, justification: 'x', items: [{ kind: 'badge' }] },
      { subjectWorkerId: s.joiner, applicationId: s.app, justification: 'x', items: [{ kind: 'function', functionId: s.caseworkerFn }], extra: 1 },
    ];
    for (const body of badBodies) {
      assert.equal((await kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, { token: s.tokens.coordinatorA, body })).status, 400);
    }
    assert.equal((await decide(kit, s.tokens.supervisor, created.body.id, 'maybe' as 'approve')).status, 400);
    const unlinked = await kit.tokenFor('security_coordinator', s.agency.id);
    assert.equal((await decide(kit, unlinked, created.body.id)).body.error.code, 'approval.not_approver');
  });

  it('keeps drafts out of the workflow until submitted, and lets the requester cancel', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const draft = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }], { submit: false });
    assert.equal(draft.body.status, 'draft');
    assert.deepEqual(draft.body.stages, []);
    assert.equal((await decide(kit, s.tokens.coordinatorB, draft.body.id)).body.error.code, 'request.not_pending');
    assert.equal((await decide(kit, s.tokens.supervisor, draft.body.id)).body.error.code, 'request.not_found');
    const submitted = await kit.call('POST', `/api/v1/access-requests/${draft.body.id}/submit`, { token: s.tokens.coordinatorA });
    assert.equal(submitted.body.status, 'pending');
    assert.equal((await kit.call('POST', `/api/v1/access-requests/${draft.body.id}/cancel`, { token: s.tokens.supervisor, body: { reason: 'no' } })).status, 403);
    const cancelled = await kit.call('POST', `/api/v1/access-requests/${draft.body.id}/cancel`, { token: s.tokens.coordinatorA, body: { reason: 'Start date moved' } });
    assert.equal(cancelled.body.status, 'cancelled');
    assert.deepEqual(cancelled.body.stages.map((st: { status: string }) => st.status), ['cancelled', 'cancelled']);
    const list = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/access-requests?status=cancelled`, { token: s.tokens.coordinatorA });
    assert.deepEqual(list.body.items.map((r: { id: string }) => r.id), [draft.body.id]);
  });

  it('refuses an assessment for a worker who already left the holding unit', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const placed = await addWorker(kit, s.agency.id, s.cpsUnit);
    await addAccount(kit, placed, s.app, s.cpsUnit);
    const response = await kit.call('POST', `/api/v1/workers/${placed}/assessments`, { token: s.tokens.coordinatorA, body: { applicationId: s.app, answers: noAnswers } });
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'assessment.not_in_holding_unit');
  });
});
