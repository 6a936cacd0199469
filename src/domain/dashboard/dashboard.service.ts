import type { Database } from '../../db/database.ts';
import type { RequestStatus } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import * as repo from './dashboard.repo.ts';

export interface AgencyDashboard {
  agencyId: string;
  workers: { total: number; enabled: number };
  awaitingAssessment: number;
  requestsByStatus: Partial<Record<RequestStatus, number>>;
  pendingBeyondTemplate: number;
  /** One entry per day of the last two weeks, oldest first, days without requests included. */
  requestsPerDay: { day: string; count: number }[];
}

const days = 14;
const dayMs = 24 * 60 * 60 * 1000;

export type DashboardService = ReturnType<typeof createDashboardService>;

/** Counts for an agency's dashboard; each one an indexed count, so it stays fast on a large agency. */
export function createDashboardService(deps: { db: Database; clock: Clock }) {
  async function forAgency(ctx: RequestContext, agencyId: string): Promise<AgencyDashboard> {
    const agency = isId(agencyId) ? await findAgency(deps.db, agencyId) : undefined;
    if (!agency) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'workers.read', agency.id, 'agency.not_found', 'agency');
    const start = new Date(deps.clock.now().getTime() - (days - 1) * dayMs).toISOString().slice(0, 10);
    const [total, enabled, awaitingAssessment, byStatus, perDay, pendingBeyondTemplate] = await Promise.all([
      repo.countWorkers(deps.db, agency.id),
      repo.countWorkers(deps.db, agency.id, 1),
      repo.countAwaitingAssessment(deps.db, agency.id, agency.holdingUnitId),
      repo.countRequestsByStatus(deps.db, agency.id),
      repo.countRequestsPerDay(deps.db, agency.id, start),
      repo.countPendingBeyondTemplate(deps.db, agency.id),
    ]);
    const counted = new Map(perDay.map((d) => [d.day, d.count]));
    const requestsPerDay = Array.from({ length: days }, (_, i) => {
      const day = new Date(Date.parse(start) + i * dayMs).toISOString().slice(0, 10);
      return { day, count: counted.get(day) ?? 0 };
    });
    return {
      agencyId: agency.id, workers: { total, enabled }, awaitingAssessment, pendingBeyondTemplate, requestsPerDay,
      requestsByStatus: Object.fromEntries(byStatus.map((s) => [s.status, s.count])),
    };
  }

  return { forAgency };
}
