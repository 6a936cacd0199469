import { serve } from '@hono/node-server';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { createApp } from '../../src/app.ts';
import type { OidcSettings } from '../../src/console/env.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import type { Role } from '../../src/db/schema.ts';
import { registerWorkerSchema } from '../../src/domain/workers/workers.schemas.ts';
import { lifecycleTimerJobs } from '../../src/scheduler/lifecycle-jobs.ts';
import { createTimers } from '../../src/scheduler/timers.ts';
import { newId } from '../../src/shared/ids.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { addApplication, addFunction, addUnit, createAgency } from '../helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../helpers/kit.ts';
import { chromiumPath } from '../helpers/system-tools.ts';

export const password = 'a long test password';
export const artifactDir = join(import.meta.dirname, '..', '..', 'test-artifacts', 'console');

/** The app with its console, served on a loopback port as `gatehouse serve` would. */
export async function serveConsole(handle: DatabaseHandle, options: { oidc?: (publicUrl: string) => OidcSettings } = {}) {
  const kit = createTestKit(handle);
  let fetchApp: (request: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server = serve({ fetch: (request) => fetchApp(request), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { app } = createApp({ db: handle.db, dbKind: handle.kind, clock: kit.clock, logger: createLogger('silent'), console: { publicUrl: url, oidc: options.oidc?.(url) ?? null } }, kit.services);
  fetchApp = (request) => app.fetch(request);
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { kit, url, close };
}

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Chromium for the tests of one describe block: launched before them, closed after. Each page has
 * its own browser context (its own cookies), so each role signs in separately; `prepare` sets up
 * every context (e.g. routes to abort).
 */
export function useChromium(prepare?: (context: BrowserContext) => Promise<unknown>) {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  async function newPage(): Promise<Page> {
    if (!browser) throw new Error('Chromium did not start.');
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    await prepare?.(context);
    return context.newPage();
  }
  /** A new page (a browser of its own) signed in as `login` through the sign-in form. */
  async function as(baseUrl: string, login: string, secret = password): Promise<Page> {
    const page = await newPage();
    await signIn(page, baseUrl, login, secret);
    return page;
  }
  return { newPage, as };
}

/** A console user with a password, optionally the given worker. */
export async function addConsoleUser(kit: TestKit, login: string, role: Role, agencyId: string | null, workerId: string | null = null) {
  return kit.services.consoleUsers.create(kit.system, { login, name: `${login} (test)`, email: null, password, oidcSubject: null, role, agencyId, workerId });
}

export async function registerWorker(kit: TestKit, agencyId: string, unitId: string, loginId: string, firstName: string, lastName: string, extra: Record<string, unknown> = {}) {
  return kit.services.workers.register(kit.system, agencyId, registerWorkerSchema.parse({ loginId, firstName, lastName, unitId, jobType: 'cps_caseworker', ...extra }));
}

/**
 * An agency with a CPS unit, CONNECTIONS with a medium-risk CPS CASEWORKER function in the CPS
 * caseworker template, a supervisor, two security coordinators who are workers, and console users
 * for the LAN administrator, both coordinators, the supervisor and the auditor.
 */
export async function setUpAgency(kit: TestKit, code = 'MONROE') {
  const agency = await createAgency(kit, code);
  const cpsUnit = await addUnit(kit, agency.id, 'C10');
  const application = await addApplication(kit, 'CONNECTIONS');
  const caseworkerFn = await addFunction(kit, application, 'CPS CASEWORKER', ['Case Search']);
  await kit.db.updateTable('business_functions').set({ risk_level: 'medium' }).where('id', '=', caseworkerFn).execute();
  await addJobTemplate(kit, agency.id, application, 'cps_caseworker', [caseworkerFn]);
  const lower = code.toLowerCase();
  const supervisor = await registerWorker(kit, agency.id, cpsUnit, `${lower}sup01`, 'Sam', 'Supervisor');
  const coordinatorA = await registerWorker(kit, agency.id, cpsUnit, `${lower}coa01`, 'Cora', 'Coordinator');
  const coordinatorB = await registerWorker(kit, agency.id, cpsUnit, `${lower}cob01`, 'Cole', 'Coordinator');
  const users = {
    lanAdmin: await addConsoleUser(kit, `${lower}-lan`, 'lan_admin', agency.id),
    coordinatorA: await addConsoleUser(kit, `${lower}-coord-a`, 'security_coordinator', agency.id, coordinatorA.id),
    coordinatorB: await addConsoleUser(kit, `${lower}-coord-b`, 'security_coordinator', agency.id, coordinatorB.id),
    supervisor: await addConsoleUser(kit, `${lower}-sup`, 'worker', agency.id, supervisor.id),
    auditor: await addConsoleUser(kit, `${lower}-audit`, 'auditor', agency.id),
  };
  return { agency, cpsUnit, application, caseworkerFn, supervisor, coordinatorA, coordinatorB, users };
}

/** The agency's access template for a job type: the functions the job needs. */
export async function addJobTemplate(kit: TestKit, agencyId: string, applicationId: string, jobType: string, functionIds: string[]): Promise<void> {
  const at = kit.clock.now().toISOString();
  const templateId = newId();
  await kit.db.insertInto('access_templates').values({ id: templateId, agency_id: agencyId, application_id: applicationId, job_type: jobType, name: jobType.replaceAll('_', ' '), created_at: at, updated_at: at }).execute();
  await kit.db.insertInto('template_functions').values(functionIds.map((functionId) => ({ template_id: templateId, function_id: functionId }))).execute();
}

/** One tick of every lifecycle timer (movers, removals, leave dates, expiries) at the kit's clock, as `gatehouse serve` runs them. */
export async function runLifecycleTimers(kit: TestKit): Promise<void> {
  const timers = createTimers({ leases: kit.services.leases, clock: kit.clock, logger: createLogger('silent'), owner: 'console-story', jobs: lifecycleTimerJobs(kit.services) });
  await timers.start();
  timers.stop();
}

/** Signs in through the sign-in form, as a person would: labels, not selectors. */
export async function signIn(page: Page, baseUrl: string, login: string, secret = password): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(login);
  await page.getByLabel('Password').fill(secret);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForLoadState('domcontentloaded');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactDir, { recursive: true });
  await page.screenshot({ path: join(artifactDir, `${name}.png`), fullPage: true });
}
