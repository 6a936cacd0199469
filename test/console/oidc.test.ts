import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';
import { describeEachDatabase } from '../helpers/databases.ts';
import { chromiumPath, missingTools } from '../helpers/system-tools.ts';
import { screenshot, serveConsole, setUpAgency, useChromium } from './console-kit.ts';

const clientSecret = 'a client secret for the test provider';

/** A real OpenID Connect provider (npm oidc-provider) on a loopback port; any login signs in as that subject. */
async function startProvider() {
  let handler: ReturnType<Provider['callback']> | undefined;
  const server = createServer((req, res) => (handler ? void handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    /** Registers Gatehouse as a client once its callback address is known. */
    configure(redirectUri: string) {
      const provider = new Provider(issuer, {
        clients: [{ client_id: 'gatehouse', client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
        findAccount: (_ctx, id) => Promise.resolve({ accountId: id, claims: () => Promise.resolve({ sub: id, email: `${id}@example.org`, email_verified: true }) }),
        claims: { openid: ['sub'], email: ['email', 'email_verified'] },
        cookies: { keys: ['a cookie key for the test provider'] },
      });
      handler = provider.callback();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('console single sign-on with an in-process OpenID Connect provider', { skip: missingTools(chromiumPath) }, () => {
  // The provider's development login page imports a web font; there is no network here.
  const { newPage } = useChromium((context) => context.route(/fonts\.googleapis\.com/, (route) => route.abort()));

  async function signInAtProvider(page: Page, consoleUrl: string, login: string): Promise<void> {
    await page.goto(`${consoleUrl}/sign-in`);
    await page.getByRole('link', { name: /Sign in with your organisation/ }).click();
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[name=password]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForLoadState('domcontentloaded');
  }

  describeEachDatabase('OpenID Connect sign-in', (current) => {
    it('signs in the console user whose email the provider vouches for, and links the subject', async () => {
      const provider = await startProvider();
      const { kit, url, close } = await serveConsole(current(), { oidc: () => ({ issuer: provider.issuer, clientId: 'gatehouse', clientSecret }) });
      provider.configure(`${url}/sign-in/sso/callback`);
      try {
        const s = await setUpAgency(kit);
        const user = await kit.services.consoleUsers.create(kit.system, {
          login: 'cora-sso', name: 'Cora by SSO', email: 'cora.c@example.org', password: null, oidcSubject: null, role: 'security_coordinator', agencyId: s.agency.id, workerId: s.coordinatorA.id,
        });
        const page = await newPage();
        await signInAtProvider(page, url, 'cora.c');
        assert.equal(new URL(page.url()).pathname, '/queue');
        await page.getByText('Signed in as').waitFor();
        await screenshot(page, 'sso-signed-in');
        const linked = await kit.services.consoleUsers.get(kit.system, user.id);
        assert.equal(linked.oidcSubject, `${provider.issuer} cora.c`);

        const again = await newPage();
        await signInAtProvider(again, url, 'cora.c');
        assert.equal(new URL(again.url()).pathname, '/queue');
      } finally {
        await close();
        await provider.close();
      }
    });

    it('refuses a person the provider knows but Gatehouse has no console user for', async () => {
      const provider = await startProvider();
      const { kit, url, close } = await serveConsole(current(), { oidc: () => ({ issuer: provider.issuer, clientId: 'gatehouse', clientSecret }) });
      provider.configure(`${url}/sign-in/sso/callback`);
      try {
        await setUpAgency(kit);
        const page = await newPage();
        await signInAtProvider(page, url, 'stranger');
        await page.getByRole('heading', { name: 'No console account' }).waitFor();
        await page.goto(`${url}/workers`);
        assert.equal(new URL(page.url()).pathname, '/sign-in');
      } finally {
        await close();
        await provider.close();
      }
    });
  });
});
