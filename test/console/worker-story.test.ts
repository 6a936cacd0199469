import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarDateAt } from '../../src/shared/dates.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { addFunction, addWorkItem } from '../helpers/fixtures.ts';
import { missingTools, chromiumPath } from '../helpers/system-tools.ts';
import { addJobTemplate, runLifecycleTimers, screenshot, serveConsole, setUpAgency, useChromium } from './console-kit.ts';

describe("a worker's whole story in the console, each role in its own browser", { skip: missingTools(chromiumPath) }, () => {
  const { as } = useChromium();

  describeEachDatabase('joiner -> approvals -> acknowledgment -> mover -> leave with coverage -> return -> leaver', (current) => {
    it('takes a worker from registration through a job change, a leave and back, then out of the agency with their work reassigned', async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        const preventiveFn = await addFunction(kit, s.application, 'PREVENTIVE CASEWORKER');
        await addJobTemplate(kit, s.agency.id, s.application, 'preventive_caseworker', [preventiveFn]);

        // LAN administrator: lands on the workers list, registers the joiner, gives them a console user.
        const lan = await as(url, s.users.lanAdmin.login);
        assert.equal(new URL(lan.url()).pathname, '/workers');
        await screenshot(lan, 'lan-admin-workers');
        await lan.getByRole('link', { name: 'Register a worker' }).click();
        await lan.getByLabel('First name').fill('Jo');
        await lan.getByLabel('Last name').fill('Joiner');
        await lan.getByLabel('Login id', { exact: true }).fill('jjoiner01');
        await lan.getByLabel('Unit', { exact: true }).selectOption(s.cpsUnit);
        await lan.getByLabel('Job type').fill('cps_caseworker');
        await lan.getByLabel("Supervisor's login id (optional)").fill(s.supervisor.loginId);
        await screenshot(lan, 'lan-admin-register');
        await lan.getByRole('button', { name: 'Register the worker' }).click();
        await lan.getByText('Jo Joiner is registered').waitFor();
        await lan.getByRole('link', { name: 'Console users' }).click();
        await lan.getByLabel('User name', { exact: true }).fill('jjoiner');
        await lan.getByLabel('Full name').fill('Jo Joiner');
        await lan.getByLabel('Role', { exact: true }).selectOption('worker');
        await lan.getByLabel(/Worker login id/).fill('jjoiner01');
        await lan.getByLabel(/Initial password/).fill('joiner password 1');
        await lan.getByRole('button', { name: 'Add the user' }).click();
        await lan.getByText('Console user jjoiner added.').waitFor();

        // Registration in the built-in directory opened the CONNECTIONS account in the holding unit, with no access.
        const joiner = (await kit.services.workers.list(kit.system, s.agency.id, { search: 'jjoiner01', limit: 1 })).items[0];
        assert.ok(joiner);

        // Security coordinator A: the new worker is in the queue; assess and send for approval.
        const coordinator = await as(url, s.users.coordinatorA.login);
        assert.equal(new URL(coordinator.url()).pathname, '/queue');
        await screenshot(coordinator, 'coordinator-queue');
        // 200% zoom of a 1280-pixel window: the page reflows instead of scrolling sideways.
        await coordinator.setViewportSize({ width: 640, height: 900 });
        assert.ok(await coordinator.evaluate('document.documentElement.scrollWidth <= 640'), 'the queue scrolls sideways at 200% zoom');
        await screenshot(coordinator, 'coordinator-queue-200-percent');
        await coordinator.keyboard.press('Tab');
        assert.equal(await coordinator.evaluate('document.activeElement?.textContent'), 'Skip to content');
        await coordinator.setViewportSize({ width: 1280, height: 720 });
        await coordinator.getByRole('link', { name: 'Assess Jo Joiner' }).click();
        await coordinator.getByLabel(/investigate reports of suspected child abuse/).check();
        await screenshot(coordinator, 'coordinator-assessment');
        await coordinator.getByRole('button', { name: 'Record the assessment' }).click();
        await coordinator.getByRole('cell', { name: 'CPS CASEWORKER', exact: true }).waitFor();
        await coordinator.getByLabel('Move the account to unit').selectOption(s.cpsUnit);
        await coordinator.getByRole('button', { name: 'Submit the access request' }).click();
        await coordinator.getByText('The access request is submitted').waitFor();
        await screenshot(coordinator, 'request-submitted');

        // The supervisor lands on their approvals, sees the current access and approves with a reason.
        const supervisor = await as(url, s.users.supervisor.login);
        assert.equal(new URL(supervisor.url()).pathname, '/inbox');
        await screenshot(supervisor, 'approver-inbox');
        await supervisor.getByRole('link', { name: /Jo Joiner/ }).click();
        await supervisor.getByText('Jo Joiner holds no business functions now.').waitFor();
        await screenshot(supervisor, 'approver-request');
        await supervisor.getByLabel('Approve').check();
        await supervisor.getByLabel('Reason').fill('Joins my CPS unit');
        await supervisor.getByRole('button', { name: 'Record my decision' }).click();
        await supervisor.getByText('Your decision (approve) is recorded.').waitFor();

        // Coordinator B decides the coordinator stage (A made the request, so A may not).
        const second = await as(url, s.users.coordinatorB.login);
        await second.getByRole('link', { name: 'Approvals' }).click();
        await second.getByRole('link', { name: /Jo Joiner/ }).click();
        await second.getByLabel('Approve').check();
        await second.getByRole('button', { name: 'Record my decision' }).click();
        await second.getByText('Your decision (approve) is recorded.').waitFor();

        // The joiner signs in, sees the access and acknowledges the agreement.
        const worker = await as(url, 'jjoiner', 'joiner password 1');
        assert.equal(new URL(worker.url()).pathname, '/me');
        await worker.getByRole('cell', { name: 'CPS CASEWORKER', exact: true }).waitFor();
        await screenshot(worker, 'worker-my-access');
        await worker.getByRole('button', { name: /I acknowledge the access agreement/ }).click();
        await worker.getByText('your acknowledgment of the access agreement is recorded').waitFor();
        const status = await kit.services.acknowledgments.status(kit.system, joiner.id);
        assert.equal(status.acknowledged, true);

        // The auditor finds the acknowledgment in the log and the chain holds.
        const auditor = await as(url, s.users.auditor.login);
        assert.equal(new URL(auditor.url()).pathname, '/audit');
        await auditor.getByLabel('Action', { exact: true }).fill('agreement.acknowledged');
        await auditor.getByRole('button', { name: 'Search' }).click();
        await auditor.getByRole('cell', { name: 'agreement.acknowledged', exact: true }).waitFor();
        await auditor.getByRole('button', { name: 'Verify the whole chain now' }).click();
        await auditor.getByText(/The audit chain holds/).waitFor();
        await screenshot(auditor, 'auditor-audit');
        await auditor.getByRole('link', { name: 'Dashboard' }).click();
        await screenshot(auditor, 'dashboard');

        // Mover: the LAN administrator moves Jo to preventive services on the worker page.
        await lan.goto(`${url}/workers/${joiner.id}`);
        const jobForm = lan.locator('form', { has: lan.getByRole('heading', { name: 'Change job or unit' }) });
        await jobForm.getByLabel('Job type').fill('preventive_caseworker');
        await jobForm.getByLabel('Reason').fill('Transferred to preventive services');
        await jobForm.getByRole('button', { name: 'Save the change' }).click();
        await lan.getByText('The job change is saved.').waitFor();

        // The server's timers handle the move: CPS CASEWORKER is due for removal, the new job's access is proposed.
        await runLifecycleTimers(kit);
        await coordinator.goto(`${url}/queue`);
        await coordinator.getByRole('row', { name: /Jo Joiner CPS CASEWORKER preventive_caseworker medium/ }).waitFor();
        await screenshot(coordinator, 'coordinator-mover-queue');
        await coordinator.getByRole('link', { name: 'Review the proposed access for Jo Joiner' }).click();
        await coordinator.getByRole('cell', { name: 'PREVENTIVE CASEWORKER', exact: true }).waitFor();
        // The draft's own page leads back to the review, where it is submitted.
        await coordinator.goto(coordinator.url().replace(/\/review$/, ''));
        await coordinator.getByRole('link', { name: 'Review this draft and submit it for approval' }).click();
        await coordinator.getByRole('cell', { name: 'PREVENTIVE CASEWORKER', exact: true }).waitFor();
        await screenshot(coordinator, 'coordinator-mover-review');
        await coordinator.getByRole('button', { name: 'Submit for approval' }).click();
        await coordinator.getByText('The access request is submitted').waitFor();
        await coordinator.getByRole('link', { name: 'Exceptions', exact: true }).click();
        await screenshot(coordinator, 'coordinator-exceptions');

        await supervisor.goto(`${url}/inbox`);
        await supervisor.getByRole('link', { name: /Jo Joiner/ }).click();
        await supervisor.getByLabel('Approve').check();
        await supervisor.getByLabel('Reason').fill('Moves to my preventive team');
        await supervisor.getByRole('button', { name: 'Record my decision' }).click();
        await supervisor.getByText('Your decision (approve) is recorded.').waitFor();
        await worker.goto(`${url}/me`);
        await worker.getByRole('cell', { name: 'PREVENTIVE CASEWORKER', exact: true }).waitFor();
        await screenshot(worker, 'worker-after-move');

        // Five business days later (every session has ended meanwhile) the removal falls due and the timer removes CPS CASEWORKER.
        kit.clock.set('2026-03-09T15:00:00.000Z');
        await runLifecycleTimers(kit);
        const moved = await as(url, 'jjoiner', 'joiner password 1');
        await moved.getByRole('cell', { name: 'PREVENTIVE CASEWORKER', exact: true }).waitFor();
        assert.equal(await moved.getByRole('cell', { name: 'CPS CASEWORKER', exact: true }).count(), 0);

        // Leave: the LAN administrator records a leave from today; the coordinator has a colleague cover Jo's unit.
        await addWorkItem(kit, { agencyId: s.agency.id, applicationId: s.application, unitId: s.cpsUnit, ownerWorkerId: joiner.id });
        const today = calendarDateAt(kit.clock.now(), (await kit.services.agencies.get(kit.system, s.agency.id)).timeZone);
        const admin = await as(url, s.users.lanAdmin.login);
        await admin.goto(`${url}/workers/${joiner.id}`);
        await admin.getByLabel('First day of the leave').fill(today);
        await admin.getByLabel('Expected first day back').fill('2099-01-05');
        await admin.getByLabel('Reason for the leave').fill('Medical leave');
        await admin.getByRole('button', { name: 'Record the leave' }).click();
        await admin.getByRole('cell', { name: 'on leave' }).waitFor();
        await screenshot(admin, 'lan-admin-leave');
        const security = await as(url, s.users.coordinatorA.login);
        await security.getByRole('link', { name: 'Coverage for absences' }).click();
        await security.getByLabel("Absent worker's login id").fill('jjoiner01');
        await security.getByLabel("Covering colleague's login id").fill(s.coordinatorB.loginId);
        await security.getByLabel('Reason for the coverage').fill("Covers Jo's preventive cases");
        await security.getByRole('button', { name: 'Give coverage for the leave' }).click();
        await security.getByRole('cell', { name: `Cole Coordinator (${s.coordinatorB.loginId})` }).waitFor();
        await screenshot(security, 'coordinator-coverage');

        // The early return ends the coverage; then Jo leaves the agency and the coordinator reassigns the open case and end-dates.
        await admin.getByLabel('Reason for the return').fill('Back early');
        await admin.getByRole('button', { name: 'Record the return today' }).click();
        await admin.getByRole('cell', { name: 'returned' }).waitFor();
        await admin.getByLabel('Why disable').fill('Left the agency');
        await admin.getByRole('button', { name: 'Disable now' }).click();
        await admin.getByText('Disabled: every account stopped.').waitFor();
        await security.goto(`${url}/coverage`);
        await security.getByText('No coverage is under way or planned.').waitFor();
        await security.getByRole('link', { name: 'Queues' }).click();
        await security.getByRole('link', { name: 'End-date Jo Joiner (jjoiner01)' }).click();
        await security.getByRole('button', { name: 'End-date every account today' }).click();
        await security.getByText('Jo Joiner still owns 1 open case and 0 open to-dos.').waitFor();
        await security.getByRole('button', { name: "Propose: everything to the leaver's supervisor" }).click();
        await security.getByRole('cell', { name: `Sam Supervisor (${s.supervisor.loginId})` }).waitFor();
        await screenshot(security, 'coordinator-leaver-plan');
        await security.getByRole('button', { name: 'Apply the plan' }).click();
        await security.getByText('The plan is applied').waitFor();
        await security.getByRole('button', { name: 'End-date every account today' }).click();
        await security.getByText('Every account of the leaver is end-dated; the case is closed.').waitFor();
        const accounts = (await kit.services.accounts.listForWorker(kit.system, joiner.id, { limit: 5 })).items;
        assert.ok(accounts.length > 0 && accounts.every((a) => a.endDate === today));
        assert.equal((await kit.db.selectFrom('work_items').select('owner_worker_id').where('owner_worker_id', '=', s.supervisor.id).execute()).length, 1);
      } finally {
        await close();
      }
    });
  });
});
