import type { Database, Executor } from '../../db/database.ts';
import { enqueueAccountChanges } from '../../outbox/outbox.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findUnitAgency } from '../accounts/accounts.repo.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import * as repo from './grants.repo.ts';
import type { Grant, GrantInput } from './grants.schemas.ts';

/**
 * Rule 8 in one place: a grant is live once granted and valid, until it reaches `validTo` or is
 * revoked. Nothing has to run for a grant to end.
 */
export function isGrantLiveAt(grant: Pick<Grant, 'grantedAt' | 'validFrom' | 'validTo' | 'revokedAt'>, at: Date): boolean {
  const t = at.getTime();
  return (
    Date.parse(grant.grantedAt) <= t &&
    Date.parse(grant.validFrom) <= t &&
    (grant.validTo === null || t < Date.parse(grant.validTo)) &&
    (grant.revokedAt === null || t < Date.parse(grant.revokedAt))
  );
}

function toStoredInstant(value: string, field: string): string {
  const parsed = new Date(value);
  assertThat(!Number.isNaN(parsed.getTime()), 'input.invalid', `${field} must be an ISO-8601 instant, e.g. 2026-03-01T12:00:00Z.`);
  return parsed.toISOString();
}

interface GrantWindow {
  validFrom: string;
  validTo: string | null;
}

function windowsOverlap(a: GrantWindow, b: GrantWindow): boolean {
  return (a.validTo === null || b.validFrom < a.validTo) && (b.validTo === null || a.validFrom < b.validTo);
}

function summarise(grant: Grant) {
  return {
    workerId: grant.workerId, accountId: grant.accountId, kind: grant.kind, functionId: grant.functionId, unitId: grant.unitId,
    provenance: grant.provenance, validFrom: grant.validFrom, validTo: grant.validTo,
  };
}

export interface WorkerGrantsFilter extends PageRequest {
  includeEnded: boolean;
  /** Live at this instant (default now); ignored when includeEnded. */
  at?: Date | undefined;
}

export interface AgencyGrantsFilter extends PageRequest {
  functionId?: string | undefined;
  kind?: Grant['kind'] | undefined;
  /** Only grants live now. */
  live: boolean;
}

export type GrantService = ReturnType<typeof createGrantService>;

export function createGrantService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function checkTarget(trx: Executor, account: repo.GrantAccount, input: GrantInput, window: GrantWindow): Promise<void> {
    if (input.kind === 'function') {
      assertThat(input.functionId && !input.unitId, 'input.invalid', 'A function grant names a functionId and no unitId.');
      const fn = isId(input.functionId) ? await repo.findFunctionApplication(trx, input.functionId) : undefined;
      if (!fn) throw new AppError('function.not_found', 'No business function with that id.');
      assertThat(fn.applicationId === account.applicationId, 'input.invalid', `Function ${fn.code} belongs to another application than the account; grant a function of the account's application.`);
      const held = await repo.listUnrevokedFunctionGrants(trx, account.id, fn.id);
      const clash = held.find((g) => windowsOverlap(g, window));
      assertThat(!clash, 'grant.duplicate', `The account already holds ${fn.code} for an overlapping period (grant ${clash?.id}); revoke that grant or let it end first.`, { grantId: clash?.id });
    } else {
      assertThat(input.unitId && !input.functionId, 'input.invalid', 'A unit_hierarchy grant names a unitId and no functionId.');
      const unit = isId(input.unitId) ? await findUnitAgency(trx, input.unitId) : undefined;
      if (!unit || unit.agencyId !== account.agencyId) throw new AppError('unit.not_found', "No unit with that id in the account's agency.");
    }
  }

  /**
   * Records an approved grant inside the caller's transaction. The caller (approval workflow,
   * demo loader) has authorised the decision; this checks the grant itself and writes the audit.
   */
  async function grantInTransaction(trx: Executor, ctx: RequestContext, input: GrantInput): Promise<Grant> {
    const account = isId(input.accountId) ? await repo.findGrantAccount(trx, input.accountId) : undefined;
    if (!account) throw new AppError('account.not_found', 'No account with that id.');
    assertThat(ctx.actor.workerId !== account.workerId, 'grant.self_grant', 'Nobody can grant access to themselves; another coordinator must grant it.');
    const now = deps.clock.now();
    const today = calendarDateAt(now, account.timeZone);
    assertThat(account.status !== 'end_dated' && !(account.endDate !== null && account.endDate <= today), 'account.end_dated', 'That account is end-dated and can hold no new grants.');
    assertThat(input.provenanceId.trim().length > 0 && input.provenanceId.length <= 200, 'input.invalid', 'Every grant needs the id of the request, assessment, coverage, exception or import that approved it.');
    const validFrom = toStoredInstant(input.validFrom ?? now.toISOString(), 'validFrom');
    const validTo = input.validTo ? toStoredInstant(input.validTo, 'validTo') : null;
    assertThat(validTo === null || validFrom < validTo, 'input.invalid', 'validFrom must be before validTo.');
    await checkTarget(trx, account, input, { validFrom, validTo });

    const grant = await repo.insertGrant(trx, {
      id: newId(now.getTime()),
      account_id: account.id,
      worker_id: account.workerId,
      agency_id: account.agencyId,
      application_id: account.applicationId,
      kind: input.kind,
      function_id: input.kind === 'function' ? (input.functionId ?? null) : null,
      unit_id: input.kind === 'unit_hierarchy' ? (input.unitId ?? null) : null,
      provenance_kind: input.provenanceKind,
      provenance_id: input.provenanceId,
      granted_by: ctx.actor.principalId,
      granted_at: now.toISOString(),
      valid_from: validFrom,
      valid_to: validTo,
      revoked_at: null,
      revoked_by: null,
      revoke_reason: null,
    });
    await deps.audit.record(trx, ctx, [
      { action: 'grant.created', subjectType: 'grant', subjectId: grant.id, agencyId: grant.agencyId, reason: input.reason ?? null, after: summarise(grant) },
    ]);
    await enqueueAccountChanges(trx, [grant.accountId], 'grant.created', now.toISOString());
    return grant;
  }

  async function load(id: string): Promise<Grant> {
    const grant = isId(id) ? await repo.findGrant(deps.db, id) : undefined;
    if (!grant) throw new AppError('grant.not_found', 'No grant with that id.');
    return grant;
  }

  async function get(ctx: RequestContext, id: string): Promise<Grant> {
    const grant = await load(id);
    authorize(ctx.actor, 'grants.read', grant.agencyId, 'grant.not_found', 'grant');
    return grant;
  }

  /** Ends a grant now. The row stays, with who revoked it, when and why. */
  async function revoke(ctx: RequestContext, id: string, reason: string): Promise<Grant> {
    const grant = await load(id);
    authorize(ctx.actor, 'grants.revoke', grant.agencyId, 'grant.not_found', 'grant');
    const alreadyRevoked = `That grant was already revoked${grant.revokedAt ? ` at ${grant.revokedAt}` : ''}; nothing to do.`;
    assertThat(grant.revokedAt === null, 'grant.already_revoked', alreadyRevoked);
    const at = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      const revoked = await repo.revokeGrant(trx, id, { at, by: ctx.actor.principalId, reason });
      assertThat(revoked, 'grant.already_revoked', alreadyRevoked);
      await deps.audit.record(trx, ctx, [
        { action: 'grant.revoked', subjectType: 'grant', subjectId: id, agencyId: grant.agencyId, reason, before: { ...summarise(grant), revokedAt: null }, after: { revokedAt: at } },
      ]);
      await enqueueAccountChanges(trx, [grant.accountId], 'grant.revoked', at);
    });
    return { ...grant, revokedAt: at, revokedBy: ctx.actor.principalId, revokeReason: reason };
  }

  /** Ends a grant inside the caller's transaction; the caller (an approved access request) has authorised it. */
  async function revokeInTransaction(trx: Executor, ctx: RequestContext, id: string, reason: string): Promise<Grant> {
    const grant = isId(id) ? await repo.findGrant(trx, id) : undefined;
    if (!grant) throw new AppError('grant.not_found', 'No grant with that id.');
    const at = deps.clock.now().toISOString();
    const revoked = await repo.revokeGrant(trx, id, { at, by: ctx.actor.principalId, reason });
    assertThat(revoked, 'grant.already_revoked', 'That grant was already revoked; nothing to do.');
    await deps.audit.record(trx, ctx, [
      { action: 'grant.revoked', subjectType: 'grant', subjectId: id, agencyId: grant.agencyId, reason, before: { ...summarise(grant), revokedAt: null }, after: { revokedAt: at } },
    ]);
    await enqueueAccountChanges(trx, [grant.accountId], 'grant.revoked', at);
    return { ...grant, revokedAt: at, revokedBy: ctx.actor.principalId, revokeReason: reason };
  }

  async function listForWorker(ctx: RequestContext, workerId: string, filter: WorkerGrantsFilter): Promise<Page<Grant>> {
    const worker = isId(workerId) ? await repo.findWorkerAgency(deps.db, workerId) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    authorize(ctx.actor, 'grants.read', worker.agencyId, 'worker.not_found', 'worker');
    const rows = await repo.listGrants(deps.db, {
      workerId,
      liveAt: filter.includeEnded ? undefined : (filter.at ?? deps.clock.now()).toISOString(),
      afterId: decodeCursor(filter.cursor),
      limit: filter.limit + 1,
    });
    return toPage(rows, filter.limit, (g) => g.id);
  }

  async function listForAgency(ctx: RequestContext, agencyId: string, filter: AgencyGrantsFilter): Promise<Page<Grant>> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'grants.read', agencyId, 'agency.not_found', 'agency');
    if (!(await findAgency(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
    const rows = await repo.listGrants(deps.db, {
      agencyId,
      functionId: filter.functionId,
      kind: filter.kind,
      liveAt: filter.live ? deps.clock.now().toISOString() : undefined,
      afterId: decodeCursor(filter.cursor),
      limit: filter.limit + 1,
    });
    return toPage(rows, filter.limit, (g) => g.id);
  }

  return { grantInTransaction, revokeInTransaction, get, revoke, listForWorker, listForAgency };
}
