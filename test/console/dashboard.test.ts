import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequestSchema } from '../../src/domain/requests/requests.schemas.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { addFunction } from '../helpers/fixtures.ts';
import type { TestKit } from '../helpers/kit.ts';
import { chromiumPath, missingTools } from '../helpers/system-tools.ts';
import { registerWorker, screenshot, serveConsole, setUpAgency, useChromium } from './console-kit.ts';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

async function grantTo(kit: TestKit, workerId: string, functionId: string) {
  const account = await kit.db.selectFrom('accounts').select('id').where('worker_id', '=', workerId).executeTakeFirstOrThrow();
  await kit.db.transaction().execute((trx) => kit.services.grants.grantInTransaction(trx, kit.system, { accountId: account.id, kind: 'function', functionId, provenanceKind: 'import', provenanceId: 'test-import' }));
}

describe('the dashboard, in Chromium', { skip: missingTools(chromiumPath) }, () => {
  const { as } = useChromium();

  describeEachDatabase('dashboard page', (current) => {
    it('shows requests by status over time, leaver times, overdue removals and access beyond template, with their numbers', async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        const allDist = await addFunction(kit, s.application, 'ACCESS ALL DIST');
        // A caseworker holding ACCESS ALL DIST beyond the CPS caseworker template.
        const wide = await registerWorker(kit, s.agency.id, s.cpsUnit, 'wwide01', 'Wes', 'Wide');
        await grantTo(kit, wide.id, s.caseworkerFn);
        await grantTo(kit, wide.id, allDist);
        // A caseworker who becomes a clerk: CPS CASEWORKER is due for removal five business days later, Monday 2026-03-09.
        const mover = await registerWorker(kit, s.agency.id, s.cpsUnit, 'mmover01', 'Mo', 'Mover');
        await grantTo(kit, mover.id, s.caseworkerFn);
        await kit.services.workers.update(kit.system, mover.id, { jobType: 'clerk', reason: 'Now a clerk' });
        await kit.services.movers.processMoverEvents(kit.clock.now());
        // One leaver end-dated three hours after leaving; another left a week ago and is still open.
        const done = await registerWorker(kit, s.agency.id, s.cpsUnit, 'ddone01', 'Di', 'Done');
        await kit.services.workers.disable(kit.system, done.id, 'Left the agency');
        const [doneCase] = (await kit.services.leavers.list(kit.system, s.agency.id, { status: 'open', limit: 5, workerId: done.id })).items;
        assert.ok(doneCase);
        kit.clock.advance(3 * hourMs);
        await kit.services.leavers.endDate(kit.system, doneCase.id, { reason: 'Nothing to reassign', version: doneCase.version });
        kit.clock.advance(2 * dayMs);
        const late = await registerWorker(kit, s.agency.id, s.cpsUnit, 'llate01', 'Lu', 'Late');
        await kit.services.workers.disable(kit.system, late.id, 'Left the agency');
        kit.clock.advance(7 * dayMs);
        // Wednesday 2026-03-11: the removal is two days late; one request asked today.
        const joiner = await registerWorker(kit, s.agency.id, s.cpsUnit, 'jjoiner01', 'Jo', 'Joiner', { supervisorId: s.supervisor.id });
        await kit.services.requests.create(kit.system, s.agency.id, createRequestSchema.parse({ subjectWorkerId: joiner.id, applicationId: s.application, justification: 'Intake duty', items: [{ kind: 'function', functionId: s.caseworkerFn }] }));
        await kit.services.beyondTemplate.countAll();

        const coordinator = await as(url, s.users.coordinatorA.login);
        await coordinator.getByRole('link', { name: 'Dashboard' }).click();
        await coordinator.getByRole('heading', { name: 'Dashboard: MONROE agency' }).waitFor();
        await coordinator.getByRole('img', { name: /^Requests created per day, last 14 days \(UTC\), by their status now, totals: .*03-10 0, 03-11 1\./ }).waitFor();
        await coordinator.getByText('The numbers').click();
        assert.deepEqual(await coordinator.getByRole('row', { name: /^03-11/ }).getByRole('cell').allInnerTexts(), ['1', '1']);
        await coordinator.getByText('2 leavers detected since 2025-12-11;').waitFor();
        await coordinator.getByRole('img', { name: 'All access requests by status now: pending 1' }).waitFor();
        await coordinator.getByRole('img', { name: 'Time from detection to end-date (1 end-dated): half within (p50) 3.0 h, 9 in 10 within (p90) 3.0 h, slowest (max) 3.0 h' }).waitFor();
        await coordinator.getByRole('img', { name: 'Time from detection to disable (2 leavers): half within (p50) 0 s, 9 in 10 within (p90) 0 s, slowest (max) 0 s' }).waitFor();
        await coordinator.getByRole('link', { name: '1 past the end-date deadline (1 still open)' }).waitFor();
        await coordinator.getByRole('img', { name: "Removals not yet done, by how late (agency's calendar days): due today 0, 1 to 5 days late 1, more than 5 days late 0" }).waitFor();
        await coordinator.getByText('2 live grants beyond the job template, held by 2 workers (3 live function grants in all)').waitFor();
        await coordinator.getByRole('img', { name: /^Functions most held beyond the template: (ACCESS ALL DIST 1, CPS CASEWORKER 1|CPS CASEWORKER 1, ACCESS ALL DIST 1)$/ }).waitFor();
        await coordinator.getByRole('img', { name: 'Units whose workers hold the most beyond the template: C10 Unit C10 2' }).waitFor();
        await screenshot(coordinator, 'dashboard-charts');

        await coordinator.getByRole('link', { name: 'See the removals due' }).click();
        await coordinator.getByRole('row', { name: /Mo Mover CPS CASEWORKER clerk/ }).waitFor();
        assert.equal(new URL(coordinator.url()).hash, '#removals-due');
      } finally {
        await close();
      }
    });
  });
});
