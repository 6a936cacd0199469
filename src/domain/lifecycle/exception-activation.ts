import type { Executor } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { AuditEntry, AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import type { GrantService } from '../grants/grants.service.ts';
import type { RequestHeader } from '../requests/requests.schemas.ts';
import { activateException, findExceptionRowByRequest } from './exceptions.repo.ts';
import { deferRemoval, findScheduledRemovalOfGrant, listLiveFunctionGrants } from './removals.repo.ts';

export type ExceptionActivation = ReturnType<typeof createExceptionActivation>;

/**
 * Puts an exception into effect when the access request deciding it is approved, in the same
 * transaction: a keep exception defers the grant's scheduled removal to the exception's end; a
 * hold exception grants the function until then (provenance exception, so it ends by itself).
 */
export function createExceptionActivation(deps: { clock: Clock; audit: AuditLog; grants: Pick<GrantService, 'grantInTransaction'> }) {
  async function onRequestProvisioned(trx: Executor, ctx: RequestContext, header: RequestHeader): Promise<void> {
    const exception = await findExceptionRowByRequest(trx, header.id);
    if (!exception) return;
    const at = deps.clock.now().toISOString();
    if (exception.ends_at <= at) throw new AppError('exception.not_applicable', `The exception would have ended at ${exception.ends_at}, before it was approved; request a new one.`);
    const held = (await listLiveFunctionGrants(trx, exception.account_id, at)).find((g) => g.functionId === exception.function_id);
    const events: AuditEntry[] = [];
    let grantId: string;
    if (exception.kind === 'keep') {
      if (!held) throw new AppError('exception.not_applicable', 'The worker no longer holds the function the exception would keep (it was removed meanwhile); request a hold exception instead.');
      grantId = held.grantId;
      const removal = await findScheduledRemovalOfGrant(trx, held.grantId);
      if (removal && removal.due_at < exception.ends_at) {
        await deferRemoval(trx, removal.id, exception.ends_at, exception.id);
        events.push({ action: 'removal.deferred', subjectType: 'scheduled_removal', subjectId: removal.id, agencyId: exception.agency_id, reason: `kept by exception ${exception.id}`, after: { dueAt: exception.ends_at, exceptionId: exception.id } });
      }
    } else {
      if (held) throw new AppError('exception.not_applicable', 'The worker already holds the function the exception would give; nothing to hold.');
      const grant = await deps.grants.grantInTransaction(trx, ctx, {
        accountId: exception.account_id, kind: 'function', functionId: exception.function_id, provenanceKind: 'exception', provenanceId: exception.id,
        validTo: exception.ends_at, reason: `Exception ${exception.id} approved through access request ${header.id}`,
      });
      grantId = grant.id;
    }
    await activateException(trx, exception.id, { grantId, at });
    events.push({ action: 'exception.activated', subjectType: 'access_exception', subjectId: exception.id, agencyId: exception.agency_id, reason: `access request ${header.id} approved`, after: { status: 'active', grantId, endsAt: exception.ends_at } });
    await deps.audit.record(trx, ctx, events);
  }

  return { onRequestProvisioned };
}
