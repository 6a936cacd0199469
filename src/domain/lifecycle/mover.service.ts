import type { Database, Executor } from '../../db/database.ts';
import type { ScheduledRemovalsTable } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { addBusinessDays } from '../../shared/dates.ts';
import { AppError } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeKeyPair, toPage } from '../../shared/page.ts';
import { listAccounts } from '../accounts/accounts.repo.ts';
import type { Account } from '../accounts/accounts.schemas.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditEntry, AuditLog } from '../audit/audit.service.ts';
import { type RequestContext, systemContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import { findGrant } from '../grants/grants.repo.ts';
import type { GrantService } from '../grants/grants.service.ts';
import type { RequestService } from '../requests/requests.service.ts';
import type { RequestItemInput } from '../requests/requests.schemas.ts';
import { findTemplateFor } from '../templates/templates.repo.ts';
import { findWorker } from '../workers/workers.repo.ts';
import { findLiveKeepException } from './exceptions.repo.ts';
import { type LifecycleSettings, type ScheduledRemoval, defaultRemovalBusinessDays } from './lifecycle.schemas.ts';
import * as repo from './removals.repo.ts';
import { runEachInTransaction } from '../../db/run-each.ts';

const batchSize = 200;

export interface RemovalListFilter extends PageRequest {
  status?: ScheduledRemoval['status'] | undefined;
  overdue: boolean;
}

export type MoverService = ReturnType<typeof createMoverService>;

/**
 * DESIGN rule 6: on a job or unit change, every function grant outside the new job's template
 * (and not kept by a live exception) is scheduled for removal, and removed when due; the new
 * template's missing functions are proposed as a draft access request.
 */
export function createMoverService(deps: {
  db: Database;
  clock: Clock;
  audit: AuditLog;
  grants: Pick<GrantService, 'revokeInTransaction'>;
  requests: Pick<RequestService, 'createInTransaction'>;
}) {
  async function requireAgency(ctx: RequestContext, agencyId: string, permission: 'grants.read' | 'templates.write'): Promise<void> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, permission, agencyId, 'agency.not_found', 'agency');
    if (!(await findAgency(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
  }

  async function removalDays(db: Executor, agencyId: string): Promise<number> {
    return (await repo.findRemovalBusinessDays(db, agencyId))?.days ?? defaultRemovalBusinessDays;
  }

  async function getSettings(ctx: RequestContext, agencyId: string): Promise<LifecycleSettings> {
    await requireAgency(ctx, agencyId, 'grants.read');
    const stored = await repo.findRemovalBusinessDays(deps.db, agencyId);
    return { agencyId, removalBusinessDays: stored?.days ?? defaultRemovalBusinessDays, updatedAt: stored?.updatedAt ?? null };
  }

  async function updateSettings(ctx: RequestContext, agencyId: string, input: { removalBusinessDays: number; reason: string }): Promise<LifecycleSettings> {
    await requireAgency(ctx, agencyId, 'templates.write');
    const at = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      const before = await removalDays(trx, agencyId);
      await repo.saveRemovalBusinessDays(trx, { agencyId, days: input.removalBusinessDays, by: ctx.actor.principalId, at });
      await deps.audit.record(trx, ctx, [
        { action: 'lifecycle_settings.updated', subjectType: 'agency', subjectId: agencyId, agencyId, reason: input.reason, before: { removalBusinessDays: before }, after: { removalBusinessDays: input.removalBusinessDays } },
      ]);
    });
    return { agencyId, removalBusinessDays: input.removalBusinessDays, updatedAt: at };
  }

  /** Schedules (or, when due at once, performs) the removal of the grants outside the template. */
  async function scheduleRemovals(trx: Executor, ctx: RequestContext, account: Account, template: string[], jobType: string, eventId: string, now: Date): Promise<AuditEntry[]> {
    const at = now.toISOString();
    const days = await removalDays(trx, account.agencyId);
    const events: AuditEntry[] = [];
    for (const grant of await repo.listLiveFunctionGrants(trx, account.id, at)) {
      // A grant an exception gave ends with the exception by itself.
      if (template.includes(grant.functionId) || grant.provenanceKind === 'exception') continue;
      if (await repo.findScheduledRemovalOfGrant(trx, grant.grantId)) continue;
      const kept = await findLiveKeepException(trx, account.workerId, grant.functionId, at);
      let dueAt = grant.riskLevel === 'high' ? at : addBusinessDays(now, days).toISOString();
      if (kept && kept.endsAt > dueAt) dueAt = kept.endsAt;
      const immediate = dueAt <= at;
      const row: ScheduledRemovalsTable = {
        id: newId(), agency_id: account.agencyId, worker_id: account.workerId, account_id: account.id, grant_id: grant.grantId, function_id: grant.functionId,
        lifecycle_event_id: eventId, job_type: jobType, risk_level: grant.riskLevel, exception_id: kept?.id ?? null, status: immediate ? 'done' : 'scheduled',
        scheduled_at: at, due_at: dueAt, closed_at: immediate ? at : null, outcome: immediate ? 'removed at once: high-risk function' : null,
      };
      if (immediate) await deps.grants.revokeInTransaction(trx, ctx, grant.grantId, `Job changed to ${jobType}: ${grant.code} is a high-risk function outside the new job's template`);
      await repo.insertRemoval(trx, row);
      events.push({
        action: immediate ? 'removal.done' : 'removal.scheduled', subjectType: 'scheduled_removal', subjectId: row.id, agencyId: account.agencyId,
        reason: `Job changed to ${jobType}: ${grant.code} is outside the new job's template`,
        after: { workerId: account.workerId, grantId: grant.grantId, functionCode: grant.code, riskLevel: grant.riskLevel, dueAt, exceptionId: row.exception_id },
      });
    }
    for (const removal of await repo.listScheduledRemovalsOfAccount(trx, account.id)) {
      if (!template.includes(removal.function_id)) continue;
      const outcome = `cancelled: inside the template of ${jobType}`;
      if (await repo.closeRemoval(trx, removal.id, 'cancelled', at, outcome)) {
        events.push({ action: 'removal.cancelled', subjectType: 'scheduled_removal', subjectId: removal.id, agencyId: account.agencyId, reason: outcome, after: { status: 'cancelled' } });
      }
    }
    return events;
  }

  /** The draft request for the template's functions the account lacks, and its placement in the worker's new unit. */
  async function proposeAdditions(trx: Executor, ctx: RequestContext, account: Account, template: string[], worker: { id: string; unitId: string; jobType: string }, holdingUnitId: string, at: string): Promise<string | null> {
    const held = new Set((await repo.listLiveFunctionGrants(trx, account.id, at)).map((g) => g.functionId));
    const items: RequestItemInput[] = template.filter((fn) => !held.has(fn)).map((functionId) => ({ action: 'add', kind: 'function', functionId }));
    // An account still in N01 is placed by its assessment, not by a mover.
    if (account.unitId !== worker.unitId && account.unitId !== holdingUnitId) items.unshift({ action: 'add', kind: 'unit_placement', unitId: worker.unitId });
    if (items.length === 0) return null;
    const proposed = await deps.requests.createInTransaction(trx, ctx, account.agencyId, {
      subjectWorkerId: worker.id, applicationId: account.applicationId, items, submit: false,
      justification: `Job change to ${worker.jobType}: what the new job's access template needs. Proposed by Gatehouse; review and submit.`,
    }, null);
    return proposed.id;
  }

  async function handleMove(trx: Executor, ctx: RequestContext, event: repo.MoverEvent, now: Date): Promise<{ removals: number; requests: number } | null> {
    const at = now.toISOString();
    if (!(await repo.markEventHandled(trx, event.id, at))) return null;
    const worker = await findWorker(trx, event.workerId);
    const agency = await findAgency(trx, event.agencyId);
    if (!worker || !agency) return { removals: 0, requests: 0 };
    const events: AuditEntry[] = [];
    const requestIds: string[] = [];
    for (const account of await listAccounts(trx, { workerId: worker.id, limit: 100 })) {
      if (account.status === 'end_dated') continue;
      const template = (await findTemplateFor(trx, worker.agencyId, account.applicationId, worker.jobType)) ?? [];
      events.push(...(await scheduleRemovals(trx, ctx, account, template, worker.jobType, event.id, now)));
      const requestId = await proposeAdditions(trx, ctx, account, template, worker, agency.holdingUnitId, at);
      if (requestId) requestIds.push(requestId);
    }
    const removals = events.filter((e) => e.action === 'removal.scheduled' || e.action === 'removal.done').map((e) => e.subjectId);
    events.push({
      action: 'worker.move_handled', subjectType: 'worker', subjectId: worker.id, agencyId: worker.agencyId, reason: 'job type or unit changed',
      after: { change: JSON.parse(event.details) as unknown, removals, requestIds },
    });
    await deps.audit.record(trx, ctx, events);
    return { removals: removals.length, requests: requestIds.length };
  }

  /** Handles every mover event not yet handled, whichever way it came (directory sync, API, SCIM). */
  async function processMoverEvents(now: Date = deps.clock.now()): Promise<{ movers: number; removals: number; requests: number }> {
    const ctx = systemContext(`movers-${now.toISOString()}`, 'gatehouse movers');
    const counts = { movers: 0, removals: 0, requests: 0 };
    await runEachInTransaction(deps.db, await repo.listOpenMoverEvents(deps.db, batchSize), async (trx, event) => {
      const done = await handleMove(trx, ctx, event, now);
      if (!done) return;
      counts.movers += 1;
      counts.removals += done.removals;
      counts.requests += done.requests;
    });
    return counts;
  }

  async function runRemoval(trx: Executor, ctx: RequestContext, id: string, at: string): Promise<'removed' | 'cancelled' | 'deferred' | null> {
    const removal = await repo.findRemovalRow(trx, id);
    if (!removal || removal.status !== 'scheduled' || removal.due_at > at) return null;
    const audit = (action: string, reason: string, after: Record<string, unknown>) =>
      deps.audit.record(trx, ctx, [{ action, subjectType: 'scheduled_removal', subjectId: id, agencyId: removal.agency_id, reason, after }]);
    const grant = await findGrant(trx, removal.grant_id);
    if (!grant || grant.revokedAt !== null || (grant.validTo !== null && grant.validTo <= at)) {
      await repo.closeRemoval(trx, id, 'cancelled', at, 'cancelled: the grant had already ended');
      await audit('removal.cancelled', 'the grant had already ended', { status: 'cancelled' });
      return 'cancelled';
    }
    const kept = await findLiveKeepException(trx, removal.worker_id, removal.function_id, at);
    if (kept && kept.endsAt > removal.due_at) {
      await repo.deferRemoval(trx, id, kept.endsAt, kept.id);
      await audit('removal.deferred', `kept by exception ${kept.id}`, { dueAt: kept.endsAt, exceptionId: kept.id });
      return 'deferred';
    }
    const worker = await findWorker(trx, removal.worker_id);
    const template = worker ? ((await findTemplateFor(trx, worker.agencyId, grant.applicationId, worker.jobType)) ?? []) : [];
    if (template.includes(removal.function_id)) {
      const outcome = `cancelled: inside the template of ${worker?.jobType ?? 'the current job'}`;
      await repo.closeRemoval(trx, id, 'cancelled', at, outcome);
      await audit('removal.cancelled', outcome, { status: 'cancelled' });
      return 'cancelled';
    }
    const reason = `Job changed to ${removal.job_type}: outside the new job's template; deadline ${removal.due_at}`;
    await deps.grants.revokeInTransaction(trx, ctx, grant.id, reason);
    await repo.closeRemoval(trx, id, 'done', at, 'removed when due');
    await audit('removal.done', reason, { status: 'done', grantId: grant.id, dueAt: removal.due_at });
    return 'removed';
  }

  /** Removes every grant whose removal deadline has come, including any that fell due while no server ran. */
  async function runDueRemovals(now: Date = deps.clock.now()): Promise<{ removed: number; cancelled: number; deferred: number }> {
    const ctx = systemContext(`removals-${now.toISOString()}`, 'gatehouse removals');
    const at = now.toISOString();
    const counts = { removed: 0, cancelled: 0, deferred: 0 };
    await runEachInTransaction(deps.db, await repo.listDueRemovalIds(deps.db, at, batchSize), async (trx, id) => {
      const outcome = await runRemoval(trx, ctx, id, at);
      if (outcome) counts[outcome] += 1;
    });
    return counts;
  }

  /** An agency's scheduled removals by deadline; `overdue` keeps those still scheduled past it. */
  async function listRemovals(ctx: RequestContext, agencyId: string, filter: RemovalListFilter): Promise<Page<ScheduledRemoval>> {
    await requireAgency(ctx, agencyId, 'grants.read');
    const now = deps.clock.now().toISOString();
    const rows = await repo.listRemovals(deps.db, {
      agencyId, status: filter.status, overdueAt: filter.overdue ? now : undefined, after: decodeKeyPair(filter.cursor), limit: filter.limit + 1,
    }, now);
    return toPage(rows, filter.limit, (r) => `${r.dueAt}|${r.id}`);
  }

  return { getSettings, updateSettings, processMoverEvents, runDueRemovals, listRemovals };
}
