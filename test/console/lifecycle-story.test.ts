import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarDateAt } from '../../src/shared/dates.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { addWorkItem } from '../helpers/fixtures.ts';
import { missingTools, chromiumPath } from '../helpers/system-tools.ts';
import { registerWorker, screenshot, serveConsole, setUpAgency, useChromium } from './console-kit.ts';

describe('the leave and leaver story in the console, each role in its own browser', { skip: missingTools(chromiumPath) }, () => {
  const as = useChromium();

  describeEachDatabase('leave -> return -> leaver -> reassignment -> end-date', (current) => {
    it('takes a caseworker through a leave and back, then out of the agency with their work reassigned', async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        const lee = await registerWorker(kit, s.agency.id, s.cpsUnit, 'lleaver01', 'Lee', 'Leaver', { supervisorId: s.supervisor.id });
        const openCase = await addWorkItem(kit, { agencyId: s.agency.id, applicationId: s.application, unitId: s.cpsUnit, ownerWorkerId: lee.id });
        const today = calendarDateAt(kit.clock.now(), (await kit.services.agencies.get(kit.system, s.agency.id)).timeZone);

        // LAN administrator: records a leave from today, then the early return.
        const lan = await as(url, s.users.lanAdmin.login);
        await lan.goto(`${url}/workers/${lee.id}`);
        await lan.getByLabel('First day of the leave').fill(today);
        await lan.getByLabel('Expected first day back').fill('2099-01-05');
        await lan.getByLabel('Reason for the leave').fill('Medical leave');
        await lan.getByRole('button', { name: 'Record the leave' }).click();
        await lan.getByText('The leave is recorded.').waitFor();
        await lan.getByRole('cell', { name: 'on leave' }).waitFor();
        await screenshot(lan, 'lan-admin-leave');
        await lan.getByLabel('Reason for the return').fill('Back early');
        await lan.getByRole('button', { name: 'Record the return today' }).click();
        await lan.getByText('The return is recorded').waitFor();
        await lan.getByRole('cell', { name: 'returned' }).waitFor();

        // Later Lee leaves the agency: the LAN administrator disables them, which opens the leaver case.
        await lan.getByLabel('Why disable').fill('Left the agency');
        await lan.getByRole('button', { name: 'Disable now' }).click();
        await lan.getByText('Disabled: every account stopped.').waitFor();

        // Security coordinator: the leaver is in the queue with their open case; end-dating is refused until it is reassigned.
        const coordinator = await as(url, s.users.coordinatorA.login);
        await coordinator.getByRole('link', { name: 'End-date Lee Leaver (lleaver01)' }).click();
        await coordinator.getByRole('button', { name: 'End-date every account today' }).click();
        await coordinator.getByText('Lee Leaver still owns 1 open case and 0 open to-dos.').waitFor();
        await coordinator.getByRole('button', { name: "Propose: everything to the leaver's supervisor" }).click();
        await coordinator.getByRole('cell', { name: 'Sam Supervisor (monroesup01)' }).waitFor();
        await screenshot(coordinator, 'coordinator-leaver-plan');
        await coordinator.getByRole('button', { name: 'Apply the plan' }).click();
        await coordinator.getByText('The plan is applied').waitFor();
        await coordinator.getByRole('button', { name: 'End-date every account today' }).click();
        await coordinator.getByText('Every account of the leaver is end-dated; the case is closed.').waitFor();

        const item = await kit.db.selectFrom('work_items').select('owner_worker_id').where('id', '=', openCase).executeTakeFirstOrThrow();
        assert.equal(item.owner_worker_id, s.supervisor.id);
        const accounts = (await kit.services.accounts.listForWorker(kit.system, lee.id, { limit: 5 })).items;
        assert.ok(accounts.length > 0 && accounts.every((a) => a.endDate === today));
      } finally {
        await close();
      }
    });
  });
});
