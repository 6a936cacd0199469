import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';
import { auditActions, functionCodes, setUpCaseworker } from '../../../test/helpers/lifecycle.ts';
import { lifecycleTimerJobs } from '../../scheduler/lifecycle-jobs.ts';
import { createTimers } from '../../scheduler/timers.ts';
import { createLogger } from '../../shared/logger.ts';

// testStart is Monday 2026-03-02 14:00Z; five business days later is Monday 2026-03-09 14:00Z.
describeEachDatabase('movers', (current) => {
  it('removes CPS CASEWORKER at once and requests PREVENTIVE CASEWORKER when a CPS caseworker becomes a preventive caseworker', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const moved = await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { jobType: 'preventive_caseworker', reason: 'Transferred to preventive services' } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));

    assert.deepEqual(await kit.services.movers.processMoverEvents(kit.clock.now()), { movers: 1, removals: 2, requests: 1 });
    assert.deepEqual((await functionCodes(kit, s)).codes, ['CASE SEARCH']);
    const cps = await kit.call('GET', `/api/v1/grants/${s.cpsGrant}`, { token: s.tokens.coordinatorA });
    assert.equal(cps.body.revokedAt, kit.clock.now().toISOString());
    assert.match(cps.body.revokeReason, /high-risk function outside the new job's template/);

    const requests = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/access-requests?status=draft`, { token: s.tokens.coordinatorA });
    assert.equal(requests.body.items.length, 1);
    const proposal = await kit.call('GET', `/api/v1/access-requests/${requests.body.items[0].id}`, { token: s.tokens.coordinatorA });
    assert.deepEqual(proposal.body.items.map((i: { kind: string; functionId: string }) => [i.kind, i.functionId]), [['function', s.preventiveFn]]);
    assert.equal(proposal.body.subjectWorkerId, s.worker);

    const removals = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/scheduled-removals`, { token: s.tokens.coordinatorA });
    assert.deepEqual(
      removals.body.items.map((r: { functionCode: string; status: string; dueAt: string }) => [r.functionCode, r.status, r.dueAt]),
      [['CPS CASEWORKER', 'done', '2026-03-02T14:00:00.000Z'], ['CASE SEARCH', 'scheduled', '2026-03-09T14:00:00.000Z']],
    );
    assert.deepEqual(await auditActions(kit, s.worker), ['worker.updated', 'worker.move_handled']);
    assert.deepEqual(await kit.services.movers.processMoverEvents(kit.clock.now()), { movers: 0, removals: 0, requests: 0 });
    assert.equal((await kit.services.audit.verify()).ok, true);
  });

  it('removes a function outside the new template when its deadline passes and lists it as overdue until then', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const settingsPath = `/api/v1/agencies/${s.agency.id}/lifecycle-settings`;
    assert.deepEqual((await kit.call('GET', settingsPath, { token: s.tokens.coordinatorA })).body, { agencyId: s.agency.id, removalBusinessDays: 5, updatedAt: null });
    assert.equal((await kit.call('PUT', settingsPath, { token: s.tokens.coordinatorA, body: { removalBusinessDays: 31, reason: 'x' } })).status, 400);
    assert.equal((await kit.call('PUT', settingsPath, { token: s.tokens.lanAdmin, body: { removalBusinessDays: 2, reason: 'x' } })).status, 403);
    const settings = await kit.call('PUT', settingsPath, { token: s.tokens.coordinatorA, body: { removalBusinessDays: 2, reason: 'Agency policy' } });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { jobType: 'preventive_caseworker' } });
    await kit.services.movers.processMoverEvents(kit.clock.now());
    const path = `/api/v1/agencies/${s.agency.id}/scheduled-removals?status=scheduled`;
    assert.equal((await kit.call('GET', path, { token: s.tokens.coordinatorA })).body.items[0].dueAt, '2026-03-04T14:00:00.000Z');

    kit.clock.set('2026-03-04T13:59:59.000Z');
    assert.deepEqual(await kit.services.movers.runDueRemovals(kit.clock.now()), { removed: 0, cancelled: 0, deferred: 0 });
    kit.clock.set('2026-03-04T15:00:00.000Z');
    const overdue = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/scheduled-removals?overdue=true`, { token: s.tokens.coordinatorA });
    assert.deepEqual(overdue.body.items.map((r: { functionCode: string; overdue: boolean }) => [r.functionCode, r.overdue]), [['CASE SEARCH', true]]);
    assert.deepEqual(await kit.services.movers.runDueRemovals(kit.clock.now()), { removed: 1, cancelled: 0, deferred: 0 });
    assert.deepEqual((await functionCodes(kit, s)).codes, []);
    assert.equal((await kit.call('GET', `/api/v1/agencies/${s.agency.id}/scheduled-removals?overdue=true`, { token: s.tokens.coordinatorA })).body.items.length, 0);
  });

  it('fires a removal whose deadline passed while the server was stopped as soon as the timers start', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { jobType: 'preventive_caseworker' } });
    const node = (owner: string) => createTimers({ leases: kit.services.leases, clock: kit.clock, logger: createLogger('silent'), owner, jobs: lifecycleTimerJobs(kit.services) });
    const before = node('node-before');
    await before.start();
    before.stop();
    assert.deepEqual((await functionCodes(kit, s)).codes, ['CASE SEARCH']);

    // Nothing runs from Tuesday to the next Thursday; the deadline (Monday 9th) passes meanwhile.
    kit.clock.set('2026-03-12T09:00:00.000Z');
    const after = node('node-after');
    await after.start();
    after.stop();
    assert.deepEqual((await functionCodes(kit, s)).codes, []);
    const grant = await kit.call('GET', `/api/v1/grants/${s.caseSearchGrant}`, { token: s.tokens.coordinatorA });
    assert.equal(grant.body.revokedAt, '2026-03-12T09:00:00.000Z');
    const removal = (await kit.call('GET', `/api/v1/agencies/${s.agency.id}/scheduled-removals?status=done`, { token: s.tokens.coordinatorA })).body.items.find((r: { functionCode: string }) => r.functionCode === 'CASE SEARCH');
    assert.equal(removal.closedAt, '2026-03-12T09:00:00.000Z');
    assert.deepEqual(await auditActions(kit, removal.id), ['removal.scheduled', 'removal.done']);
  });

  it('cancels a scheduled removal when the worker moves back to a job whose template holds the function', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    await kit.db.insertInto('template_functions').values({ template_id: (await kit.db.selectFrom('access_templates').select('id').where('job_type', '=', 'cps_caseworker').executeTakeFirstOrThrow()).id, function_id: s.caseSearchFn }).execute();
    await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { jobType: 'preventive_caseworker' } });
    await kit.services.movers.processMoverEvents(kit.clock.now());
    kit.clock.advance(3_600_000);
    await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { jobType: 'cps_caseworker' } });
    await kit.services.movers.processMoverEvents(kit.clock.now());
    const removals = (await kit.call('GET', `/api/v1/agencies/${s.agency.id}/scheduled-removals`, { token: s.tokens.coordinatorA })).body.items;
    const caseSearch = removals.find((r: { functionCode: string }) => r.functionCode === 'CASE SEARCH');
    assert.equal(caseSearch.status, 'cancelled');
    assert.match(caseSearch.outcome, /inside the template of cps_caseworker/);
    kit.clock.set('2026-03-20T00:00:00.000Z');
    await kit.services.movers.runDueRemovals(kit.clock.now());
    assert.ok((await functionCodes(kit, s)).codes.includes('CASE SEARCH'));
  });

  it('keeps a function past the deadline under an approved keep exception, then removes it when the exception expires', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { jobType: 'preventive_caseworker' } });
    await kit.services.movers.processMoverEvents(kit.clock.now());
    const asked = await kit.call('POST', `/api/v1/workers/${s.worker}/exceptions`, {
      token: s.tokens.coordinatorA, body: { applicationId: s.app, functionId: s.caseSearchFn, kind: 'keep', days: 30, justification: 'Hands over open investigations' },
    });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.deepEqual([asked.body.status, asked.body.endsAt, asked.body.functionCode], ['requested', '2026-04-01T14:00:00.000Z', 'CASE SEARCH']);
    const request = (await kit.call('GET', `/api/v1/access-requests/${asked.body.requestId}`, { token: s.tokens.coordinatorA })).body;
    assert.deepEqual([request.status, request.riskLevel, request.stages.map((st: { name: string }) => st.name)], ['pending', 'medium', ['Supervisor', 'Security coordinator']]);
    assert.equal((await decide(kit, s.tokens.supervisor, request.id)).status, 200);
    assert.equal((await decide(kit, s.tokens.coordinatorB, request.id)).body.status, 'provisioned');

    const listed = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/exceptions?status=active`, { token: s.tokens.coordinatorA });
    assert.deepEqual(listed.body.items.map((e: { workerId: string; workerName: string; endsAt: string }) => [e.workerId, e.workerName.startsWith('Test '), e.endsAt]), [[s.worker, true, '2026-04-01T14:00:00.000Z']]);
    const removal = (await kit.call('GET', `/api/v1/agencies/${s.agency.id}/scheduled-removals?status=scheduled`, { token: s.tokens.coordinatorA })).body.items[0];
    assert.deepEqual([removal.dueAt, removal.exceptionId], ['2026-04-01T14:00:00.000Z', asked.body.id]);

    kit.clock.set('2026-03-20T14:00:00.000Z');
    await kit.services.movers.runDueRemovals(kit.clock.now());
    assert.deepEqual((await functionCodes(kit, s)).codes, ['CASE SEARCH']);
    kit.clock.set('2026-04-01T14:00:00.000Z');
    assert.deepEqual(await kit.services.exceptions.expireDue(kit.clock.now()), { expired: 1, rejected: 0 });
    assert.deepEqual(await kit.services.movers.runDueRemovals(kit.clock.now()), { removed: 1, cancelled: 0, deferred: 0 });
    assert.deepEqual((await functionCodes(kit, s)).codes, []);
    assert.deepEqual(await auditActions(kit, asked.body.id), ['exception.requested', 'exception.activated', 'exception.expired']);
  });

  it('removes a function kept beyond the template, without any job change, when its keep exception expires', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const asked = await kit.call('POST', `/api/v1/workers/${s.worker}/exceptions`, {
      token: s.tokens.coordinatorA, body: { applicationId: s.app, functionId: s.caseSearchFn, kind: 'keep', days: 3, justification: 'Audit of old cases' },
    });
    await decide(kit, s.tokens.supervisor, asked.body.requestId);
    await decide(kit, s.tokens.coordinatorB, asked.body.requestId);
    kit.clock.set('2026-03-05T14:00:00.000Z');
    assert.deepEqual(await kit.services.exceptions.expireDue(kit.clock.now()), { expired: 1, rejected: 0 });
    assert.deepEqual(await kit.services.movers.runDueRemovals(kit.clock.now()), { removed: 1, cancelled: 0, deferred: 0 });
    assert.deepEqual((await functionCodes(kit, s)).codes, ['CPS CASEWORKER']);
  });

  it('grants a function outside the template for the days a hold exception allows, ending by itself', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const asked = await kit.call('POST', `/api/v1/workers/${s.worker}/exceptions`, {
      token: s.tokens.coordinatorA, body: { applicationId: s.app, functionId: s.preventiveFn, kind: 'hold', days: 10, justification: 'Covers the preventive intake line' },
    });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.equal((await decide(kit, s.tokens.supervisor, asked.body.requestId)).body.status, 'provisioned');
    const active = (await kit.call('GET', `/api/v1/exceptions/${asked.body.id}`, { token: s.tokens.coordinatorA })).body;
    assert.equal(active.status, 'active');
    const grant = (await kit.call('GET', `/api/v1/grants/${active.grantId}`, { token: s.tokens.coordinatorA })).body;
    assert.deepEqual([grant.provenance, grant.validTo], [{ kind: 'exception', id: asked.body.id }, '2026-03-12T14:00:00.000Z']);
    assert.ok((await functionCodes(kit, s)).codes.includes('PREVENTIVE CASEWORKER'));
    kit.clock.set('2026-03-12T14:00:00.000Z');
    assert.ok(!(await functionCodes(kit, s)).codes.includes('PREVENTIVE CASEWORKER'));
  });

  it('refuses an exception that does not fit and records one whose request was denied as rejected', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const body = (kind: string, functionId: string) => ({ token: s.tokens.coordinatorA, body: { applicationId: s.app, functionId, kind, days: 5, justification: 'x' } });
    assert.equal((await kit.call('POST', `/api/v1/workers/${s.worker}/exceptions`, body('keep', s.preventiveFn))).body.error.code, 'exception.not_applicable');
    assert.equal((await kit.call('POST', `/api/v1/workers/${s.worker}/exceptions`, body('hold', s.caseworkerFn))).body.error.code, 'exception.not_applicable');
    assert.equal((await kit.call('POST', `/api/v1/workers/${s.worker}/exceptions`, { ...body('hold', s.preventiveFn), token: s.tokens.supervisor })).status, 403);
    assert.equal((await kit.call('POST', `/api/v1/workers/${s.worker}/exceptions`, { ...body('hold', s.preventiveFn), body: { days: 0 } })).status, 400);
    const asked = await kit.call('POST', `/api/v1/workers/${s.worker}/exceptions`, body('hold', s.preventiveFn));
    assert.equal((await decide(kit, s.tokens.supervisor, asked.body.requestId, 'deny')).body.status, 'denied');
    assert.equal((await kit.call('GET', `/api/v1/exceptions/${asked.body.id}`, { token: s.tokens.coordinatorA })).body.status, 'rejected');
    assert.deepEqual(await kit.services.exceptions.expireDue(kit.clock.now()), { expired: 0, rejected: 1 });
    const erie = await setUpCaseworker(kit, 'ERIE');
    assert.equal((await kit.call('GET', `/api/v1/exceptions/${asked.body.id}`, { token: erie.tokens.coordinatorA })).status, 404);
    assert.equal((await kit.call('GET', `/api/v1/agencies/${s.agency.id}/scheduled-removals`, { token: erie.tokens.coordinatorA })).status, 404);
  });
});
