import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addFunction, addWorker, changeAccount } from '../../../test/helpers/fixtures.ts';
import type { TestKit } from '../../../test/helpers/kit.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';
import { setUpCaseworker } from '../../../test/helpers/lifecycle.ts';
import type { Role } from '../../db/schema.ts';
import type { RequestContext } from '../auth/actor.ts';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

function as(role: Role, agencyId: string): RequestContext {
  return { requestId: 'dashboard-test', actor: { principalId: `principal-${role}`, name: role, roles: [{ role, agencyId }], workerId: null } };
}

function grantTo(kit: TestKit, accountId: string, functionId: string, window: { validFrom?: string; validTo?: string } = {}) {
  return kit.db.transaction().execute((trx) => kit.services.grants.grantInTransaction(trx, kit.system, { accountId, kind: 'function', functionId, provenanceKind: 'import', provenanceId: 'test-import', ...window }));
}

// testStart is Monday 2026-03-02 14:00Z, 09:00 in New York (the agency's time zone).
describeEachDatabase('dashboard', (current) => {
  it('counts live grants beyond the job template by function and by unit, as of the last count', async () => {
    const kit = createTestKit(current());
    // The CPS caseworker holds CPS CASEWORKER (in the template) and CASE SEARCH (beyond it).
    const s = await setUpCaseworker(kit);
    const coordinator = as('security_coordinator', s.agency.id);
    // A clerk has no template, so everything a clerk holds is beyond it; only live grants count.
    const clerk = await addWorker(kit, s.agency.id, s.otherUnit);
    await kit.db.updateTable('workers').set({ job_type: 'clerk' }).where('id', '=', clerk).execute();
    const clerkAccount = await addAccount(kit, clerk, s.app, s.otherUnit);
    await grantTo(kit, clerkAccount, s.allDistFn);
    await grantTo(kit, clerkAccount, s.supervisorFn, { validTo: new Date(kit.clock.now().getTime() + hourMs).toISOString() });
    await grantTo(kit, clerkAccount, s.caseSearchFn, { validFrom: new Date(kit.clock.now().getTime() + 30 * dayMs).toISOString() });
    const revoked = await grantTo(kit, clerkAccount, s.preventiveFn);
    await kit.services.grants.revoke(kit.system, revoked.id, 'Not needed');
    // An end-dated account's grants give nothing any more.
    const leaver = await addWorker(kit, s.agency.id, s.otherUnit);
    const leaverAccount = await addAccount(kit, leaver, s.app, s.otherUnit);
    await grantTo(kit, leaverAccount, await addFunction(kit, s.app, 'MAINTAIN PERSON'));
    await changeAccount(kit, leaverAccount, kit.clock.now().toISOString(), { status: 'end_dated', endDate: '2026-03-02' });
    kit.clock.advance(2 * hourMs);

    assert.equal((await kit.services.dashboard.forAgency(coordinator, s.agency.id)).beyondTemplate, null, 'nothing is shown before the first count');
    assert.deepEqual(await kit.services.beyondTemplate.countAll(), { agencies: 1, beyondGrants: 2 });
    const counted = (await kit.services.dashboard.forAgency(coordinator, s.agency.id)).beyondTemplate;
    assert.ok(counted);
    assert.deepEqual([counted.countedAt, counted.liveGrants, counted.grants, counted.workers], ['2026-03-02T16:00:00.000Z', 3, 2, 2]);
    assert.deepEqual(counted.byFunction.map((f) => [f.code, f.count]).sort(), [['ACCESS ALL DIST', 1], ['CASE SEARCH', 1]]);
    assert.deepEqual(counted.byUnit.map((u) => [u.code, u.count]).sort(), [['C10', 1], ['P20', 1]]);

    await kit.services.grants.revoke(kit.system, s.caseSearchGrant, 'Outside the template');
    assert.equal((await kit.services.dashboard.forAgency(coordinator, s.agency.id)).beyondTemplate?.grants, 2, 'the dashboard shows the last count until the next');
    await kit.services.beyondTemplate.countAll();
    const recounted = (await kit.services.dashboard.forAgency(coordinator, s.agency.id)).beyondTemplate;
    assert.deepEqual([recounted?.grants, recounted?.workers, recounted?.byFunction.map((f) => f.code)], [1, 1, ['ACCESS ALL DIST']]);
  });

  it("counts removals by how late they are in the agency's calendar days, and forgets them once done", async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const auditor = as('auditor', s.agency.id);
    const moved = await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { jobType: 'preventive_caseworker', reason: 'Transferred to preventive services' } });
    assert.equal(moved.status, 200);
    // CPS CASEWORKER (high risk) goes at once; CASE SEARCH is due five business days later, Monday 2026-03-09 14:00Z.
    await kit.services.movers.processMoverEvents(kit.clock.now());
    const late = async () => (await kit.services.dashboard.forAgency(auditor, s.agency.id)).lateRemovals;

    kit.clock.set('2026-03-06T20:00:00.000Z');
    assert.deepEqual(await late(), { dueToday: 0, lateUpToFiveDays: 0, lateOverFiveDays: 0 });
    kit.clock.set('2026-03-09T13:00:00.000Z');
    assert.deepEqual(await late(), { dueToday: 1, lateUpToFiveDays: 0, lateOverFiveDays: 0 }, 'due later today counts as due today');
    kit.clock.set('2026-03-10T03:30:00.000Z');
    assert.deepEqual(await late(), { dueToday: 1, lateUpToFiveDays: 0, lateOverFiveDays: 0 }, 'still Monday evening in New York');
    kit.clock.set('2026-03-14T15:00:00.000Z');
    assert.deepEqual(await late(), { dueToday: 0, lateUpToFiveDays: 1, lateOverFiveDays: 0 });
    kit.clock.set('2026-03-15T15:00:00.000Z');
    assert.deepEqual(await late(), { dueToday: 0, lateUpToFiveDays: 0, lateOverFiveDays: 1 });

    await kit.services.movers.runDueRemovals(kit.clock.now());
    assert.deepEqual(await late(), { dueToday: 0, lateUpToFiveDays: 0, lateOverFiveDays: 0 });
  });

  it('reports time to disable and to end-date of the leavers detected in the last 90 days, to those who may read reports', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const coordinator = as('security_coordinator', s.agency.id);
    const leaver = async () => {
      const id = await addWorker(kit, s.agency.id, s.cpsUnit);
      await addAccount(kit, id, s.app, s.cpsUnit);
      const disabled = await kit.call('POST', `/api/v1/workers/${id}/disable`, { token: s.tokens.lanAdmin, body: { reason: 'Left the agency' } });
      assert.equal(disabled.status, 200);
      const [open] = (await kit.services.leavers.list(kit.system, s.agency.id, { status: 'open', limit: 5, workerId: id })).items;
      assert.ok(open);
      return open;
    };
    await leaver();
    kit.clock.advance(100 * dayMs);
    const endedInTime = await leaver();
    kit.clock.advance(3 * hourMs);
    await kit.services.leavers.endDate(kit.system, endedInTime.id, { reason: 'Nothing left to reassign', version: endedInTime.version });
    const forgotten = await leaver();
    kit.clock.advance(4 * dayMs);

    const times = (await kit.services.dashboard.forAgency(coordinator, s.agency.id)).leaverTimes;
    assert.ok(times);
    assert.equal(times.leavers, 2, 'the leaver of 100 days ago is outside the period');
    assert.deepEqual([times.timeToDisable.count, times.timeToDisable.p50Seconds, times.timeToDisable.maxSeconds], [2, 0, 0]);
    assert.deepEqual([times.timeToEndDate.count, times.timeToEndDate.p50Seconds, times.timeToEndDate.p90Seconds], [1, 3 * 3600, 3 * 3600]);
    assert.deepEqual([times.pastDeadline, times.openPastDeadline], [1, 1], `${forgotten.task} is past its end-date deadline`);
    assert.equal((await kit.services.dashboard.forAgency(as('lan_admin', s.agency.id), s.agency.id)).leaverTimes, null);
  });

  it("shows each day's requests by their status now, days without requests included", async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const ask = (justification: string, submit: boolean) =>
      kit.services.requests.create(kit.system, s.agency.id, { subjectWorkerId: s.worker, applicationId: s.app, justification, items: [{ action: 'add', kind: 'function', functionId: s.preventiveFn, justification: 'Covers preventive work' }], submit });
    await ask('First', true);
    kit.clock.advance(2 * dayMs);
    await ask('Draft', false);
    await ask('Second', true);

    const days = (await kit.services.dashboard.forAgency(as('auditor', s.agency.id), s.agency.id)).requestsPerDay;
    assert.equal(days.length, 14);
    assert.deepEqual(days.slice(-3), [
      { day: '2026-03-02', byStatus: { pending: 1 } },
      { day: '2026-03-03', byStatus: {} },
      { day: '2026-03-04', byStatus: { draft: 1, pending: 1 } },
    ]);
    assert.equal(days[0]?.day, '2026-02-19');
  });
});
