import { Cron } from 'croner';
import type { RequestContext } from '../domain/auth/actor.ts';
import { AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { SyncService } from '../sync/engine/sync.service.ts';
import type { DirectorySource } from '../sync/sources/sources.schemas.ts';
import type { SourceService } from '../sync/sources/sources.service.ts';

export interface SyncSchedulerDeps {
  sources: Pick<SourceService, 'list'>;
  sync: Pick<SyncService, 'run'>;
  logger: Logger;
  ctx: RequestContext;
  /** How often LDAP sources are polled for changes (the immediate path for LDAP disables). */
  pollIntervalMs: number;
  /** How often the list of sources is re-read, so new and changed sources are picked up. */
  refreshIntervalMs: number;
}

/**
 * Runs every enabled source on its cron schedule (the nightly run) and polls LDAP sources for
 * changes in between. Several nodes may run it: a source's lease lets one run at a time.
 */
export function createSyncScheduler(deps: SyncSchedulerDeps) {
  const jobs = new Map<string, { schedule: string; cron: Cron }>();
  const timers: NodeJS.Timeout[] = [];
  let ldapSources: DirectorySource[] = [];
  let polling = false;

  async function runSafely(source: DirectorySource, trigger: 'schedule' | 'poll'): Promise<void> {
    try {
      const run = await deps.sync.run(deps.ctx, source.id, { trigger, incremental: trigger === 'poll' });
      const level = run.status === 'succeeded' ? 'info' : 'warn';
      deps.logger[level]({ source: source.name, runId: run.id, status: run.status, counts: run.counts, error: run.error }, `sync ${trigger} finished`);
    } catch (error) {
      if (error instanceof AppError && error.code === 'sync.already_running') {
        deps.logger.debug({ source: source.name }, 'sync already running elsewhere');
        return;
      }
      deps.logger.error({ err: error, source: source.name }, `sync ${trigger} failed`);
    }
  }

  async function refresh(): Promise<void> {
    const sources = (await deps.sources.list(deps.ctx)).filter((s) => s.enabled && (s.kind === 'csv' || s.kind === 'ldap'));
    const wanted = new Set(sources.map((s) => s.id));
    for (const [id, job] of jobs) {
      if (!wanted.has(id)) {
        job.cron.stop();
        jobs.delete(id);
      }
    }
    for (const source of sources) {
      const existing = jobs.get(source.id);
      if (existing?.schedule === source.schedule) continue;
      existing?.cron.stop();
      const cron = new Cron(source.schedule, { name: `sync:${source.id}`, protect: true, catch: true }, () => runSafely(source, 'schedule'));
      jobs.set(source.id, { schedule: source.schedule, cron });
    }
    ldapSources = sources.filter((s) => s.kind === 'ldap');
  }

  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      for (const source of ldapSources) await runSafely(source, 'poll');
    } finally {
      polling = false;
    }
  }

  function logRefreshError(error: unknown): void {
    deps.logger.error({ err: error }, 'could not read the directory sources');
  }

  async function start(): Promise<void> {
    await refresh();
    timers.push(setInterval(() => void refresh().catch(logRefreshError), deps.refreshIntervalMs));
    timers.push(setInterval(() => void poll(), deps.pollIntervalMs));
  }

  function stop(): void {
    for (const timer of timers) clearInterval(timer);
    timers.length = 0;
    for (const job of jobs.values()) job.cron.stop();
    jobs.clear();
  }

  /** When each source runs next; for the console and the tests. */
  function nextRuns(): Record<string, string | null> {
    return Object.fromEntries([...jobs].map(([id, job]) => [id, job.cron.nextRun()?.toISOString() ?? null]));
  }

  return { start, stop, poll, nextRuns };
}

export type SyncScheduler = ReturnType<typeof createSyncScheduler>;
