import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { chromiumPath, missingTools } from '../helpers/system-tools.ts';
import { addConsoleUser, password, registerWorker, screenshot, serveConsole, setUpAgency, signIn, useChromium } from './console-kit.ts';
import { createAgency, addUnit } from '../helpers/fixtures.ts';

describe('console sign-in and refusals in Chromium', { skip: missingTools(chromiumPath) }, () => {
  const { newPage } = useChromium();

  describeEachDatabase('console security', (current) => {
    it('locks a user out after five wrong passwords for 15 minutes, and an administrator reset lifts it', async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        const page = await newPage();
        for (let attempt = 1; attempt <= 5; attempt += 1) await signIn(page, url, s.users.supervisor.login, 'not the password');
        await page.getByText(/Too many failed sign-ins: this account is locked until/).waitFor();
        await signIn(page, url, s.users.supervisor.login, password);
        await page.getByText(/locked until/).waitFor();
        await screenshot(page, 'sign-in-locked');
        assert.equal(new URL(page.url()).pathname, '/sign-in');

        kit.clock.advance(16 * 60 * 1000);
        await signIn(page, url, s.users.supervisor.login, password);
        assert.equal(new URL(page.url()).pathname, '/me');

        for (let attempt = 1; attempt <= 5; attempt += 1) await signIn(await newPage(), url, s.users.coordinatorA.login, 'wrong again');
        const admin = await newPage();
        await signIn(admin, url, s.users.lanAdmin.login);
        await admin.goto(`${url}/users`);
        await admin.getByLabel(`New password for ${s.users.coordinatorA.login}`).fill('a brand new password');
        await admin.getByRole('button', { name: 'Reset' }).nth(1).click();
        await admin.getByText(`The password of ${s.users.coordinatorA.login} is reset`).waitFor();
        const coordinator = await newPage();
        await signIn(coordinator, url, s.users.coordinatorA.login, 'a brand new password');
        assert.equal(new URL(coordinator.url()).pathname, '/queue');
      } finally {
        await close();
      }
    });

    it('refuses a form whose CSRF token was tampered with, with a page that says why', async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        const page = await newPage();
        await signIn(page, url, s.users.lanAdmin.login);
        await page.goto(`${url}/workers/${s.supervisor.id}`);
        await page.locator('form[action$="/disable"] input[name=_csrf]').evaluate((input: { value: string }) => {
          input.value = 'forged-token-from-another-site-0000000000000';
        });
        await page.getByLabel('Why disable').fill('Left the agency');
        await page.getByRole('button', { name: 'Disable now' }).click();
        await page.getByRole('heading', { name: 'This form has expired' }).waitFor();
        await screenshot(page, 'csrf-refused');
        const worker = await kit.services.workers.get(kit.system, s.supervisor.id);
        assert.equal(worker.enabled, true);
      } finally {
        await close();
      }
    });

    it("answers another agency's worker with the same not-found page as a missing one", async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        const erie = await createAgency(kit, 'ERIE');
        const erieWorker = await registerWorker(kit, erie.id, await addUnit(kit, erie.id, 'E10'), 'eworker01', 'Erin', 'Erie');
        const page = await newPage();
        await signIn(page, url, s.users.coordinatorA.login);
        const other = await page.goto(`${url}/workers/${erieWorker.id}`);
        assert.equal(other?.status(), 404);
        const otherText = await page.locator('main').innerText();
        const missing = await page.goto(`${url}/workers/0192f5e4-8c1a-7b2e-9a31-5d0c2f4e6a10`);
        assert.equal(missing?.status(), 404);
        assert.equal(await page.locator('main').innerText(), otherText);
        assert.match(otherText, /No worker with that id/);
        const assessment = await page.goto(`${url}/workers/${erieWorker.id}/assessment`);
        assert.equal(assessment?.status(), 404);
      } finally {
        await close();
      }
    });

    it('signs a user out on every browser at once', async () => {
      const { kit, url, close } = await serveConsole(current());
      try {
        const s = await setUpAgency(kit);
        await addConsoleUser(kit, 'second-admin', 'lan_admin', s.agency.id);
        const laptop = await newPage();
        const phone = await newPage();
        await signIn(laptop, url, 'second-admin');
        await signIn(phone, url, 'second-admin');
        await phone.getByRole('button', { name: 'Sign out everywhere' }).click();
        await phone.getByText('You are signed out on every browser (2 sessions ended).').waitFor();
        await laptop.goto(`${url}/workers`);
        assert.equal(new URL(laptop.url()).pathname, '/sign-in');
      } finally {
        await close();
      }
    });
  });
});
