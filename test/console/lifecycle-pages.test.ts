import assert from 'node:assert/strict';
import { it } from 'node:test';
import { calendarDateAt } from '../../src/shared/dates.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { addUnit, addWorkItem, createAgency } from '../helpers/fixtures.ts';
import { createTestKit, type TestKit } from '../helpers/kit.ts';
import { registerWorker, setUpAgency } from './console-kit.ts';
import { browserLike } from './form-client.ts';

type Agency = Awaited<ReturnType<typeof setUpAgency>>;

/** A caseworker of the agency who leaves owning one open case and one to-do; their supervisor is the agency's. */
async function leaverWithWork(kit: TestKit, s: Pick<Agency, 'agency' | 'cpsUnit' | 'application' | 'supervisor'>, loginId: string) {
  const leaver = await registerWorker(kit, s.agency.id, s.cpsUnit, loginId, 'Lee', 'Leaver', { supervisorId: s.supervisor.id });
  await addWorkItem(kit, { agencyId: s.agency.id, applicationId: s.application, unitId: s.cpsUnit, ownerWorkerId: leaver.id });
  const todo = await addWorkItem(kit, { agencyId: s.agency.id, applicationId: s.application, unitId: s.cpsUnit, ownerWorkerId: leaver.id });
  await kit.db.updateTable('work_items').set({ kind: 'todo' }).where('id', '=', todo).execute();
  await kit.services.workers.disable(kit.system, leaver.id, 'Left the agency');
  const [leaverCase] = (await kit.services.leavers.list(kit.system, s.agency.id, { status: 'open', limit: 5, workerId: leaver.id })).items;
  assert.ok(leaverCase);
  return { leaver, leaverCase };
}

describeEachDatabase('console lifecycle pages', (current) => {
  it('records a leave from the worker page, shows a missing start next to its field, and records the early return', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const worker = await registerWorker(kit, s.agency.id, s.cpsUnit, 'away01', 'Ada', 'Away');
    const lan = browserLike(kit);
    await lan.signIn(s.users.lanAdmin.login);
    const page = await lan.request('GET', `/workers/${worker.id}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /No leave recorded\./);
    assert.match(page.html, /Record a leave of absence/);

    const missing = await lan.request('POST', `/workers/${worker.id}/leaves`, { _csrf: lan.csrfOf(page.html), startsOn: '', returnsOn: '', leaveReason: 'Medical leave' });
    assert.equal(missing.status, 422);
    assert.match(missing.html, /id="startsOn-error"/);
    assert.match(missing.html, /id="startsOn"[^>]*aria-invalid="true"/);
    assert.match(missing.html, /Medical leave/, 'the typed reason is kept');

    const today = calendarDateAt(kit.clock.now(), (await kit.services.agencies.get(kit.system, s.agency.id)).timeZone);
    const recorded = await lan.request('POST', `/workers/${worker.id}/leaves`, { _csrf: lan.csrfOf(page.html), startsOn: today, returnsOn: '2099-01-05', leaveReason: 'Medical leave' });
    assert.equal(recorded.status, 303);
    const onLeave = await lan.request('GET', `/workers/${worker.id}`);
    assert.match(onLeave.html, /The leave is recorded\./);
    assert.match(onLeave.html, new RegExp(`<td>${today}</td><td>2099-01-05</td><td><span class="badge on_leave">on leave</span>`));
    const returnAction = /action="(\/workers\/[^"]+\/return)"/.exec(onLeave.html)?.[1] ?? '';
    assert.match(onLeave.html, /Record an early return/);

    const back = await lan.request('POST', returnAction, { _csrf: lan.csrfOf(onLeave.html), returnReason: 'Back early' });
    assert.equal(back.status, 303);
    const returned = await lan.request('GET', `/workers/${worker.id}`);
    assert.match(returned.html, /<span class="badge returned">returned<\/span>/);
    assert.match(returned.html, /Record a leave of absence/, 'a new leave can be recorded once back');
  });

  it('shows removals due and leavers to end-date on the queue, overdue ones in red with their blockers', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const mover = await registerWorker(kit, s.agency.id, s.cpsUnit, 'mover01', 'Mo', 'Mover');
    const [account] = (await kit.services.accounts.listForWorker(kit.system, mover.id, { limit: 5 })).items;
    assert.ok(account);
    await kit.db.transaction().execute((trx) =>
      kit.services.grants.grantInTransaction(trx, kit.system, { accountId: account.id, kind: 'function', functionId: s.caseworkerFn, provenanceKind: 'import', provenanceId: 'initial-load' }));
    await kit.services.workers.update(kit.system, mover.id, { jobType: 'preventive_caseworker', reason: 'Transferred' });
    await kit.services.movers.processMoverEvents(kit.clock.now());
    await leaverWithWork(kit, s, 'gone01');
    kit.clock.advance(30 * 24 * 3_600_000);

    const coordinator = browserLike(kit);
    await coordinator.signIn(s.users.coordinatorA.login);
    const queue = await coordinator.request('GET', '/queue');
    assert.equal(queue.status, 200);
    assert.match(queue.html, /<h2 id="removals-due">Removals due<\/h2>/);
    assert.match(queue.html, /<tr class="overdue"><td><a href="\/workers\/[^"]+">Mo Mover<\/a><\/td><td>CPS CASEWORKER<\/td><td>preventive_caseworker<\/td>/);
    assert.match(queue.html, /<h2 id="leavers-due">Leavers to end-date<\/h2>/);
    assert.match(queue.html, /<tr class="overdue"><td><a href="\/leaver-cases\/[^"]+">End-date Lee Leaver \(gone01\)<\/a><\/td><td>1<\/td><td>1<\/td><td>[^<]+ \(overdue\)<\/td>/);
  });

  it('refuses the end-date while work is open, reassigns it to the supervisor in one click, then end-dates', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const { leaver, leaverCase } = await leaverWithWork(kit, s, 'gone02');
    const coordinator = browserLike(kit);
    await coordinator.signIn(s.users.coordinatorA.login);
    const page = await coordinator.request('GET', `/leaver-cases/${leaverCase.id}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /1 open cases, 1 open to-dos/);

    const refused = await coordinator.request('POST', `/leaver-cases/${leaverCase.id}/end-date`, { _csrf: coordinator.csrfOf(page.html), version: String(leaverCase.version), reason: 'Left' });
    assert.equal(refused.status, 422);
    assert.match(refused.html, /Lee Leaver still owns 1 open case and 1 open to-do\. Reassign them/);

    const planned = await coordinator.request('GET', `/leaver-cases/${leaverCase.id}?strategy=supervisor`);
    assert.match(planned.html, /Proposed plan \(Everything to the leaver&#39;s supervisor\)/);
    assert.equal([...planned.html.matchAll(/<td>Sam Supervisor \(monroesup01\)<\/td>/g)].length, 2);
    const plan = [...planned.html.matchAll(/name="assignment" value="([^"]+)"/g)].map((m) => m[1] ?? '');
    const version = /name="version" value="(\d+)"/.exec(planned.html)?.[1] ?? '';
    const body = new URLSearchParams({ _csrf: coordinator.csrfOf(planned.html), version, planReason: 'Work reassigned after the departure.' });
    for (const pair of plan) body.append('assignment', pair);
    const applied = await kit.app.request(`/leaver-cases/${leaverCase.id}/apply`, {
      method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: coordinator.cookieHeader() },
    });
    assert.equal(applied.status, 303);
    const ready = await coordinator.request('GET', `/leaver-cases/${leaverCase.id}`);
    assert.match(ready.html, /The leaver owns no open work/);
    const ended = await coordinator.request('POST', `/leaver-cases/${leaverCase.id}/end-date`, { _csrf: coordinator.csrfOf(ready.html), version: /name="version" value="(\d+)"/.exec(ready.html)?.[1] ?? '', reason: 'Left' });
    assert.equal(ended.status, 303);
    const closed = await coordinator.request('GET', `/leaver-cases/${leaverCase.id}`);
    assert.match(closed.html, /This case is closed \(end-dated/);
    const accounts = (await kit.services.accounts.listForWorker(kit.system, leaver.id, { limit: 5 })).items;
    assert.ok(accounts.every((a) => a.endDate !== null));
  });

  it('shows the auditor a leaver case without its planner or end-date, and keeps it from the LAN administrator', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const { leaverCase } = await leaverWithWork(kit, s, 'gone04');
    const auditor = browserLike(kit);
    await auditor.signIn(s.users.auditor.login);
    const read = await auditor.request('GET', `/leaver-cases/${leaverCase.id}?strategy=unit`);
    assert.equal(read.status, 200);
    assert.match(read.html, /1 open cases, 1 open to-dos/);
    assert.doesNotMatch(read.html, /Reassignment planner|End-date every account today/);
    const lan = browserLike(kit);
    await lan.signIn(s.users.lanAdmin.login);
    const refused = await lan.request('GET', `/leaver-cases/${leaverCase.id}`);
    assert.equal(refused.status, 403);
  });

  it("answers another agency's leaver case with not found", async () => {
    const kit = createTestKit(current());
    const monroe = await setUpAgency(kit);
    const erieAgency = await createAgency(kit, 'ERIE');
    const erieUnit = await addUnit(kit, erieAgency.id, 'E10');
    const erieSupervisor = await registerWorker(kit, erieAgency.id, erieUnit, 'eriesup01', 'Eve', 'Supervisor');
    const { leaverCase } = await leaverWithWork(kit, { agency: erieAgency, cpsUnit: erieUnit, application: monroe.application, supervisor: erieSupervisor }, 'gone03');
    const coordinator = browserLike(kit);
    await coordinator.signIn(monroe.users.coordinatorA.login);
    const other = await coordinator.request('GET', `/leaver-cases/${leaverCase.id}`);
    const missing = await coordinator.request('GET', '/leaver-cases/01J0000000000000000000000Z');
    assert.equal(other.status, 404);
    assert.equal(missing.status, 404);
    assert.equal(other.html.replace(/name="_csrf" value="[^"]+"/, ''), missing.html.replace(/name="_csrf" value="[^"]+"/, ''));
  });
});
