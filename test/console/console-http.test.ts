import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createRequestSchema } from '../../src/domain/requests/requests.schemas.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { createTestKit } from '../helpers/kit.ts';
import { addConsoleUser, password, registerWorker, setUpAgency } from './console-kit.ts';
import { browserLike } from './form-client.ts';

describeEachDatabase('console over HTTP', (current) => {
  it('sends the security headers on console pages, and leaves the API its JSON errors', async () => {
    const kit = createTestKit(current());
    const page = await kit.app.request('/sign-in');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /unsafe-inline/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'same-origin');
    assert.match(page.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Lax/);
    const api = await kit.call('GET', '/api/v1/no-such-thing');
    assert.equal(api.body.error.code, 'auth.unauthenticated');
  });

  it('refuses a sign-in posted without the form token', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const browser = browserLike(kit);
    const refused = await browser.request('POST', '/sign-in', { login: s.users.lanAdmin.login, password });
    assert.equal(refused.status, 403);
    assert.match(refused.html, /did not carry a valid security token/);
    assert.ok(!(refused.headers.get('set-cookie') ?? '').includes('gh_session'));
  });

  it('shows the API validation message next to the field it is about', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const browser = browserLike(kit);
    await browser.signIn(s.users.lanAdmin.login);
    const form = await browser.request('GET', '/workers/new');
    const sent = await browser.request('POST', '/workers', { _csrf: browser.csrfOf(form.html), firstName: 'Al', lastName: 'Bad', loginId: 'x', unitId: s.cpsUnit, jobType: 'Case Worker' });
    assert.equal(sent.status, 422);
    assert.match(sent.html, /<p class="field-error" id="loginId-error">Use 2 to 64 letters, digits/);
    assert.match(sent.html, /id="loginId"[^>]*aria-invalid="true"[^>]*aria-describedby="loginId-hint loginId-error"/);
    assert.match(sent.html, /id="jobType-error">Use a job type code/);
    assert.match(sent.html, /value="Al"/);
  });

  it('gives a state administrator the dashboard of the agency they choose', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    await addConsoleUser(kit, 'state', 'state_admin', null);
    const browser = browserLike(kit);
    const landed = await browser.signIn('state');
    assert.equal(landed.headers.get('location'), '/');
    const dashboard = await browser.request('GET', '/dashboard');
    assert.match(dashboard.html, /Dashboard: MONROE agency/);
    assert.match(dashboard.html, /<svg[^>]*role="img"/);
    const chosen = await browser.request('POST', '/agency', { _csrf: browser.csrfOf(dashboard.html), agencyId: s.agency.id });
    assert.equal(chosen.status, 303);
  });

  it('takes an access request from the request form and refuses a denial without a reason', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const joiner = await registerWorker(kit, s.agency.id, s.cpsUnit, 'newbie01', 'Nel', 'Newbie', { supervisorId: s.supervisor.id });
    const coordinator = browserLike(kit);
    await coordinator.signIn(s.users.coordinatorA.login);
    const form = await coordinator.request('GET', `/requests/new?worker=${joiner.id}`);
    assert.match(form.html, /Request access for Nel Newbie/);
    const empty = await coordinator.request('POST', '/requests', { _csrf: coordinator.csrfOf(form.html), subjectWorkerId: joiner.id, justification: '' });
    assert.equal(empty.status, 422);
    assert.match(empty.html, /id="justification-error">/);
    const sent = await coordinator.request('POST', '/requests', { _csrf: coordinator.csrfOf(form.html), subjectWorkerId: joiner.id, justification: 'Joins CPS intake', functionIds: s.caseworkerFn, unitId: s.cpsUnit });
    assert.equal(sent.status, 303);
    const requestPath = sent.headers.get('location') ?? '';
    assert.match(requestPath, /^\/requests\/[0-9a-f-]{36}$/);

    const supervisor = browserLike(kit);
    await supervisor.signIn(s.users.supervisor.login);
    const view = await supervisor.request('GET', requestPath);
    assert.match(view.html, /Nel Newbie holds no business functions now/);
    const unexplained = await supervisor.request('POST', `${requestPath}/decision`, { _csrf: supervisor.csrfOf(view.html), decision: 'deny' });
    assert.equal(unexplained.status, 422);
    assert.match(unexplained.html, /id="comment-error">Give the reason for the denial./);
    const denied = await supervisor.request('POST', `${requestPath}/decision`, { _csrf: supervisor.csrfOf(view.html), decision: 'deny', comment: 'Not in my unit yet' });
    assert.equal(denied.status, 303);
    const request = await kit.services.requests.get(kit.system, requestPath.split('/')[2] ?? '');
    assert.equal(request.status, 'denied');
    const found = await coordinator.request('GET', '/requests?worker=NEWBIE01&status=denied');
    assert.match(found.html, /<td>Nel Newbie<\/td>/);
    const none = await coordinator.request('GET', '/requests?worker=newbie01&status=pending');
    assert.match(none.html, /No requests match./);
  });

  it("refuses a worker the agency's request list and a colleague's request page, and lets the approver open it", async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const joiner = await registerWorker(kit, s.agency.id, s.cpsUnit, 'newbie01', 'Nel', 'Newbie', { supervisorId: s.supervisor.id });
    const colleague = await registerWorker(kit, s.agency.id, s.cpsUnit, 'colly01', 'Col', 'League');
    await addConsoleUser(kit, 'monroe-colleague', 'worker', s.agency.id, colleague.id);
    const request = await kit.services.requests.create(kit.system, s.agency.id, createRequestSchema.parse({ subjectWorkerId: joiner.id, applicationId: s.application, justification: 'Joins CPS intake', items: [{ kind: 'function', functionId: s.caseworkerFn }] }));

    const worker = browserLike(kit);
    await worker.signIn('monroe-colleague');
    const list = await worker.request('GET', '/requests');
    assert.equal(list.status, 403);
    assert.match(list.html, /list only the access requests about yourself/);
    assert.doesNotMatch(list.html, /Nel Newbie/);
    const page = await worker.request('GET', `/requests/${request.id}`);
    assert.equal(page.status, 404);
    assert.doesNotMatch(page.html, /Nel Newbie/);

    const supervisor = browserLike(kit);
    await supervisor.signIn(s.users.supervisor.login);
    const view = await supervisor.request('GET', `/requests/${request.id}`);
    assert.equal(view.status, 200);
    assert.match(view.html, /Access request for Nel Newbie/);
    assert.match(view.html, /Record my decision/);

    const lanAdmin = browserLike(kit);
    await lanAdmin.signIn(s.users.lanAdmin.login);
    const dashboard = await lanAdmin.request('GET', '/dashboard');
    assert.match(dashboard.html, /requests in flight/);
    assert.doesNotMatch(dashboard.html, /href="\/requests/);
  });

  it('pages and searches the queue of new workers', async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    for (let i = 0; i < 30; i += 1) {
      await registerWorker(kit, s.agency.id, s.cpsUnit, `joiner${String(i).padStart(2, '0')}`, 'New', `Person${String(i).padStart(2, '0')}`);
    }
    const coordinator = browserLike(kit);
    await coordinator.signIn(s.users.coordinatorA.login);
    // 30 joiners, and the three staff setUpAgency registered, all with accounts still in N01.
    const first = await coordinator.request('GET', '/queue');
    assert.equal((first.html.match(/>Assess /g) ?? []).length, 25);
    const next = /href="(\/queue\?new=[^"]+)"/.exec(first.html)?.[1];
    assert.ok(next, 'a next-page link for the queue');
    const second = await coordinator.request('GET', next.replaceAll('&amp;', '&'));
    assert.equal((second.html.match(/>Assess /g) ?? []).length, 8);
    const found = await coordinator.request('GET', '/queue?q=person07');
    assert.equal((found.html.match(/>Assess New /g) ?? []).length, 1);
    assert.match(found.html, />Assess New Person07</);
  });

  it("shows an auditor the leavers' time to disable and end-date, with the late ones, and exports both as CSV", async () => {
    const kit = createTestKit(current());
    const s = await setUpAgency(kit);
    const leaver = await registerWorker(kit, s.agency.id, s.cpsUnit, 'leaver01', 'Lee', 'Leaver');
    await kit.services.workers.disable(kit.system, leaver.id, 'Resigned');
    kit.clock.advance(3 * 86_400_000);
    const auditor = browserLike(kit);
    await auditor.signIn(s.users.auditor.login);
    const page = await auditor.request('GET', '/reports');
    assert.equal(page.status, 200);
    assert.match(page.html, /1 leavers detected/);
    assert.match(page.html, /<th scope="row">To disable<\/th><td>1<\/td>/);
    assert.match(page.html, /Past the end-date deadline \(1\)/);
    assert.match(page.html, /Lee Leaver \(leaver01\)/);
    const late = await auditor.request('GET', '/reports/past-deadline.csv');
    assert.match(late.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(late.html, /leaver01/);
    const times = await auditor.request('GET', '/reports/leaver-times.csv');
    assert.match(times.html.split('\r\n')[0] ?? '', /,/);
    const wrong = await auditor.request('GET', '/reports?from=2026-13-01');
    assert.match(wrong.html, /id="from-error">Give a date as YYYY-MM-DD/);
  });
});
