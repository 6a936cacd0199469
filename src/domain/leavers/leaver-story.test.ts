import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addApplication, addFunction, addUnit, addWorker, addWorkItem, createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';

const hourMs = 3_600_000;

describeEachDatabase('the leaver story, end to end through the API', (current) => {
  it('goes from the directory disable to the end-date with every step in the audit, the timeline and the report', async () => {
    const kit = createTestKit(current());
    const agency = await createAgency(kit, 'MONROE');
    const unit = await addUnit(kit, agency.id, 'C10');
    const connections = await addApplication(kit, 'CONNECTIONS');
    const cps = await addFunction(kit, connections, 'CPS CASEWORKER');
    const caseworker = async () => {
      const id = await addWorker(kit, agency.id, unit);
      const account = await addAccount(kit, id, connections, unit);
      await kit.db.transaction().execute((trx) =>
        kit.services.grants.grantInTransaction(trx, kit.system, { accountId: account, kind: 'function', functionId: cps, provenanceKind: 'import', provenanceId: 'initial-load' }),
      );
      return id;
    };
    const leaver = await caseworker();
    const colleagues = [await caseworker(), await caseworker()];
    for (let i = 0; i < 4; i += 1) await addWorkItem(kit, { agencyId: agency.id, applicationId: connections, unitId: unit, ownerWorkerId: leaver });
    const lanAdmin = await kit.tokenFor('lan_admin', agency.id);
    const coordinator = await kit.tokenFor('security_coordinator', agency.id);
    const auditor = await kit.tokenFor('auditor', agency.id);

    // 14:00 Monday: the LAN administrator disables the worker; every account goes with them and the case opens.
    assert.equal((await kit.call('POST', `/api/v1/workers/${leaver}/disable`, { token: lanAdmin, body: { reason: 'Resigned' } })).status, 200);
    const queue = await kit.call('GET', `/api/v1/agencies/${agency.id}/leaver-cases`, { token: coordinator });
    const [entry] = queue.body.items;
    assert.deepEqual([entry.workerId, entry.blockers, entry.readyToEndDate], [leaver, { openCases: 4, openTodos: 0 }, false]);

    // 16:00: the coordinator takes the planner's proposal as it is: two cases each for the colleagues.
    kit.clock.advance(2 * hourMs);
    const plan = await kit.call('POST', `/api/v1/leaver-cases/${entry.id}/reassignment-plan`, { token: coordinator, body: { strategy: 'unit' } });
    const owners: string[] = plan.body.assignments.map((a: { ownerWorkerId: string }) => a.ownerWorkerId);
    assert.deepEqual(colleagues.map((c) => owners.filter((o) => o === c).length), [2, 2]);
    const assignments = plan.body.assignments.map((a: { workItemId: string; ownerWorkerId: string }) => ({ workItemId: a.workItemId, ownerWorkerId: a.ownerWorkerId }));
    const applied = await kit.call('POST', `/api/v1/leaver-cases/${entry.id}/reassignments`, { token: coordinator, body: { assignments, reason: 'Caseload spread over the unit', version: entry.version } });
    assert.equal(applied.body.readyToEndDate, true);

    // 17:00: end-dated, well within the one business day.
    kit.clock.advance(hourMs);
    const ended = await kit.call('POST', `/api/v1/leaver-cases/${entry.id}/end-date`, { token: coordinator, body: { reason: 'Resigned; work reassigned', version: applied.body.version } });
    assert.deepEqual([ended.status, ended.body.status], [200, 'end_dated']);

    const caseEvents = await kit.call('GET', `/api/v1/audit/events?subjectType=leaver_case&subjectId=${entry.id}`, { token: auditor });
    assert.deepEqual(caseEvents.body.items.map((e: { action: string }) => e.action).reverse(), [
      'leaver_case.opened', 'leaver_case.work_items_reassigned', 'leaver_case.work_reassigned', 'leaver_case.end_dated',
    ]);
    const reassigned = await kit.call('GET', '/api/v1/audit/events?action=work_item.reassigned', { token: auditor });
    assert.equal(reassigned.body.items.length, 4);
    assert.equal((await kit.call('GET', '/api/v1/audit/verify', { token: auditor })).body.ok, true);

    const timeline = await kit.call('GET', `/api/v1/workers/${leaver}/lifecycle-timeline`, { token: auditor });
    const steps = timeline.body.entries.filter((e: { source: string }) => e.source === 'leaver_case');
    assert.deepEqual(steps.map((e: { event: string; sinceDetectedSeconds: number }) => [e.event, e.sinceDetectedSeconds]), [
      ['leaver.detected', 0], ['leaver.disabled', 0], ['leaver.work_reassigned', 7200], ['leaver.end_dated', 10800],
    ]);
    const report = await kit.call('GET', `/api/v1/agencies/${agency.id}/reports/leaver-times?from=2026-03-01&to=2026-03-03`, { token: auditor });
    assert.deepEqual([report.body.leavers, report.body.timeToEndDate.maxSeconds, report.body.pastDeadline], [1, 10800, []]);
  });
});
