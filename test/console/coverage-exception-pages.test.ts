import assert from 'node:assert/strict';
import { it } from 'node:test';
import { calendarDateAt } from '../../src/shared/dates.ts';
import { decide } from '../helpers/access-requests.ts';
import { addFunction, addUnit, createAgency } from '../helpers/fixtures.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { createTestKit } from '../helpers/kit.ts';
import { addConsoleUser, registerWorker, setUpAgency } from './console-kit.ts';
import { browserLike } from './form-client.ts';

describeEachDatabase('console coverage and exception pages', (current) => {
  it('gives coverage for a leave from the coverage page, with each problem next to its field, and ends it early', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const away = await registerWorker(kit, s.agency.id, s.cpsUnit, 'away01', 'Ada', 'Away');
    const colleague = await registerWorker(kit, s.agency.id, s.cpsUnit, 'cover01', 'Cy', 'Cover');
    const coordinator = browserLike(kit);
    await coordinator.signIn(s.users.coordinatorA.login);
    const queue = await coordinator.request('GET', '/queue');
    assert.match(queue.html, /href="\/coverage"/);
    const page = await coordinator.request('GET', '/coverage');
    assert.equal(page.status, 200);
    assert.match(page.html, /No coverage is under way or planned\./);
    const csrf = coordinator.csrfOf(page.html);

    const empty = await coordinator.request('POST', '/coverage', { _csrf: csrf, absentLogin: '', coveringLogin: 'nobody01', unitId: '', coverageReason: '' });
    assert.equal(empty.status, 422);
    for (const field of ['absentLogin', 'coveringLogin', 'coverageReason']) assert.match(empty.html, new RegExp(`id="${field}-error"`), field);
    assert.match(empty.html, /No worker with login id nobody01 in/);
    const noLeave = await coordinator.request('POST', '/coverage', { _csrf: csrf, absentLogin: 'away01', coveringLogin: 'cover01', unitId: '', coverageReason: 'Covers the caseload' });
    assert.match(noLeave.html, /<p class="field-error" id="absentLogin-error">away01 has no leave scheduled or under way/);

    const today = calendarDateAt(kit.clock.now(), (await kit.services.agencies.get(kit.system, s.agency.id)).timeZone);
    await kit.services.leaves.record(kit.system, away.id, { startsOn: today, returnsOn: '2099-01-05', reason: 'Medical leave' });
    const self = await coordinator.request('POST', '/coverage', { _csrf: csrf, absentLogin: 'away01', coveringLogin: 'away01', unitId: '', coverageReason: 'Covers the caseload' });
    assert.match(self.html, /A worker cannot cover their own absence/);
    const given = await coordinator.request('POST', '/coverage', { _csrf: csrf, absentLogin: 'AWAY01', coveringLogin: 'cover01', unitId: '', coverageReason: 'Covers the caseload' });
    assert.equal(given.status, 303);
    const listed = await coordinator.request('GET', '/coverage?q=cov');
    assert.match(listed.html, /Cy Cover covers Ada Away&#39;s absence/);
    assert.match(listed.html, /Ada Away<\/a> \(away01\)<\/td><td><a href="[^"]+">Cy Cover<\/a> \(cover01\)<\/td><td>C10 /);
    assert.match(listed.html, /2099-01-05 05:00/);
    assert.match((await coordinator.request('GET', '/coverage?q=zed')).html, /No coverage matches\./);

    const coverageId = /action="\/coverage\/([^"]+)\/end"/.exec(listed.html)?.[1] ?? '';
    const unexplained = await coordinator.request('POST', `/coverage/${coverageId}/end`, { _csrf: csrf, [`reason-${coverageId}`]: ' ' });
    assert.equal(unexplained.status, 422);
    assert.match(unexplained.html, new RegExp(`id="reason-${coverageId}"[^>]*aria-invalid="true"`));
    const ended = await coordinator.request('POST', `/coverage/${coverageId}/end`, { _csrf: csrf, [`reason-${coverageId}`]: 'Caseload moved to the supervisor' });
    assert.equal(ended.status, 303);
    const after = await coordinator.request('GET', '/coverage');
    assert.match(after.html, /The coverage has ended/);
    assert.match(after.html, /No coverage is under way or planned\./);
    const units = (await kit.services.access.effectiveAccess(kit.system, colleague.id, s.application)).units.map((u) => u.code);
    assert.deepEqual(units, ['N01']);

    const erie = await createAgency(kit, 'ERIE');
    await addUnit(kit, erie.id, 'E10');
    await addConsoleUser(kit, 'erie-coord', 'security_coordinator', erie.id);
    const stranger = browserLike(kit);
    await stranger.signIn('erie-coord');
    const refused = await stranger.request('POST', `/coverage/${coverageId}/end`, { _csrf: stranger.csrfOf((await stranger.request('GET', '/coverage')).html), [`reason-${coverageId}`]: 'x' });
    assert.match(refused.html, /No coverage with that id\./);
  });

  it('requests a hold exception from the exceptions page, refusing bad input next to its field, and lists it with its holder and end once approved', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const caseSearch = await addFunction(kit, s.application, 'CASE SEARCH');
    const worker = await registerWorker(kit, s.agency.id, s.cpsUnit, 'held01', 'Hal', 'Held', { supervisorId: s.supervisor.id });
    const coordinator = browserLike(kit);
    await coordinator.signIn(s.users.coordinatorA.login);
    const page = await coordinator.request('GET', '/exceptions');
    assert.match(page.html, /No exception is in force\./);
    assert.match(page.html, /<label for="kind-hold">/);
    const csrf = coordinator.csrfOf(page.html);
    const form = { _csrf: csrf, workerLogin: 'held01', functionId: caseSearch, kind: 'hold', days: '30', justification: 'Covers intake searches this month' };

    const bad = await coordinator.request('POST', '/exceptions', { ...form, workerLogin: '', functionId: '', kind: '', days: '0' });
    assert.equal(bad.status, 422);
    for (const field of ['workerLogin', 'functionId', 'kind', 'days']) assert.match(bad.html, new RegExp(`id="${field}-error"`), field);
    assert.match(bad.html, /id="days"[^>]*aria-invalid="true"/);
    const keepNothing = await coordinator.request('POST', '/exceptions', { ...form, kind: 'keep' });
    assert.match(keepNothing.html, /<p class="field-error" id="functionId-error">The worker does not hold CASE SEARCH/);
    const inTemplate = await coordinator.request('POST', '/exceptions', { ...form, functionId: s.caseworkerFn });
    assert.match(inTemplate.html, /id="functionId-error">CPS CASEWORKER is in the template/);

    const asked = await coordinator.request('POST', '/exceptions', form);
    assert.equal(asked.status, 303);
    assert.equal(asked.headers.get('location'), '/exceptions?status=requested');
    const requested = await coordinator.request('GET', '/exceptions?status=requested');
    assert.match(requested.html, /The hold exception for Hal Held \(CASE SEARCH\) waits for its access request to be approved\./);
    const requestId = /href="\/requests\/([^"]+)">access request/.exec(requested.html)?.[1] ?? '';

    const supervisor = await kit.tokenFor('worker', s.agency.id, s.supervisor.id);
    assert.equal((await decide(kit, supervisor, requestId)).body.status, 'provisioned');
    const active = await coordinator.request('GET', '/exceptions');
    assert.match(active.html, new RegExp(`<a href="/workers/${worker.id}">Hal Held</a></td><td>CASE SEARCH</td><td>hold</td><td>2026-04-01 14:00</td>`));
    assert.match((await coordinator.request('GET', '/exceptions?status=expired')).html, /No exception is expired\./);
  });
});
