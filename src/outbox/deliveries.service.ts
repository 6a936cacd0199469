import type { Database } from '../db/database.ts';
import { findApplication } from '../domain/applications/applications.repo.ts';
import type { AuditLog } from '../domain/audit/audit.service.ts';
import type { RequestContext } from '../domain/auth/actor.ts';
import { agencyScope, authorize, authorizeShared } from '../domain/auth/permissions.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, assertThat } from '../shared/errors.ts';
import { isId } from '../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../shared/page.ts';
import type { DeliveryView } from './deliveries.schemas.ts';
import { notifyDeliverer } from './outbox.ts';
import * as repo from './outbox.repo.ts';

export interface DeliveryListFilter extends PageRequest {
  status?: DeliveryView['status'] | undefined;
}

function toView({ generation: _generation, ...delivery }: repo.Delivery): DeliveryView {
  return delivery;
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;

/** The outbox as people see it: what is still to reach an application, what failed, and retrying it. */
export function createDeliveryService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  /** The application's deliveries in the agencies where the actor may read accounts. */
  async function listForApplication(ctx: RequestContext, applicationId: string, filter: DeliveryListFilter): Promise<Page<DeliveryView>> {
    authorizeShared(ctx.actor, 'accounts.read', 'anywhere');
    if (!isId(applicationId) || !(await findApplication(deps.db, applicationId))) throw new AppError('application.not_found', 'No application with that id.');
    const rows = await repo.listDeliveries(deps.db, {
      applicationId, status: filter.status, agencyIds: agencyScope(ctx.actor, 'accounts.read'), afterId: decodeCursor(filter.cursor), limit: filter.limit + 1,
    });
    return toPage(rows.map(toView), filter.limit, (d) => d.id);
  }

  /** Tries a failed delivery again now, with a fresh count of attempts (after fixing what made it fail). */
  async function retry(ctx: RequestContext, id: string): Promise<DeliveryView> {
    const delivery = isId(id) ? await repo.findDelivery(deps.db, id) : undefined;
    if (!delivery) throw new AppError('delivery.not_found', 'No delivery with that id.');
    authorize(ctx.actor, 'accounts.write', delivery.agencyId, 'delivery.not_found', 'delivery');
    const notFailed = 'This delivery has not failed: it is pending and will be tried again by itself.';
    assertThat(delivery.status === 'failed', 'delivery.not_failed', notFailed);
    const now = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      assertThat(await repo.retryFailed(trx, id, now), 'delivery.not_failed', notFailed);
      await deps.audit.record(trx, ctx, [
        {
          action: 'delivery.retried', subjectType: 'account', subjectId: delivery.accountId, agencyId: delivery.agencyId, reason: 'retry of a failed delivery',
          before: { deliveryId: id, status: 'failed', attempts: delivery.attempts, lastError: delivery.lastError }, after: { status: 'pending' },
        },
      ]);
    });
    notifyDeliverer();
    return toView({ ...delivery, status: 'pending', attempts: 0, dueAt: now, updatedAt: now });
  }

  return { listForApplication, retry };
}
