import type { CoverageService } from '../domain/lifecycle/coverage.service.ts';
import type { ExceptionService } from '../domain/lifecycle/exceptions.service.ts';
import type { LeaveService } from '../domain/lifecycle/leave.service.ts';
import type { MoverService } from '../domain/lifecycle/mover.service.ts';
import type { TimerJob } from './timers.ts';

/**
 * The lifecycle's timers: mover events, removal deadlines, leave dates, exception and coverage
 * ends. Each does what has fallen due by `now`, so the first tick after a start catches up.
 */
export function lifecycleTimerJobs(services: { movers: MoverService; leaves: LeaveService; exceptions: ExceptionService; coverage: CoverageService }): TimerJob[] {
  return [
    { name: 'mover-events', intervalMs: 10_000, run: (now) => services.movers.processMoverEvents(now) },
    { name: 'scheduled-removals', intervalMs: 60_000, run: (now) => services.movers.runDueRemovals(now) },
    { name: 'leave-dates', intervalMs: 60_000, run: (now) => services.leaves.processDue(now) },
    { name: 'exception-expiries', intervalMs: 60_000, run: (now) => services.exceptions.expireDue(now) },
    { name: 'coverage-ends', intervalMs: 60_000, run: (now) => services.coverage.endDue(now) },
  ];
}
