import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addApplication, addFunction, addUnit, addWorker, addWorkItem, createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit, type TestKit } from '../../../test/helpers/kit.ts';

const hourMs = 3_600_000;

async function setup(kit: TestKit) {
  const agency = await createAgency(kit, 'MONROE');
  const unit = await addUnit(kit, agency.id, 'C10');
  const connections = await addApplication(kit, 'CONNECTIONS');
  const worker = async (lastName = 'Tester') => {
    const id = await addWorker(kit, agency.id, unit);
    await kit.db.updateTable('workers').set({ last_name: lastName }).where('id', '=', id).execute();
    await addAccount(kit, id, connections, unit);
    return id;
  };
  const tokens = {
    lanAdmin: await kit.tokenFor('lan_admin', agency.id),
    coordinator: await kit.tokenFor('security_coordinator', agency.id),
    auditor: await kit.tokenFor('auditor', agency.id),
  };
  return { agency, unit, connections, worker, tokens };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function disable(kit: TestKit, s: Setup, workerId: string): Promise<string> {
  const response = await kit.call('POST', `/api/v1/workers/${workerId}/disable`, { token: s.tokens.lanAdmin, body: { reason: 'Left the agency' } });
  assert.equal(response.status, 200);
  const row = await kit.db.selectFrom('leaver_cases').select('id').where('worker_id', '=', workerId).where('status', '=', 'open').executeTakeFirstOrThrow();
  return row.id;
}

async function endDate(kit: TestKit, s: Setup, caseId: string): Promise<void> {
  const read = await kit.call('GET', `/api/v1/leaver-cases/${caseId}`, { token: s.tokens.coordinator });
  const ended = await kit.call('POST', `/api/v1/leaver-cases/${caseId}/end-date`, { token: s.tokens.coordinator, body: { reason: 'Work reassigned', version: read.body.version } });
  assert.equal(ended.status, 200, JSON.stringify(ended.body));
}

describeEachDatabase('lifecycle reports', (current) => {
  it('shows a worker timeline with how long each leaver step took, and the mover change before it', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const supervisor = await s.worker('Boss');
    const leaver = await s.worker();
    await kit.db.updateTable('workers').set({ supervisor_id: supervisor }).where('id', '=', leaver).execute();
    await addWorkItem(kit, { agencyId: s.agency.id, applicationId: s.connections, unitId: s.unit, ownerWorkerId: leaver });
    const account = await kit.db.selectFrom('accounts').select('id').where('worker_id', '=', leaver).executeTakeFirstOrThrow();
    const cps = await addFunction(kit, s.connections, 'CPS CASEWORKER');
    const grant = await kit.db.transaction().execute((trx) =>
      kit.services.grants.grantInTransaction(trx, kit.system, { accountId: account.id, kind: 'function', functionId: cps, provenanceKind: 'import', provenanceId: 'initial-load' }),
    );
    await kit.call('PATCH', `/api/v1/workers/${leaver}`, { token: s.tokens.lanAdmin, body: { jobType: 'preventive_caseworker', reason: 'Now preventive' } });
    await kit.services.grants.revoke(kit.system, grant.id, 'Outside the preventive template');
    await kit.call('PATCH', `/api/v1/workers/${leaver}`, { token: s.tokens.lanAdmin, body: { email: 'new@example.org', reason: 'New address' } });
    kit.clock.advance(hourMs);

    const caseId = await disable(kit, s, leaver);
    kit.clock.advance(2 * hourMs);
    const plan = await kit.call('POST', `/api/v1/leaver-cases/${caseId}/reassignment-plan`, { token: s.tokens.coordinator, body: { strategy: 'supervisor' } });
    const assignments = plan.body.assignments.map((a: { workItemId: string; ownerWorkerId: string }) => ({ workItemId: a.workItemId, ownerWorkerId: a.ownerWorkerId }));
    assert.equal((await kit.call('POST', `/api/v1/leaver-cases/${caseId}/reassignments`, { token: s.tokens.coordinator, body: { assignments, reason: 'To the supervisor', version: 1 } })).status, 200);
    kit.clock.advance(3 * hourMs);
    await endDate(kit, s, caseId);

    const timeline = await kit.call('GET', `/api/v1/workers/${leaver}/lifecycle-timeline`, { token: s.tokens.auditor });
    assert.equal(timeline.status, 200);
    const [times] = timeline.body.leaverCases;
    assert.deepEqual(
      [times.status, times.detectedToDisabledSeconds, times.disabledToReassignedSeconds, times.reassignedToEndDatedSeconds, times.detectedToEndDatedSeconds, times.pastDeadline],
      ['end_dated', 0, 7200, 10800, 18000, false],
    );
    const leaverSteps = timeline.body.entries.filter((e: { source: string }) => e.source === 'leaver_case');
    assert.deepEqual(
      leaverSteps.map((e: { event: string; sincePreviousStepSeconds: number | null }) => [e.event, e.sincePreviousStepSeconds]),
      [['leaver.detected', null], ['leaver.disabled', 0], ['leaver.work_reassigned', 7200], ['leaver.end_dated', 10800]],
    );
    const audited = timeline.body.entries.filter((e: { source: string }) => e.source === 'audit').map((e: { event: string }) => e.event);
    assert.deepEqual(
      audited,
      ['grant.created', 'worker.updated', 'grant.revoked', 'worker.disabled', 'account.disabled', 'account.end_dated'],
      'the job change and the grant it removed are there, the new email is not',
    );

    const csv = await kit.call('GET', `/api/v1/workers/${leaver}/lifecycle-timeline`, { token: s.tokens.auditor, headers: { accept: 'text/csv' } });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = String(csv.body).split('\r\n');
    assert.equal(lines[0], 'worker_id,login_id,at,event,source,case_id,since_previous_step_seconds,since_detected_seconds,actor,detail');
    assert.ok(lines.some((l) => l.includes(',leaver.end_dated,leaver_case,') && l.includes(',10800,18000,')));
    // JSON in a detail cell is quoted whole, its quotes doubled.
    assert.ok(lines.some((l) => l.includes('"Now preventive | {""jobType"":""preventive_caseworker""}"')));
  });

  it('reports time-to-disable and time-to-end-date percentiles for a period, and every case past its deadline', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const workers = [await s.worker('A'), await s.worker('B'), await s.worker('C'), await s.worker('D'), await s.worker('E'), await s.worker()];
    await kit.db.updateTable('workers').set({ first_name: '=HYPERLINK("x")' }).where('id', '=', workers[5] ?? '').execute();
    const start = kit.clock.now().getTime();
    const cases: string[] = [];
    for (const w of workers) cases.push(await disable(kit, s, w));
    for (const [index, hours] of [1, 2, 3, 4, 30].entries()) {
      kit.clock.set(new Date(start + hours * hourMs));
      await endDate(kit, s, cases[index] ?? '');
    }

    const report = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/reports/leaver-times?from=2026-03-01&to=2026-03-05`, { token: s.tokens.auditor });
    assert.equal(report.status, 200);
    assert.deepEqual([report.body.from, report.body.to, report.body.leavers], ['2026-03-01T00:00:00.000Z', '2026-03-05T00:00:00.000Z', 6]);
    assert.deepEqual(report.body.timeToDisable, { count: 6, p50Seconds: 0, p90Seconds: 0, p99Seconds: 0, maxSeconds: 0 });
    assert.deepEqual(report.body.timeToEndDate, { count: 5, p50Seconds: 10800, p90Seconds: 108000, p99Seconds: 108000, maxSeconds: 108000 });
    assert.deepEqual(
      report.body.pastDeadline.map((e: { caseId: string; status: string; lateBySeconds: number }) => [e.caseId, e.status, e.lateBySeconds]).sort(),
      [[cases[4], 'end_dated', 21600], [cases[5], 'open', 21600]].sort(),
    );

    const later = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/reports/leaver-times?from=2026-03-03T00:00:00Z`, { token: s.tokens.auditor });
    assert.deepEqual([later.body.leavers, later.body.timeToEndDate.p50Seconds], [0, null]);
    const backwards = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/reports/leaver-times?from=2026-03-05&to=2026-03-01`, { token: s.tokens.auditor });
    assert.deepEqual([backwards.status, backwards.body.error.code], [422, 'input.invalid']);

    const measures = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/reports/leaver-times?from=2026-03-01&to=2026-03-05&format=csv`, { token: s.tokens.auditor });
    assert.deepEqual(String(measures.body).split('\r\n').slice(1, 3).map((l) => l.split(',').slice(3).join(',')), [
      'time_to_disable,6,0,0,0,0,2',
      'time_to_end_date,5,10800,108000,108000,108000,2',
    ]);
    const late = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/reports/past-deadline?from=2026-03-01&to=2026-03-05&format=csv`, { token: s.tokens.auditor });
    assert.equal(late.status, 200);
    // A name a spreadsheet would run as a formula is exported as text.
    assert.ok(String(late.body).includes(`,"'=HYPERLINK(""x"") Tester",open,`), String(late.body));
  });

  it('lets auditors and coordinators of the agency read the reports, and nobody else', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const leaver = await s.worker();
    const other = await createAgency(kit, 'ERIE');
    const path = `/api/v1/agencies/${s.agency.id}/reports/leaver-times`;
    assert.equal((await kit.call('GET', path, { token: s.tokens.coordinator })).status, 200);
    assert.equal((await kit.call('GET', path, { token: s.tokens.lanAdmin })).status, 403);
    const stranger = await kit.tokenFor('auditor', other.id);
    const hidden = await kit.call('GET', path, { token: stranger });
    assert.deepEqual([hidden.status, hidden.body.error.code], [404, 'agency.not_found']);
    const hiddenWorker = await kit.call('GET', `/api/v1/workers/${leaver}/lifecycle-timeline`, { token: stranger });
    assert.deepEqual([hiddenWorker.status, hiddenWorker.body.error.code], [404, 'worker.not_found']);
    const badFormat = await kit.call('GET', `${path}?format=xml`, { token: s.tokens.auditor });
    assert.equal(badFormat.status, 400);
  });
});
