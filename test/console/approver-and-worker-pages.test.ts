import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequestSchema } from '../../src/domain/requests/requests.schemas.ts';
import { addCalendarDays, calendarDateAt } from '../../src/shared/dates.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { addFunction, addWorkItem } from '../helpers/fixtures.ts';
import { missingTools, chromiumPath } from '../helpers/system-tools.ts';
import { addConsoleUser, registerWorker, screenshot, serveConsole, setUpAgency, useChromium } from './console-kit.ts';

describe("an approver's deputies, a worker's own request and the leaver case link, in Chromium", { skip: missingTools(chromiumPath) }, () => {
  const { as } = useChromium();

  describeEachDatabase('approver and worker pages', (current) => {
    it('lets an approver name a deputy who then decides in their place, shows each wrong field next to it, and ends the delegation', async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        const today = calendarDateAt(kit.clock.now(), (await kit.services.agencies.get(kit.system, s.agency.id)).timeZone);
        const deputy = await registerWorker(kit, s.agency.id, s.cpsUnit, 'ddeputy01', 'Dee', 'Deputy');
        await addConsoleUser(kit, 'monroe-deputy', 'worker', s.agency.id, deputy.id);
        const joiner = await registerWorker(kit, s.agency.id, s.cpsUnit, 'jjoiner01', 'Jo', 'Joiner', { supervisorId: s.supervisor.id });
        await kit.services.requests.create(kit.system, s.agency.id, createRequestSchema.parse({ subjectWorkerId: joiner.id, applicationId: s.application, justification: 'New caseworker', items: [{ kind: 'function', functionId: s.caseworkerFn }] }));

        const supervisor = await as(url, s.users.supervisor.login);
        assert.equal(new URL(supervisor.url()).pathname, '/inbox');
        await supervisor.getByRole('link', { name: 'Name a deputy for your absence' }).click();
        await supervisor.getByText('You have no deputy now or to come.').waitFor();
        await supervisor.getByLabel("Deputy's login id").fill('nobody99');
        await supervisor.getByLabel('First day away').fill(addCalendarDays(today, -7));
        await supervisor.getByLabel('Last day away').fill(addCalendarDays(today, -1));
        await supervisor.getByLabel('Reason for the absence').fill('Training course');
        await supervisor.getByRole('button', { name: 'Name the deputy' }).click();
        await supervisor.locator('#deputyLogin-error', { hasText: 'No worker with login id nobody99 in your agency.' }).waitFor();
        await supervisor.getByLabel("Deputy's login id").fill('ddeputy01');
        await supervisor.getByRole('button', { name: 'Name the deputy' }).click();
        await supervisor.locator('#endsOn-error', { hasText: 'The last day (endsOn) is in the past' }).waitFor();
        assert.equal(await supervisor.getByLabel('Last day away').getAttribute('aria-invalid'), 'true');
        await screenshot(supervisor, 'approver-deputy-field-error');
        await supervisor.getByLabel('First day away').fill(today);
        await supervisor.getByLabel('Last day away').fill(addCalendarDays(today, 2));
        await supervisor.getByRole('button', { name: 'Name the deputy' }).click();
        await supervisor.getByText(`Dee Deputy decides in your place from ${today}`).waitFor();
        await supervisor.getByLabel('First day away').fill(addCalendarDays(today, 14));
        await supervisor.getByLabel('Last day away').fill(addCalendarDays(today, 18));
        await supervisor.getByLabel("Deputy's login id").fill('ddeputy01');
        await supervisor.getByLabel('Reason for the absence').fill('Holiday');
        await supervisor.getByRole('button', { name: 'Name the deputy' }).click();
        await supervisor.getByRole('cell', { name: 'upcoming', exact: true }).waitFor();
        await supervisor.getByRole('cell', { name: 'current', exact: true }).waitFor();
        await screenshot(supervisor, 'approver-deputies');

        // The deputy finds the request in their approvals, marked as a deputy's.
        const stand = await as(url, 'monroe-deputy');
        assert.equal(new URL(stand.url()).pathname, '/inbox');
        await stand.getByRole('row', { name: /Jo Joiner \(jjoiner01\) \(as deputy\)/ }).waitFor();
        await screenshot(stand, 'deputy-inbox');

        // Back early: the supervisor ends today's delegation and withdraws the later one.
        await supervisor.getByRole('button', { name: `End Dee Deputy as deputy from ${today} to ${addCalendarDays(today, 2)}` }).click();
        await supervisor.getByText('The delegation is ended').waitFor();
        await supervisor.getByRole('button', { name: /^Withdraw Dee Deputy/ }).click();
        await supervisor.getByText('The delegation is withdrawn').waitFor();
        await supervisor.getByText('You have no deputy now or to come.').waitFor();
        await stand.reload();
        await stand.getByText('Nothing waits for your decision.').waitFor();
      } finally {
        await close();
      }
    });

    it('lets a worker ask for more access for themselves, which their approvers decide and they cannot', async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        const fadFn = await addFunction(kit, s.application, 'FAD CASEWORKER', ['Home Study']);
        await kit.db.updateTable('business_functions').set({ risk_level: 'medium' }).where('id', '=', fadFn).execute();
        const caseworker = await registerWorker(kit, s.agency.id, s.cpsUnit, 'ccase01', 'Cas', 'Caseworker', { supervisorId: s.supervisor.id });
        await addConsoleUser(kit, 'monroe-caseworker', 'worker', s.agency.id, caseworker.id);

        const worker = await as(url, 'monroe-caseworker');
        assert.equal(new URL(worker.url()).pathname, '/me');
        await worker.getByRole('link', { name: 'Request more access for yourself' }).click();
        await worker.getByRole('button', { name: 'Send the request' }).click();
        await worker.locator('#functionIds-error', { hasText: 'Choose at least one business function.' }).waitFor();
        await worker.locator('#justification-error', { hasText: 'Write why your work needs these functions.' }).waitFor();
        await screenshot(worker, 'worker-self-request-errors');
        await worker.getByLabel(/FAD CASEWORKER/).check();
        await worker.getByLabel('Why your work needs them').fill('I now also do home studies for foster applicants.');
        await worker.getByRole('button', { name: 'Send the request' }).click();
        await worker.getByText('Your request is sent; your approvers decide it.').waitFor();
        await worker.getByRole('heading', { name: 'Access request for Cas Caseworker' }).waitFor();
        assert.equal(await worker.getByRole('button', { name: 'Record my decision' }).count(), 0);
        await screenshot(worker, 'worker-self-request-sent');
        const requestPath = new URL(worker.url()).pathname;

        // The supervisor, then a coordinator, approve it; nobody asks the worker to decide their own request.
        for (const login of [s.users.supervisor.login, s.users.coordinatorA.login]) {
          const approver = await as(url, login);
          await approver.goto(`${url}/inbox`);
          await approver.getByRole('link', { name: /Cas Caseworker/ }).click();
          await approver.getByText('I now also do home studies for foster applicants.').first().waitFor();
          await approver.getByLabel('Approve').check();
          await approver.getByRole('button', { name: 'Record my decision' }).click();
          await approver.getByText('Your decision (approve) is recorded.').waitFor();
        }
        await worker.goto(`${url}/inbox`);
        await worker.getByText('Nothing waits for your decision.').waitFor();
        await worker.goto(`${url}${requestPath}`);
        await worker.getByText('provisioned', { exact: true }).first().waitFor();
        await worker.goto(`${url}/me`);
        await worker.getByRole('cell', { name: 'FAD CASEWORKER', exact: true }).waitFor();
      } finally {
        await close();
      }
    });

    it("links the coordinator from a leaver's worker page to their leaver case, and shows the LAN administrator no link they could not follow", async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        const lee = await registerWorker(kit, s.agency.id, s.cpsUnit, 'lleaver01', 'Lee', 'Leaver', { supervisorId: s.supervisor.id });
        await addWorkItem(kit, { agencyId: s.agency.id, applicationId: s.application, unitId: s.cpsUnit, ownerWorkerId: lee.id });

        const coordinator = await as(url, s.users.coordinatorA.login);
        await coordinator.goto(`${url}/workers/${lee.id}`);
        assert.equal(await coordinator.getByRole('heading', { name: 'Leaver case' }).count(), 0);
        await kit.services.workers.disable(kit.system, lee.id, 'Left the agency');
        await coordinator.reload();
        await screenshot(coordinator, 'worker-page-leaver-case-link');
        await coordinator.getByRole('link', { name: 'End-date Lee Leaver (lleaver01)' }).click();
        await coordinator.getByRole('heading', { name: 'End-date Lee Leaver (lleaver01)' }).waitFor();
        assert.match(new URL(coordinator.url()).pathname, /^\/leaver-cases\//);

        const lan = await as(url, s.users.lanAdmin.login);
        await lan.goto(`${url}/workers/${lee.id}`);
        await lan.getByRole('heading', { name: 'Lee Leaver' }).waitFor();
        assert.equal(await lan.getByRole('link', { name: /End-date Lee Leaver/ }).count(), 0);
      } finally {
        await close();
      }
    });
  });
});
