import type { Database, Executor } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import { enqueueAccountChanges } from '../../outbox/outbox.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import { findApplication, listProvisionedApplications } from '../applications/applications.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import * as repo from './accounts.repo.ts';
import type { Account, DisabledBy, EndDateAccountInput, MoveAccountInput, OpenAccountInput } from './accounts.schemas.ts';

type AccountChange = Partial<Pick<Account, 'unitId' | 'status' | 'disabledBy' | 'endDate'>>;

export interface AccountListFilter extends PageRequest {
  status?: Account['status'] | undefined;
  applicationId?: string | undefined;
  /** The security coordinator's queue of new workers: active accounts still in N01. */
  awaitingAssessment?: boolean | undefined;
}

function summarize(account: Account) {
  return { workerId: account.workerId, applicationId: account.applicationId, unitId: account.unitId, status: account.status, disabledBy: account.disabledBy, endDate: account.endDate };
}

export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function requireAccount(db: Executor, ctx: RequestContext, id: string, permission: 'accounts.read' | 'accounts.write'): Promise<Account> {
    const account = isId(id) ? await repo.findAccountById(db, id) : undefined;
    if (!account) throw new AppError('account.not_found', 'No account with that id.');
    authorize(ctx.actor, permission, account.agencyId, 'account.not_found', 'account');
    return account;
  }

  async function requireWorker(db: Executor, ctx: RequestContext, workerId: string, permission: 'accounts.read' | 'accounts.write') {
    const worker = isId(workerId) ? await repo.findWorkerAgency(db, workerId) : undefined;
    if (!worker) throw new AppError('worker.not_found', `No worker with id ${workerId}.`);
    authorize(ctx.actor, permission, worker.agencyId, 'worker.not_found', 'worker');
    return worker;
  }

  /** Today in the account's agency time zone, the day its staff would name. */
  async function todayFor(db: Executor, account: Account): Promise<string> {
    const agency = await findAgency(db, account.agencyId);
    return calendarDateAt(deps.clock.now(), agency?.timeZone ?? 'UTC');
  }

  function isEndDated(account: Account, today: string): boolean {
    return account.status === 'end_dated' || (account.endDate !== null && account.endDate <= today);
  }

  function endDatedError(account: Account): AppError {
    return new AppError('account.end_dated', `This account was end-dated on ${account.endDate ?? 'an earlier date'} and is closed for good; it cannot be changed.`);
  }

  /** Writes a change: bumps the version, closes the current history row, opens the next, audits. */
  async function applyChange(trx: Executor, ctx: RequestContext, before: Account, change: AccountChange, action: string, reason: string | null): Promise<Account> {
    const now = deps.clock.now().toISOString();
    const after: Account = { ...before, ...change, version: before.version + 1, updatedAt: now };
    const written = await repo.updateAccount(trx, after, before.version);
    assertThat(written, 'conflict.version', 'The account changed while you were working on it; reload it and try again.');
    await repo.recordAccountState(trx, after, now);
    await deps.audit.record(trx, ctx, [{ action, subjectType: 'account', subjectId: after.id, agencyId: after.agencyId, reason, before: summarize(before), after: summarize(after) }]);
    await enqueueAccountChanges(trx, [after.id], action, now);
    return after;
  }

  /**
   * Rule 2: opens the worker's account in the application, active, in the agency's holding unit,
   * with no grants. Runs in the caller's transaction, for the sync engine and the demo loader.
   */
  async function openAccountInTransaction(trx: Executor, ctx: RequestContext, input: OpenAccountInput): Promise<Account> {
    const worker = await requireWorker(trx, ctx, input.workerId, 'accounts.write');
    const application = isId(input.applicationId) ? await findApplication(trx, input.applicationId) : undefined;
    if (!application) throw new AppError('application.not_found', `No application with id ${input.applicationId}.`);
    return insertHoldingAccount(trx, ctx, worker, application, 'active');
  }

  async function insertHoldingAccount(trx: Executor, ctx: RequestContext, worker: { id: string; agencyId: string }, application: { id: string; code: string }, status: 'active' | 'disabled'): Promise<Account> {
    const duplicate = `The worker already has a ${application.code} account; a worker has one account per application.`;
    assertThat(!(await repo.findAccount(trx, worker.id, application.id)), 'account.duplicate', duplicate);
    const agency = await findAgency(trx, worker.agencyId);
    assertThat(agency?.holdingUnitId, 'internal', `The worker's agency has no holding unit (N01) to open the account in.`);
    const now = deps.clock.now().toISOString();
    const account: Account = {
      id: newId(), workerId: worker.id, applicationId: application.id, agencyId: worker.agencyId, unitId: agency.holdingUnitId,
      status, disabledBy: status === 'disabled' ? 'directory' : null, endDate: null, version: 1, createdAt: now, updatedAt: now,
    };
    await refuseDuplicate(repo.insertAccount(trx, account), 'account.duplicate', duplicate);
    await repo.recordAccountState(trx, account, now);
    await deps.audit.record(trx, ctx, [{ action: 'account.opened', subjectType: 'account', subjectId: account.id, agencyId: account.agencyId, after: summarize(account) }]);
    await enqueueAccountChanges(trx, [account.id], 'account.opened', now);
    return account;
  }

  /**
   * The overnight batch of the seed process, done at once: a worker just registered in the
   * built-in directory gets an account in every application each worker gets (CONNECTIONS), in the
   * holding unit with no grants, disabled if the worker is. The caller has authorized the registration.
   */
  async function openHoldingAccountsInTransaction(trx: Executor, ctx: RequestContext, worker: { id: string; agencyId: string; enabled: boolean }): Promise<Account[]> {
    const applications = await listProvisionedApplications(trx);
    const opened: Account[] = [];
    for (const application of applications) opened.push(await insertHoldingAccount(trx, ctx, worker, application, worker.enabled ? 'active' : 'disabled'));
    return opened;
  }

  async function open(ctx: RequestContext, input: OpenAccountInput): Promise<Account> {
    return deps.db.transaction().execute((trx) => openAccountInTransaction(trx, ctx, input));
  }

  /**
   * Disables the account at once. Disabling an account that is already disabled or end-dated
   * changes nothing, and the first disabler stays recorded in `disabledBy`.
   */
  async function disableInTransaction(trx: Executor, ctx: RequestContext, id: string, input: { reason: string; disabledBy: DisabledBy }): Promise<Account> {
    const account = await requireAccount(trx, ctx, id, 'accounts.write');
    if (account.status !== 'active') return account;
    return applyChange(trx, ctx, account, { status: 'disabled', disabledBy: input.disabledBy }, 'account.disabled', input.reason);
  }

  /**
   * Rule 4's immediate path: makes every account of the worker follow the directory in the
   * caller's transaction. A directory disable disables every active account; enabling again
   * restores only accounts the directory disabled, never a coordinator's or a leave disable.
   * The caller has already authorized the directory change.
   */
  async function followDirectoryInTransaction(trx: Executor, ctx: RequestContext, workerId: string, enabled: boolean, reason: string): Promise<Account[]> {
    const accounts = await repo.listAccounts(trx, { workerId, limit: 1000 });
    const changed: Account[] = [];
    for (const account of accounts) {
      if (!enabled && account.status === 'active') {
        changed.push(await applyChange(trx, ctx, account, { status: 'disabled', disabledBy: 'directory' }, 'account.disabled', reason));
      } else if (enabled && account.status === 'disabled' && account.disabledBy === 'directory') {
        changed.push(await applyChange(trx, ctx, account, { status: 'active', disabledBy: null }, 'account.enabled', reason));
      }
    }
    return changed;
  }

  /**
   * Rule 7 in the caller's transaction: a leave starting disables every active account of the
   * worker (disabledBy leave); the return enables again only the accounts the leave disabled, or
   * hands them to the directory's disable when the worker was disabled there meanwhile.
   */
  async function followLeaveInTransaction(trx: Executor, ctx: RequestContext, workerId: string, onLeave: boolean, reason: string): Promise<Account[]> {
    const accounts = await repo.listAccounts(trx, { workerId, limit: 1000 });
    const directoryEnabled = (await repo.isWorkerEnabled(trx, workerId)) ?? false;
    const changed: Account[] = [];
    for (const account of accounts) {
      if (onLeave && account.status === 'active') {
        changed.push(await applyChange(trx, ctx, account, { status: 'disabled', disabledBy: 'leave' }, 'account.disabled', reason));
      } else if (!onLeave && account.status === 'disabled' && account.disabledBy === 'leave') {
        const change = directoryEnabled ? { status: 'active' as const, disabledBy: null } : { disabledBy: 'directory' as const };
        changed.push(await applyChange(trx, ctx, account, change, directoryEnabled ? 'account.enabled' : 'account.disabled', reason));
      }
    }
    return changed;
  }

  /** A security coordinator's disable. */
  async function disable(ctx: RequestContext, id: string, reason: string): Promise<Account> {
    return deps.db.transaction().execute((trx) => disableInTransaction(trx, ctx, id, { reason, disabledBy: 'coordinator' }));
  }

  async function enable(ctx: RequestContext, id: string, reason: string): Promise<Account> {
    return deps.db.transaction().execute(async (trx) => {
      const account = await requireAccount(trx, ctx, id, 'accounts.write');
      if (isEndDated(account, await todayFor(trx, account))) throw endDatedError(account);
      if (account.status === 'active') return account;
      return applyChange(trx, ctx, account, { status: 'active', disabledBy: null }, 'account.enabled', reason);
    });
  }

  /** Moves the account's placement to another unit of its agency. */
  async function move(ctx: RequestContext, id: string, input: MoveAccountInput): Promise<Account> {
    return deps.db.transaction().execute(async (trx) => {
      const account = await requireAccount(trx, ctx, id, 'accounts.write');
      assertThat(account.version === input.version, 'conflict.version', `The account is at version ${account.version}, not ${input.version}: someone changed it. Reload it and try again.`);
      if (isEndDated(account, await todayFor(trx, account))) throw endDatedError(account);
      const unit = await repo.findUnitAgency(trx, input.unitId);
      assertThat(unit && unit.agencyId === account.agencyId, 'unit.not_found', `No unit with id ${input.unitId} in the account's agency.`);
      if (unit.id === account.unitId) return account;
      return applyChange(trx, ctx, account, { unitId: unit.id }, 'account.moved', null);
    });
  }

  /**
   * Places the account in a unit inside the caller's transaction. The caller (an approved access
   * request) has authorised the move.
   */
  async function moveInTransaction(trx: Executor, ctx: RequestContext, id: string, unitId: string, reason: string): Promise<Account> {
    const account = isId(id) ? await repo.findAccountById(trx, id) : undefined;
    if (!account) throw new AppError('account.not_found', 'No account with that id.');
    if (isEndDated(account, await todayFor(trx, account))) throw endDatedError(account);
    const unit = await repo.findUnitAgency(trx, unitId);
    assertThat(unit && unit.agencyId === account.agencyId, 'unit.not_found', `No unit with id ${unitId} in the account's agency.`);
    if (unit.id === account.unitId) return account;
    return applyChange(trx, ctx, account, { unitId: unit.id }, 'account.moved', reason);
  }

  /**
   * Rule 5: end-dates the account once the worker owns no open work item in the application.
   * An end date of today closes the account now; a later one is recorded and closes it then.
   * Runs in the caller's transaction (a leaver case end-dates every account of the worker at once).
   */
  async function endDateInTransaction(trx: Executor, ctx: RequestContext, id: string, input: EndDateAccountInput): Promise<Account> {
    const account = await requireAccount(trx, ctx, id, 'accounts.write');
    const today = await todayFor(trx, account);
    if (isEndDated(account, today)) throw endDatedError(account);
    assertThat(input.endDate >= today, 'input.invalid', `The end date ${input.endDate} is in the past; give today (${today}) or a later date.`);
    const open = await repo.countOpenWorkItems(trx, account.workerId, account.applicationId);
    if (open > 0) {
      const application = await findApplication(trx, account.applicationId);
      throw new AppError(
        'account.open_work_items',
        `The worker still owns ${open} open work item${open === 1 ? '' : 's'} in ${application?.code ?? 'this application'}. Reassign them to another worker or close them, then end-date the account.`,
        { openWorkItems: open },
      );
    }
    const status = input.endDate <= today ? 'end_dated' : account.status;
    return applyChange(trx, ctx, account, { endDate: input.endDate, status }, 'account.end_dated', input.reason);
  }

  async function endDate(ctx: RequestContext, id: string, input: EndDateAccountInput): Promise<Account> {
    return deps.db.transaction().execute((trx) => endDateInTransaction(trx, ctx, id, input));
  }

  async function get(ctx: RequestContext, id: string): Promise<Account> {
    return requireAccount(deps.db, ctx, id, 'accounts.read');
  }

  async function listForAgency(ctx: RequestContext, agencyId: string, filter: AccountListFilter): Promise<Page<Account>> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'accounts.read', agencyId, 'agency.not_found', 'agency');
    const agency = await findAgency(deps.db, agencyId);
    if (!agency) throw new AppError('agency.not_found', 'No agency with that id.');
    const rows = await repo.listAccounts(deps.db, {
      agencyId, applicationId: filter.applicationId, afterId: decodeCursor(filter.cursor), limit: filter.limit + 1,
      ...(filter.awaitingAssessment ? { status: 'active' as const, unitId: agency.holdingUnitId } : { status: filter.status }),
    });
    return toPage(rows, filter.limit, (a) => a.id);
  }

  async function listForWorker(ctx: RequestContext, workerId: string, page: PageRequest): Promise<Page<Account>> {
    const worker = await requireWorker(deps.db, ctx, workerId, 'accounts.read');
    const rows = await repo.listAccounts(deps.db, { workerId: worker.id, afterId: decodeCursor(page.cursor), limit: page.limit + 1 });
    return toPage(rows, page.limit, (a) => a.id);
  }

  return {
    open, openAccountInTransaction, openHoldingAccountsInTransaction, disable, disableInTransaction, followDirectoryInTransaction, followLeaveInTransaction,
    enable, move, moveInTransaction, endDate, endDateInTransaction, get, listForAgency, listForWorker,
  };
}
