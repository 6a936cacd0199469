import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide, requestAccess } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addWorker } from '../../../test/helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';
import { type Caseworker, auditActions, functionCodes, setUpCaseworker } from '../../../test/helpers/lifecycle.ts';

// testStart is Monday 2026-03-02 14:00Z, 09:00 in the agency's New York time zone.
async function recordLeave(kit: TestKit, s: Caseworker, startsOn: string, returnsOn?: string) {
  const body = { startsOn, reason: 'Parental leave', ...(returnsOn ? { returnsOn } : {}) };
  return kit.call('POST', `/api/v1/workers/${s.worker}/leaves`, { token: s.tokens.lanAdmin, body });
}

async function accountState(kit: TestKit, accountId: string) {
  return kit.db.selectFrom('accounts').select(['status', 'disabled_by']).where('id', '=', accountId).executeTakeFirstOrThrow();
}

describeEachDatabase('leave of absence and coverage', (current) => {
  it('disables the worker from the leave start and restores exactly the grants held before, minus what a job change removed meanwhile', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    // A SCIM application, so the disable goes out through the outbox.
    await kit.db.updateTable('applications').set({ kind: 'scim' }).where('id', '=', s.app).execute();
    const leave = await recordLeave(kit, s, '2026-03-04', '2026-03-09');
    assert.equal(leave.status, 201, JSON.stringify(leave.body));
    assert.deepEqual([leave.body.status, leave.body.snapshot], ['scheduled', null]);
    assert.deepEqual(await kit.services.leaves.processDue(kit.clock.now()), { adopted: 0, started: 0, returned: 0 });
    assert.equal((await functionCodes(kit, s)).active, true);

    kit.clock.set('2026-03-04T05:00:00.000Z');
    assert.deepEqual(await kit.services.leaves.processDue(kit.clock.now()), { adopted: 0, started: 1, returned: 0 });
    assert.deepEqual(await functionCodes(kit, s), { active: false, codes: [], units: [] });
    assert.deepEqual(await accountState(kit, s.account), { status: 'disabled', disabled_by: 'leave' });
    const outbox = await kit.db.selectFrom('outbox').select('account_id').where('account_id', '=', s.account).execute();
    assert.equal(outbox.length, 1, 'the connected applications hear of the disable');
    const started = (await kit.call('GET', `/api/v1/leaves/${leave.body.id}`, { token: s.tokens.coordinatorA })).body;
    assert.deepEqual(started.snapshot.map((g: { grantId: string }) => g.grantId).sort(), [s.cpsGrant, s.caseSearchGrant].sort());

    // Moved to preventive work while away: the high-risk CPS CASEWORKER goes at once.
    await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { jobType: 'preventive_caseworker' } });
    await kit.services.movers.processMoverEvents(kit.clock.now());

    kit.clock.set('2026-03-09T05:00:00.000Z');
    assert.deepEqual(await kit.services.leaves.processDue(kit.clock.now()), { adopted: 0, started: 0, returned: 1 });
    assert.deepEqual(await functionCodes(kit, s), { active: true, codes: ['CASE SEARCH'], units: [s.cpsUnit] });
    assert.deepEqual(await accountState(kit, s.account), { status: 'active', disabled_by: null });
    const ended = await kit.db.selectFrom('audit_events').select('after').where('action', '=', 'leave.ended').executeTakeFirstOrThrow();
    const after = JSON.parse(ended.after ?? '{}');
    assert.deepEqual([after.restored, after.removedMeanwhile, after.revokedExtras], [[s.caseSearchGrant], [s.cpsGrant], []]);
    assert.deepEqual(await auditActions(kit, leave.body.id), ['leave.recorded', 'leave.started', 'leave.ended']);
    assert.deepEqual(await kit.services.leaves.processDue(kit.clock.now()), { adopted: 0, started: 0, returned: 0 });
  });

  it('cancels a request pending when the leave starts, so nothing is granted while the worker is away', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const pending = await requestAccess(kit, s, [{ kind: 'function', functionId: s.preventiveFn, justification: 'Helps with preventive intake' }]);
    assert.equal(pending.body.status, 'pending');
    const leave = await recordLeave(kit, s, '2026-03-02', '2026-03-16');
    assert.equal(leave.body.status, 'on_leave', 'a leave starting today starts at once');
    const cancelled = (await kit.call('GET', `/api/v1/access-requests/${pending.body.id}`, { token: s.tokens.coordinatorA })).body;
    assert.equal(cancelled.status, 'cancelled');
    const event = await kit.db.selectFrom('audit_events').select('reason').where('subject_id', '=', pending.body.id).where('action', '=', 'request.cancelled').executeTakeFirstOrThrow();
    assert.match(event.reason ?? '', /went on leave on 2026-03-02/);
    assert.equal((await decide(kit, s.tokens.supervisor, pending.body.id)).body.error.code, 'request.not_pending');

    // A request made and approved while away is undone at return: exactly the snapshot comes back.
    const during = await requestAccess(kit, s, [{ kind: 'function', functionId: s.preventiveFn, justification: 'Ready for the return' }]);
    assert.equal((await decide(kit, s.tokens.supervisor, during.body.id)).body.status, 'provisioned');
    kit.clock.set('2026-03-16T04:00:00.000Z');
    await kit.services.leaves.processDue(kit.clock.now());
    assert.deepEqual((await functionCodes(kit, s)).codes, ['CASE SEARCH', 'CPS CASEWORKER']);
  });

  it('ends coverage at once when the absent worker returns early while the covering worker is using it', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const colleague = await addWorker(kit, s.agency.id, s.otherUnit);
    await addAccount(kit, colleague, s.app, s.otherUnit);
    const leave = await recordLeave(kit, s, '2026-03-03', '2026-03-20');
    const coverage = await kit.call('POST', `/api/v1/leaves/${leave.body.id}/coverages`, { token: s.tokens.coordinatorA, body: { coveringWorkerId: colleague, reason: 'Covers the CPS caseload' } });
    assert.equal(coverage.status, 201, JSON.stringify(coverage.body));
    assert.deepEqual([coverage.body.unitId, coverage.body.startsAt, coverage.body.endsAt], [s.cpsUnit, '2026-03-03T05:00:00.000Z', '2026-03-20T04:00:00.000Z']);
    assert.deepEqual((await functionCodes(kit, s, colleague)).units, [s.otherUnit], 'coverage starts with the leave');
    const later = await kit.call('PATCH', `/api/v1/leaves/${leave.body.id}`, { token: s.tokens.lanAdmin, body: { startsOn: '2026-03-04', reason: 'Starts a day later' } });
    assert.equal(later.status, 200, JSON.stringify(later.body));
    const [moved] = (await kit.call('GET', `/api/v1/leaves/${leave.body.id}/coverages`, { token: s.tokens.coordinatorA })).body.items;
    assert.deepEqual([moved.startsAt, moved.endsAt], ['2026-03-04T05:00:00.000Z', '2026-03-20T04:00:00.000Z']);
    kit.clock.set('2026-03-03T15:00:00.000Z');
    assert.deepEqual((await functionCodes(kit, s, colleague)).units, [s.otherUnit], 'nor a day before the moved start');

    kit.clock.set('2026-03-05T15:00:00.000Z');
    await kit.services.leaves.processDue(kit.clock.now());
    assert.deepEqual((await functionCodes(kit, s, colleague)).units, [s.cpsUnit, s.otherUnit].sort());

    const back = await kit.call('POST', `/api/v1/leaves/${leave.body.id}/return`, { token: s.tokens.lanAdmin, body: { reason: 'Came back early' } });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.deepEqual([back.body.status, back.body.returnsOn, back.body.returnedAt], ['returned', '2026-03-05', '2026-03-05T15:00:00.000Z']);
    assert.deepEqual((await functionCodes(kit, s, colleague)).units, [s.otherUnit]);
    assert.deepEqual(await functionCodes(kit, s), { active: true, codes: ['CASE SEARCH', 'CPS CASEWORKER'], units: [s.cpsUnit] });
    const ended = (await kit.call('GET', `/api/v1/leaves/${leave.body.id}/coverages`, { token: s.tokens.coordinatorA })).body.items[0];
    assert.deepEqual([ended.status, ended.endedAt], ['ended', '2026-03-05T15:00:00.000Z']);
    const grant = (await kit.call('GET', `/api/v1/grants/${ended.grantId}`, { token: s.tokens.coordinatorA })).body;
    assert.deepEqual([grant.provenance.kind, grant.revokedAt], ['coverage', '2026-03-05T15:00:00.000Z']);
    assert.deepEqual(await auditActions(kit, ended.id), ['coverage.granted', 'coverage.changed', 'coverage.ended']);
    const worker = (await kit.call('GET', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin })).body;
    assert.deepEqual([worker.leaveStart, worker.leaveReturn], ['2026-03-04', '2026-03-05']);
  });

  it('ends coverage on the expected return by itself, and moves it with the return date', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const colleague = await addWorker(kit, s.agency.id, s.otherUnit);
    await addAccount(kit, colleague, s.app, s.otherUnit);
    const leave = await recordLeave(kit, s, '2026-03-02', '2026-03-10');
    await kit.call('POST', `/api/v1/leaves/${leave.body.id}/coverages`, { token: s.tokens.coordinatorA, body: { coveringWorkerId: colleague, reason: 'Cover' } });
    const moved = await kit.call('PATCH', `/api/v1/leaves/${leave.body.id}`, { token: s.tokens.lanAdmin, body: { returnsOn: '2026-03-12', reason: 'Doctor extended the leave' } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const [coverage] = (await kit.call('GET', `/api/v1/leaves/${leave.body.id}/coverages`, { token: s.tokens.coordinatorA })).body.items;
    assert.equal(coverage.endsAt, '2026-03-12T04:00:00.000Z');

    kit.clock.set('2026-03-11T12:00:00.000Z');
    assert.deepEqual((await functionCodes(kit, s, colleague)).units, [s.cpsUnit, s.otherUnit].sort());
    kit.clock.set('2026-03-12T04:00:00.000Z');
    assert.deepEqual((await functionCodes(kit, s, colleague)).units, [s.otherUnit], 'the grant ends by itself, before any timer runs');
    assert.deepEqual(await kit.services.coverage.endDue(kit.clock.now()), { ended: 1 });
    assert.deepEqual(await kit.services.leaves.processDue(kit.clock.now()), { adopted: 0, started: 0, returned: 1 });
    assert.equal((await functionCodes(kit, s)).active, true);
  });

  it('treats leave dates that arrive through the directory like a recorded leave', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const pushed = await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { leaveStart: '2026-03-03', leaveReturn: '2026-03-06', reason: 'From the HR feed' } });
    assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
    assert.deepEqual(await kit.services.leaves.processDue(kit.clock.now()), { adopted: 1, started: 0, returned: 0 });
    kit.clock.set('2026-03-03T12:00:00.000Z');
    assert.deepEqual(await kit.services.leaves.processDue(kit.clock.now()), { adopted: 0, started: 1, returned: 0 });
    assert.deepEqual(await accountState(kit, s.account), { status: 'disabled', disabled_by: 'leave' });
    kit.clock.set('2026-03-06T12:00:00.000Z');
    assert.deepEqual(await kit.services.leaves.processDue(kit.clock.now()), { adopted: 0, started: 0, returned: 1 });
    assert.deepEqual(await functionCodes(kit, s), { active: true, codes: ['CASE SEARCH', 'CPS CASEWORKER'], units: [s.cpsUnit] });
    const leaves = (await kit.call('GET', `/api/v1/workers/${s.worker}/leaves`, { token: s.tokens.lanAdmin })).body.items;
    assert.deepEqual(leaves.map((l: { status: string; startsOn: string; returnsOn: string }) => [l.status, l.startsOn, l.returnsOn]), [['returned', '2026-03-03', '2026-03-06']]);
  });

  it('refuses a leave in the past or overlapping another, and hides leaves from other agencies', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    assert.equal((await recordLeave(kit, s, '2026-03-01')).body.error.code, 'input.invalid');
    assert.equal((await recordLeave(kit, s, '2026-03-05', '2026-03-04')).body.error.code, 'input.invalid');
    assert.equal((await kit.call('POST', `/api/v1/workers/${s.worker}/leaves`, { token: s.tokens.coordinatorA, body: { startsOn: '2026-03-05', reason: 'x' } })).status, 403);
    const first = await recordLeave(kit, s, '2026-03-05');
    assert.equal((await recordLeave(kit, s, '2026-04-01')).body.error.code, 'leave.overlap');
    const erie = await setUpCaseworker(kit, 'ERIE');
    assert.equal((await kit.call('GET', `/api/v1/leaves/${first.body.id}`, { token: erie.tokens.lanAdmin })).status, 404);
    assert.equal((await kit.call('POST', `/api/v1/leaves/${first.body.id}/return`, { token: s.tokens.lanAdmin, body: { reason: 'x' } })).body.error.code, 'leave.not_changeable');
    const cancelled = await kit.call('POST', `/api/v1/leaves/${first.body.id}/cancel`, { token: s.tokens.lanAdmin, body: { reason: 'Plans changed' } });
    assert.equal(cancelled.body.status, 'cancelled');
    kit.clock.set('2026-03-06T12:00:00.000Z');
    assert.deepEqual(await kit.services.leaves.processDue(kit.clock.now()), { adopted: 0, started: 0, returned: 0 });
    assert.equal((await functionCodes(kit, s)).active, true);
    const listed = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/leaves?status=cancelled`, { token: s.tokens.coordinatorA });
    assert.deepEqual(listed.body.items.map((l: { id: string }) => l.id), [first.body.id]);
  });
});
