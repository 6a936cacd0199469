import type { Database } from '../../db/database.ts';
import { AppError } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import { type QueueEntry, listHoldingAccounts } from './new-worker-queue.repo.ts';

export type NewWorkerQueue = ReturnType<typeof createNewWorkerQueue>;

/** The security coordinator's queue of new workers: active accounts still in N01, with who they are. */
export function createNewWorkerQueue(deps: { db: Database }) {
  async function list(ctx: RequestContext, agencyId: string, filter: PageRequest & { search?: string | undefined }): Promise<Page<QueueEntry>> {
    const agency = isId(agencyId) ? await findAgency(deps.db, agencyId) : undefined;
    if (!agency) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'accounts.read', agency.id, 'agency.not_found', 'agency');
    const rows = await listHoldingAccounts(deps.db, { agencyId: agency.id, holdingUnitId: agency.holdingUnitId, search: filter.search, afterId: decodeCursor(filter.cursor), limit: filter.limit + 1 });
    return toPage(rows, filter.limit, (r) => r.accountId);
  }

  return { list };
}
