import type { Database } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findApplication } from '../applications/applications.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorizeShared } from '../auth/permissions.ts';
import * as repo from './functions.repo.ts';
import type { BusinessFunction, CreateFunctionInput, UpdateFunctionInput } from './functions.schemas.ts';

function summarize(fn: BusinessFunction) {
  return {
    applicationId: fn.applicationId, code: fn.code, name: fn.name, description: fn.description, securityAttributes: fn.securityAttributes,
    riskLevel: fn.riskLevel, ownerWorkerId: fn.ownerWorkerId, requestable: fn.requestable,
  };
}

export type FunctionService = ReturnType<typeof createFunctionService>;

export function createFunctionService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function requireApplication(applicationId: string) {
    const application = isId(applicationId) ? await findApplication(deps.db, applicationId) : undefined;
    if (!application) throw new AppError('application.not_found', 'No application with that id.');
    return application;
  }

  async function assertOwnerExists(ownerWorkerId: string | null): Promise<void> {
    if (ownerWorkerId === null) return;
    assertThat(await repo.workerExists(deps.db, ownerWorkerId), 'worker.not_found', `No worker with id ${ownerWorkerId} to own the function; give an existing worker's id or null.`);
  }

  function duplicateMessage(code: string, applicationCode: string): string {
    return `Application ${applicationCode} already has a business function ${code}; choose another code or change the existing function.`;
  }

  /** Adds a business function to an application (state administrators). */
  async function create(ctx: RequestContext, applicationId: string, input: CreateFunctionInput): Promise<BusinessFunction> {
    authorizeShared(ctx.actor, 'functions.write', 'state-wide');
    const application = await requireApplication(applicationId);
    await assertOwnerExists(input.ownerWorkerId);
    const now = deps.clock.now().toISOString();
    const fn: BusinessFunction = { id: newId(), applicationId: application.id, ...input, createdAt: now, updatedAt: now };
    await deps.db.transaction().execute(async (trx) => {
      await refuseDuplicate(repo.insertFunction(trx, fn), 'function.duplicate', duplicateMessage(fn.code, application.code));
      await deps.audit.record(trx, ctx, [{ action: 'function.created', subjectType: 'business_function', subjectId: fn.id, agencyId: null, after: summarize(fn) }]);
    });
    return fn;
  }

  async function get(ctx: RequestContext, id: string): Promise<BusinessFunction> {
    authorizeShared(ctx.actor, 'functions.read', 'anywhere');
    const fn = isId(id) ? await repo.findFunction(deps.db, id) : undefined;
    if (!fn) throw new AppError('function.not_found', 'No business function with that id.');
    return fn;
  }

  async function update(ctx: RequestContext, id: string, patch: UpdateFunctionInput): Promise<BusinessFunction> {
    authorizeShared(ctx.actor, 'functions.write', 'state-wide');
    const before = await get(ctx, id);
    if (patch.ownerWorkerId !== undefined && patch.ownerWorkerId !== before.ownerWorkerId) await assertOwnerExists(patch.ownerWorkerId);
    const application = await requireApplication(before.applicationId);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<BusinessFunction>;
    const after: BusinessFunction = { ...before, ...defined, updatedAt: deps.clock.now().toISOString() };
    await deps.db.transaction().execute(async (trx) => {
      await refuseDuplicate(repo.updateFunction(trx, after), 'function.duplicate', duplicateMessage(after.code, application.code));
      await deps.audit.record(trx, ctx, [{ action: 'function.updated', subjectType: 'business_function', subjectId: id, agencyId: null, before: summarize(before), after: summarize(after) }]);
    });
    return after;
  }

  /** An application's business functions, by code. */
  async function listForApplication(ctx: RequestContext, applicationId: string, page: PageRequest): Promise<Page<BusinessFunction>> {
    authorizeShared(ctx.actor, 'functions.read', 'anywhere');
    await requireApplication(applicationId);
    const rows = await repo.listFunctions(deps.db, { applicationId, afterCode: decodeCursor(page.cursor), limit: page.limit + 1 });
    return toPage(rows, page.limit, (f) => f.code);
  }

  return { create, get, update, listForApplication };
}
