import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { leaseOwner, type Leases } from './leases.ts';

export interface TimerJob {
  name: string;
  intervalMs: number;
  /** Does whatever has fallen due by `now`; work that fell due while no node ran is done on the first tick. */
  run(now: Date): Promise<unknown>;
}

/**
 * Runs time-driven jobs (request deadlines, and later leave dates and expiries). Each tick takes
 * the job's database lease first, so across several nodes one runs it.
 */
export function createTimers(deps: { leases: Leases; clock: Clock; logger: Logger; jobs: TimerJob[]; owner?: string }) {
  const handles: NodeJS.Timeout[] = [];
  const running = new Set<string>();
  const owner = deps.owner ?? leaseOwner('timers');

  /** One tick of the named job: take the lease, run what is due. */
  async function tick(name: string): Promise<void> {
    const job = deps.jobs.find((j) => j.name === name);
    if (!job || running.has(job.name)) return;
    running.add(job.name);
    try {
      const lease = await deps.leases.acquire(`timer:${job.name}`, owner, job.intervalMs * 2);
      if (!lease) return;
      const result = await job.run(deps.clock.now());
      deps.logger.debug({ job: job.name, result }, 'timer ran');
    } catch (error) {
      deps.logger.error({ err: error, job: job.name }, 'timer failed');
    } finally {
      running.delete(job.name);
    }
  }

  /** Starts every job's interval; resolves once each job's first tick (catching up on what fell due while stopped) is done. */
  async function start(): Promise<void> {
    const first = deps.jobs.map((job) => tick(job.name));
    for (const job of deps.jobs) handles.push(setInterval(() => void tick(job.name), job.intervalMs));
    await Promise.all(first);
  }

  function stop(): void {
    for (const handle of handles) clearInterval(handle);
    handles.length = 0;
  }

  return { start, stop, tick };
}
