import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { createApp } from '../app.ts';
import { type DemoConsoleUser, demoPassword, ensureDemoConsoleUsers } from '../demo/demo-console-users.ts';
import { findDemoAgencies, loadDemo } from '../demo/demo-loader.ts';
import { ensureBuiltinApplications } from '../domain/applications/applications.service.ts';
import { systemContext } from '../domain/auth/actor.ts';
import { createDeliverer } from '../outbox/deliverer.ts';
import { lifecycleTimerJobs } from '../scheduler/lifecycle-jobs.ts';
import { createMailDeliverer } from '../outbox/mail-deliverer.ts';
import { createTimers } from '../scheduler/timers.ts';
import { createSyncScheduler } from '../scheduler/sync-scheduler.ts';
import { formatDemoSummary } from './demo.command.ts';
import { type Runtime, openRuntime } from './runtime.ts';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Demo mode only: loads the demo into an empty database, and mints a fresh state_admin token valid
 * for 24 hours at every start, so a newcomer can call the API at once. With GATEHOUSE_DEMO=0 or
 * --no-demo no token is ever minted here; create tokens with `gatehouse token create`.
 */
interface DemoAccess {
  token: string;
  expiresAt: string;
  consoleUsers: DemoConsoleUser[];
}

async function prepareDemo(runtime: Runtime): Promise<DemoAccess | null> {
  const { services, cliContext: ctx } = runtime;
  const agencies = await services.agencies.list(ctx, { limit: 1 });
  if (agencies.items.length === 0) {
    const summary = await loadDemo(services, runtime.handle.db, runtime.clock, { seed: runtime.config.demoSeed });
    console.log(`${formatDemoSummary(summary)}\n`);
  }
  const present = await findDemoAgencies(services, ctx);
  if (present.length === 0) return null;
  const expiresAt = new Date(runtime.clock.now().getTime() + dayMs).toISOString();
  const created = await services.tokens.create(ctx, { name: 'Demo administrator (serve)', role: 'state_admin', agencyId: null, expiresAt });
  const consoleUsers = await ensureDemoConsoleUsers(services, ctx, present[0] as string);
  return { token: created.token, expiresAt, consoleUsers };
}

function printWhereToGo(publicUrl: string, demo: DemoAccess | null): void {
  const lines = [
    '',
    `Gatehouse is running at ${publicUrl}`,
    `  Console:      ${publicUrl}/`,
    `  API:          ${publicUrl}/api/v1`,
    `  API docs:     ${publicUrl}/openapi.json`,
    `  Health:       ${publicUrl}/healthz`,
  ];
  if (demo) {
    lines.push(
      '',
      `Demo mode: the agencies CEDAR and HARBOR are loaded. A state_admin token, valid until ${demo.expiresAt}:`,
      `  ${demo.token}`,
      `Try: curl -H "Authorization: Bearer ${demo.token}" ${publicUrl}/api/v1/agencies`,
      '',
      `Console demo users (password for each: ${demoPassword}); open ${publicUrl}/ and sign in as:`,
      ...demo.consoleUsers.map((u) => `  ${u.login.padEnd(22)} ${u.role.padEnd(21)} finds ${u.finds}`),
      'Turn demo mode off with GATEHOUSE_DEMO=0 or --no-demo.',
    );
  }
  console.log(lines.join('\n'));
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the Gatehouse server (API, SCIM, console) on PORT, default 8080')
    .option('--no-demo', 'do not load the demo agencies into an empty database')
    .action(async (options: { demo: boolean }) => {
      // A server checkpoints SQLite's log beside its requests rather than inside one of them.
      const runtime = await openRuntime({ server: true });
      const { config, logger } = runtime;
      await ensureBuiltinApplications(runtime.handle.db, runtime.clock.now().toISOString());
      const demo = config.loadDemo && options.demo ? await prepareDemo(runtime) : null;
      const consoleSettings = { publicUrl: config.publicUrl, oidc: config.oidc };
      const { app } = createApp({ db: runtime.handle.db, dbKind: runtime.handle.kind, clock: runtime.clock, logger, console: consoleSettings }, runtime.services);
      const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
        logger.info({ port: info.port, database: runtime.handle.kind }, 'Gatehouse is listening');
        printWhereToGo(config.publicUrl, demo);
      });
      const pollMs = config.ldapPollSeconds * 1000;
      const scheduler = createSyncScheduler({
        sources: runtime.services.sources, sync: runtime.services.sync, logger, ctx: systemContext('sync-scheduler', 'gatehouse scheduler'),
        pollIntervalMs: pollMs, refreshIntervalMs: pollMs,
      });
      await scheduler.start();
      const timers = createTimers({
        leases: runtime.services.leases, clock: runtime.clock, logger,
        jobs: [
          { name: 'request-deadlines', intervalMs: 60_000, run: (now) => runtime.services.requests.processDeadlines(now) },
          { name: 'leaver-deadlines', intervalMs: 60_000, run: (now) => runtime.services.leavers.processDeadlines(now) },
          { name: 'terminations', intervalMs: 60_000, run: (now) => runtime.services.workers.disableDueTerminations(now) },
          ...lifecycleTimerJobs(runtime.services),
          { name: 'reminders', intervalMs: 60_000, run: (now) => runtime.services.reminders.processReminders(now) },
          { name: 'beyond-template-counts', intervalMs: 600_000, run: (now) => runtime.services.beyondTemplate.countAll(now) },
        ],
      });
      // The first ticks catch up on whatever fell due while no server ran.
      await timers.start();
      // Delivers what the outbox holds for SCIM applications: at once on this node's changes, every second for other nodes'.
      const deliverer = createDeliverer({ db: runtime.handle.db, clock: runtime.clock, logger, secret: config.secret });
      deliverer.start();
      const mailer = config.smtpUrl === null ? null : createMailDeliverer({ db: runtime.handle.db, clock: runtime.clock, logger, mail: { smtpUrl: config.smtpUrl, from: config.mailFrom } });
      if (mailer) mailer.start();
      else logger.warn('SMTP_URL is not set: notification emails are recorded in the mail outbox but not sent. Set SMTP_URL (e.g. smtp://mail.example.org:587) to send them.');
      const shutdown = () => {
        scheduler.stop();
        timers.stop();
        server.close(() => {
          void Promise.all([deliverer.stop(), mailer?.stop()]).then(() => runtime.close()).then(() => process.exit(0));
        });
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
