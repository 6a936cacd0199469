import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { missingTools, chromiumPath } from '../helpers/system-tools.ts';
import { screenshot, serveConsole, setUpAgency, useChromium } from './console-kit.ts';

describe('the joiner story in the console, each role in its own browser', { skip: missingTools(chromiumPath) }, () => {
  const as = useChromium();

  describeEachDatabase('joiner -> assessment -> request -> approvals -> acknowledgment', (current) => {
    it('takes a new worker from registration to acknowledged access through the pages', async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);

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
      } finally {
        await close();
      }
    });
  });
});
