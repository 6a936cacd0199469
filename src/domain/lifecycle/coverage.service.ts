import type { Database, Executor } from '../../db/database.ts';
import type { LeavesTable } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeKeyPair, toPage } from '../../shared/page.ts';
import { listAccounts } from '../accounts/accounts.repo.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditEntry, AuditLog } from '../audit/audit.service.ts';
import { type RequestContext, systemContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import { findUnitAgency } from '../accounts/accounts.repo.ts';
import { findGrant } from '../grants/grants.repo.ts';
import type { GrantService } from '../grants/grants.service.ts';
import { findWorker } from '../workers/workers.repo.ts';
import * as repo from './leaves.repo.ts';
import type { Coverage, CoverageListItem, CreateCoverageInput } from './lifecycle.schemas.ts';
import { runEach } from '../../db/run-each.ts';

export type CoverageService = ReturnType<typeof createCoverageService>;

/**
 * Coverage for an absence: another worker gets unit hierarchy access (provenance coverage) from
 * the leave's start to the absent worker's expected return, where the grant ends by itself; an
 * early return ends it at once.
 */
export function createCoverageService(deps: { db: Database; clock: Clock; audit: AuditLog; grants: Pick<GrantService, 'grantInTransaction' | 'revokeInTransaction'> }) {
  async function requireLeave(ctx: RequestContext, leaveId: string, permission: 'accounts.write' | 'grants.read'): Promise<LeavesTable> {
    const leave = isId(leaveId) ? await repo.findLeaveRow(deps.db, leaveId) : undefined;
    if (!leave) throw new AppError('leave.not_found', 'No leave with that id.');
    authorize(ctx.actor, permission, leave.agency_id, 'leave.not_found', 'leave');
    return leave;
  }

  /** The covering worker's account the grant goes on: the one named, or their only open one. */
  async function coveringAccount(trx: Executor, workerId: string, applicationId: string | undefined): Promise<string> {
    const accounts = (await listAccounts(trx, { workerId, limit: 100 })).filter((a) => a.status !== 'end_dated' && (applicationId === undefined || a.applicationId === applicationId));
    if (accounts.length === 0) throw new AppError('account.not_found', 'The covering worker has no open account in that application.');
    assertThat(accounts.length === 1, 'input.invalid', 'The covering worker has accounts in several applications; name the applicationId of the one to cover in.');
    return (accounts[0] as (typeof accounts)[number]).id;
  }

  async function create(ctx: RequestContext, leaveId: string, input: CreateCoverageInput): Promise<Coverage> {
    const leave = await requireLeave(ctx, leaveId, 'accounts.write');
    assertThat(leave.status === 'scheduled' || leave.status === 'on_leave', 'coverage.not_applicable', `This leave is ${leave.status}; coverage is given only for a leave scheduled or under way.`);
    const absent = await findWorker(deps.db, leave.worker_id);
    const covering = isId(input.coveringWorkerId) ? await findWorker(deps.db, input.coveringWorkerId) : undefined;
    if (!absent || !covering || covering.agencyId !== leave.agency_id) throw new AppError('worker.not_found', 'No covering worker with that id in this agency.');
    assertThat(covering.id !== absent.id, 'coverage.not_applicable', 'A worker cannot cover their own absence; name a colleague.');
    assertThat(covering.enabled, 'coverage.not_applicable', 'The covering worker is disabled in the directory; name an active colleague.');
    const unitId = input.unitId ?? absent.unitId;
    const unit = await findUnitAgency(deps.db, unitId);
    if (!unit || unit.agencyId !== leave.agency_id) throw new AppError('unit.not_found', 'No unit with that id in this agency.');
    const now = deps.clock.now().toISOString();
    const startsAt = leave.starts_at > now ? leave.starts_at : now;
    assertThat(leave.returns_at === null || leave.returns_at > startsAt, 'coverage.not_applicable', 'The absent worker is due back already; no coverage is needed.');
    const id = newId();
    return deps.db.transaction().execute(async (trx) => {
      const accountId = await coveringAccount(trx, covering.id, input.applicationId);
      const grant = await deps.grants.grantInTransaction(trx, ctx, {
        accountId, kind: 'unit_hierarchy', unitId, provenanceKind: 'coverage', provenanceId: id, validFrom: startsAt, validTo: leave.returns_at,
        reason: `Coverage for ${absent.firstName} ${absent.lastName}'s leave: ${input.reason}`,
      });
      const coverage = await repo.insertCoverage(trx, {
        id, agency_id: leave.agency_id, leave_id: leave.id, absent_worker_id: absent.id, covering_worker_id: covering.id, unit_id: unitId, grant_id: grant.id,
        status: 'active', starts_at: startsAt, ends_at: leave.returns_at, ended_at: null, reason: input.reason, created_by: ctx.actor.principalId, created_at: now,
      });
      await deps.audit.record(trx, ctx, [
        { action: 'coverage.granted', subjectType: 'coverage', subjectId: id, agencyId: leave.agency_id, reason: input.reason, after: { leaveId: leave.id, absentWorkerId: absent.id, coveringWorkerId: covering.id, unitId, grantId: grant.id, startsAt, endsAt: leave.returns_at } },
      ]);
      return coverage;
    });
  }

  async function list(ctx: RequestContext, leaveId: string): Promise<Coverage[]> {
    const leave = await requireLeave(ctx, leaveId, 'grants.read');
    return repo.listCoverages(deps.db, leave.id);
  }

  /** The agency's coverage under way or still to start, by start, with both workers and the unit. */
  async function listForAgency(ctx: RequestContext, agencyId: string, filter: PageRequest & { search?: string | undefined }): Promise<Page<CoverageListItem>> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'grants.read', agencyId, 'agency.not_found', 'agency');
    if (!(await findAgency(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
    const rows = await repo.listAgencyCoverages(deps.db, { agencyId, search: filter.search, after: decodeKeyPair(filter.cursor), limit: filter.limit + 1 });
    const now = deps.clock.now().toISOString();
    return toPage(rows.map((row) => ({ ...row, started: row.startsAt <= now })), filter.limit, (c) => `${c.startsAt}|${c.id}`);
  }

  /** Ends a coverage now, before the return date (or withdraws it before it starts): the colleague loses the unit at once. */
  async function end(ctx: RequestContext, coverageId: string, reason: string): Promise<Coverage> {
    const coverage = isId(coverageId) ? await repo.findCoverage(deps.db, coverageId) : undefined;
    if (!coverage) throw new AppError('coverage.not_found', 'No coverage with that id.');
    authorize(ctx.actor, 'accounts.write', coverage.agencyId, 'coverage.not_found', 'coverage');
    const at = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      assertThat(await repo.endActiveCoverage(trx, coverage.id, at), 'coverage.not_applicable', 'This coverage has ended already; nothing to end.');
      const revoked = await revokeIfLive(trx, ctx, coverage.grantId, at, `Coverage ended early: ${reason}`);
      await deps.audit.record(trx, ctx, [
        { action: 'coverage.ended', subjectType: 'coverage', subjectId: coverage.id, agencyId: coverage.agencyId, reason, before: { status: 'active', endsAt: coverage.endsAt }, after: { status: 'ended', grantRevoked: revoked } },
      ]);
    });
    return { ...coverage, status: 'ended', endedAt: at };
  }

  async function revokeIfLive(trx: Executor, ctx: RequestContext, grantId: string, at: string, reason: string): Promise<boolean> {
    const grant = await findGrant(trx, grantId);
    if (!grant || grant.revokedAt !== null || (grant.validTo !== null && grant.validTo <= at)) return false;
    await deps.grants.revokeInTransaction(trx, ctx, grantId, reason);
    return true;
  }

  /** Ends the leave's coverage now (early return, cancelled leave), in the caller's transaction. */
  async function endForLeaveInTransaction(trx: Executor, ctx: RequestContext, leaveId: string, reason: string): Promise<string[]> {
    const at = deps.clock.now().toISOString();
    const ended: string[] = [];
    const events: AuditEntry[] = [];
    for (const coverage of await repo.listCoverages(trx, leaveId, true)) {
      const revoked = await revokeIfLive(trx, ctx, coverage.grantId, at, reason);
      await repo.updateCoverage(trx, coverage.id, { status: 'ended', ended_at: at });
      events.push({ action: 'coverage.ended', subjectType: 'coverage', subjectId: coverage.id, agencyId: coverage.agencyId, reason, after: { status: 'ended', grantRevoked: revoked } });
      ended.push(coverage.id);
    }
    await deps.audit.record(trx, ctx, events);
    return ended;
  }

  /**
   * Moves the leave's active coverage with the leave's new dates: the grant is replaced by one with
   * the new window (from now when the coverage has already begun).
   */
  async function moveWindowInTransaction(trx: Executor, ctx: RequestContext, leave: { id: string; startsAt: string; returnsAt: string | null }): Promise<void> {
    const at = deps.clock.now().toISOString();
    for (const coverage of await repo.listCoverages(trx, leave.id, true)) {
      const begun = coverage.startsAt <= at;
      const startsAt = begun || leave.startsAt <= at ? at : leave.startsAt;
      if (coverage.endsAt === leave.returnsAt && (begun || coverage.startsAt === startsAt)) continue;
      const old = await findGrant(trx, coverage.grantId);
      if (!old) continue;
      const reason = `Leave dates changed: from ${leave.startsAt} to ${leave.returnsAt ?? 'an unknown return'}`;
      await revokeIfLive(trx, ctx, old.id, at, reason);
      const grant = await deps.grants.grantInTransaction(trx, ctx, {
        accountId: old.accountId, kind: 'unit_hierarchy', unitId: coverage.unitId, provenanceKind: 'coverage', provenanceId: coverage.id, validFrom: startsAt, validTo: leave.returnsAt, reason,
      });
      await repo.updateCoverage(trx, coverage.id, { grant_id: grant.id, starts_at: begun ? coverage.startsAt : startsAt, ends_at: leave.returnsAt });
      await deps.audit.record(trx, ctx, [
        {
          action: 'coverage.changed', subjectType: 'coverage', subjectId: coverage.id, agencyId: coverage.agencyId, reason,
          before: { grantId: old.id, startsAt: coverage.startsAt, endsAt: coverage.endsAt }, after: { grantId: grant.id, startsAt: begun ? coverage.startsAt : startsAt, endsAt: leave.returnsAt },
        },
      ]);
    }
  }

  /** Records the end of coverage whose grant reached the return date and ended by itself. */
  async function endDue(now: Date = deps.clock.now()): Promise<{ ended: number }> {
    const ctx = systemContext(`coverage-${now.toISOString()}`, 'gatehouse coverage');
    const at = now.toISOString();
    let ended = 0;
    await runEach(await repo.listEndedCoverages(deps.db, at, 500), async (coverage) => {
      await deps.db.transaction().execute(async (trx) => {
        await repo.updateCoverage(trx, coverage.id, { status: 'ended', ended_at: coverage.endsAt });
        await deps.audit.record(trx, ctx, [
          { action: 'coverage.ended', subjectType: 'coverage', subjectId: coverage.id, agencyId: coverage.agencyId, reason: `ended by itself on the return date (${coverage.endsAt ?? ''})`, after: { status: 'ended' } },
        ]);
      });
      ended += 1;
    });
    return { ended };
  }

  return { create, list, listForAgency, end, endForLeaveInTransaction, moveWindowInTransaction, endDue };
}
