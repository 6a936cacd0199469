import type { Database, Executor } from '../../db/database.ts';
import type { AccessExceptionsTable } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAccount, findAccountById } from '../accounts/accounts.repo.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import { type RequestContext, systemContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import { findFunctionsById } from '../requests/requests.repo.ts';
import type { RequestService } from '../requests/requests.service.ts';
import { findTemplateFor } from '../templates/templates.repo.ts';
import { findWorker } from '../workers/workers.repo.ts';
import * as repo from './exceptions.repo.ts';
import type { AccessException, RequestExceptionInput } from './lifecycle.schemas.ts';
import { findScheduledRemovalOfGrant, insertRemoval, listLiveFunctionGrants } from './removals.repo.ts';
import { runEachInTransaction } from '../../db/run-each.ts';

const dayMs = 24 * 60 * 60 * 1000;

export interface ExceptionListFilter extends PageRequest {
  status?: AccessException['status'] | undefined;
}

export type ExceptionService = ReturnType<typeof createExceptionService>;

/**
 * Time-bound exceptions: keep a function for N days despite a job change, or hold one outside the
 * job template. Each is decided by an access request under the agency's approval policy and
 * expires by itself.
 */
export function createExceptionService(deps: { db: Database; clock: Clock; audit: AuditLog; requests: Pick<RequestService, 'createInTransaction'> }) {
  async function request(ctx: RequestContext, workerId: string, input: RequestExceptionInput): Promise<AccessException> {
    const worker = isId(workerId) ? await findWorker(deps.db, workerId) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    authorize(ctx.actor, 'requests.manage', worker.agencyId, 'worker.not_found', 'worker');
    const account = await findAccount(deps.db, worker.id, input.applicationId);
    if (!account) throw new AppError('account.not_found', 'The worker has no account in that application.');
    const [fn] = await findFunctionsById(deps.db, [input.functionId]);
    if (!fn || fn.applicationId !== account.applicationId) throw new AppError('function.not_found', "No business function with that id in the account's application.");
    const now = deps.clock.now();
    const template = (await findTemplateFor(deps.db, worker.agencyId, account.applicationId, worker.jobType)) ?? [];
    const held = (await listLiveFunctionGrants(deps.db, account.id, now.toISOString())).some((g) => g.functionId === fn.id);
    assertThat(!template.includes(fn.id), 'exception.not_applicable', `${fn.code} is in the template of the worker's job (${worker.jobType}); it needs no exception.`);
    if (input.kind === 'keep') assertThat(held, 'exception.not_applicable', `The worker does not hold ${fn.code}, so there is nothing to keep; ask for a hold exception instead.`);
    else assertThat(!held, 'exception.not_applicable', `The worker already holds ${fn.code}; ask for a keep exception instead.`);
    const endsAt = new Date(now.getTime() + input.days * dayMs).toISOString();
    const id = newId();
    await deps.db.transaction().execute(async (trx) => {
      const { id: requestId } = await deps.requests.createInTransaction(trx, ctx, worker.agencyId, {
        subjectWorkerId: worker.id, applicationId: account.applicationId, items: [], submit: true,
        justification: `Exception: ${input.kind} ${fn.code} for ${input.days} days, until ${endsAt}. ${input.justification}`,
      }, null, fn.riskLevel);
      const row: AccessExceptionsTable = {
        id, agency_id: worker.agencyId, worker_id: worker.id, account_id: account.id, function_id: fn.id, kind: input.kind, days: input.days, justification: input.justification,
        request_id: requestId, status: 'requested', grant_id: null, ends_at: endsAt, requested_by: ctx.actor.principalId, created_at: now.toISOString(), activated_at: null, closed_at: null,
      };
      await repo.insertException(trx, row);
      await deps.audit.record(trx, ctx, [
        { action: 'exception.requested', subjectType: 'access_exception', subjectId: id, agencyId: worker.agencyId, reason: input.justification, after: { workerId: worker.id, functionCode: fn.code, kind: input.kind, days: input.days, endsAt, requestId } },
      ]);
    });
    return get(ctx, id);
  }

  async function get(ctx: RequestContext, id: string): Promise<AccessException> {
    const exception = isId(id) ? await repo.findException(deps.db, id) : undefined;
    if (!exception) throw new AppError('exception.not_found', 'No exception with that id.');
    authorize(ctx.actor, 'grants.read', exception.agencyId, 'exception.not_found', 'exception');
    return exception;
  }

  /** An agency's exceptions with who holds each and when it ends. */
  async function list(ctx: RequestContext, agencyId: string, filter: ExceptionListFilter): Promise<Page<AccessException>> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'grants.read', agencyId, 'agency.not_found', 'agency');
    if (!(await findAgency(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
    const rows = await repo.listExceptions(deps.db, { agencyId, status: filter.status, afterId: decodeCursor(filter.cursor), limit: filter.limit + 1 });
    return toPage(rows, filter.limit, (e) => e.id);
  }

  /**
   * A kept grant still outside the worker's template with no removal scheduled (the exception was
   * not about a job change) gets one due at the exception's end, so nothing outlives its exception.
   */
  async function scheduleRemovalOfKept(trx: Executor, exception: AccessExceptionsTable): Promise<string | null> {
    const at = deps.clock.now().toISOString();
    const grant = (await listLiveFunctionGrants(trx, exception.account_id, at)).find((g) => g.grantId === exception.grant_id);
    const worker = await findWorker(trx, exception.worker_id);
    const account = await findAccountById(trx, exception.account_id);
    if (!grant || !worker || !account || (await findScheduledRemovalOfGrant(trx, grant.grantId))) return null;
    const template = (await findTemplateFor(trx, worker.agencyId, account.applicationId, worker.jobType)) ?? [];
    if (template.includes(grant.functionId)) return null;
    const id = newId();
    await insertRemoval(trx, {
      id, agency_id: exception.agency_id, worker_id: worker.id, account_id: exception.account_id, grant_id: grant.grantId, function_id: grant.functionId, lifecycle_event_id: null,
      job_type: worker.jobType, risk_level: grant.riskLevel, exception_id: exception.id, status: 'scheduled', scheduled_at: at, due_at: exception.ends_at, closed_at: null, outcome: null,
    });
    return id;
  }

  /**
   * Ends exceptions whose time is up (a hold's grant has ended by itself; a keep's removal falls
   * due now) and records those whose request was not approved.
   */
  async function expireDue(now: Date = deps.clock.now()): Promise<{ expired: number; rejected: number }> {
    const ctx = systemContext(`exceptions-${now.toISOString()}`, 'gatehouse exceptions');
    const at = now.toISOString();
    const counts = { expired: 0, rejected: 0 };
    await runEachInTransaction(deps.db, await repo.listEndedExceptions(deps.db, at, 500), async (trx, exception) => {
      if (!(await repo.closeException(trx, exception.id, 'active', 'expired', at))) return;
      const removalId = exception.kind === 'keep' ? await scheduleRemovalOfKept(trx, exception) : null;
      await deps.audit.record(trx, ctx, [
        { action: 'exception.expired', subjectType: 'access_exception', subjectId: exception.id, agencyId: exception.agency_id, reason: `ended at ${exception.ends_at}`, before: { status: 'active' }, after: { status: 'expired', removalId } },
      ]);
      counts.expired += 1;
    });
    await runEachInTransaction(deps.db, await repo.listRejectedRequests(deps.db, 500), async (trx, exception) => {
      if (!(await repo.closeException(trx, exception.id, 'requested', 'rejected', at))) return;
      await deps.audit.record(trx, ctx, [
        { action: 'exception.rejected', subjectType: 'access_exception', subjectId: exception.id, agencyId: exception.agency_id, reason: `access request ${exception.request_id} was not approved`, before: { status: 'requested' }, after: { status: 'rejected' } },
      ]);
      counts.rejected += 1;
    });
    return counts;
  }

  return { request, get, list, expireDue };
}
