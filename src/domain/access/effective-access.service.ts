import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import { findAccount, findAccountStateAt } from '../accounts/accounts.repo.ts';
import { listAccountGrants } from '../grants/grants.repo.ts';
import type { Grant } from '../grants/grants.schemas.ts';
import { isGrantLiveAt } from '../grants/grants.service.ts';
import { isOnLeave } from '../workers/worker-dates.ts';
import { findWorkerStateAt } from '../workers/workers.repo.ts';
import * as repo from './effective-access.repo.ts';
import type { AccessUnit, EffectiveAccess, NoAccessReason } from './effective-access.schemas.ts';

/** The placement unit, then each hierarchy grant's unit with every unit beneath it; each unit once. */
function collectUnits(tree: repo.UnitNode[], placementUnitId: string, hierarchyRoots: string[]): AccessUnit[] {
  const byId = new Map(tree.map((u) => [u.id, u]));
  const children = new Map<string, repo.UnitNode[]>();
  for (const unit of tree) {
    if (unit.parentId) children.set(unit.parentId, [...(children.get(unit.parentId) ?? []), unit]);
  }
  const result = new Map<string, AccessUnit>();
  const placement = byId.get(placementUnitId);
  if (placement) result.set(placement.id, { id: placement.id, code: placement.code, name: placement.name, via: 'placement' });
  for (const rootId of hierarchyRoots) {
    const root = byId.get(rootId);
    const queue = root ? [root] : [];
    for (let unit = queue.shift(); unit; unit = queue.shift()) {
      if (!result.has(unit.id)) result.set(unit.id, { id: unit.id, code: unit.code, name: unit.name, via: 'hierarchy' });
      queue.push(...(children.get(unit.id) ?? []));
    }
  }
  return [...result.values()];
}

export type EffectiveAccessService = ReturnType<typeof createEffectiveAccessService>;

export function createEffectiveAccessService(deps: { db: Database; clock: Clock }) {
  async function resolveApplication(idOrCode: string): Promise<string> {
    const id = await repo.findApplicationId(deps.db, isId(idOrCode) ? { id: idOrCode } : { code: idOrCode });
    if (!id) throw new AppError('application.not_found', `No application with id or code ${idOrCode}.`);
    return id;
  }

  /**
   * What a worker could do in an application at an instant, past or present (DESIGN rule 1),
   * answered from the directory and account history and the grants' own windows.
   */
  async function effectiveAccess(ctx: RequestContext, workerId: string, application: string, at: Date = deps.clock.now()): Promise<EffectiveAccess> {
    const worker = isId(workerId) ? await repo.findWorkerScope(deps.db, workerId) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    if (ctx.actor.workerId !== worker.id) authorize(ctx.actor, 'access.read', worker.agencyId, 'worker.not_found', 'worker');
    const applicationId = await resolveApplication(application);
    const instant = at.toISOString();
    const date = calendarDateAt(at, worker.timeZone);

    const reasons: NoAccessReason[] = [];
    const directory = await findWorkerStateAt(deps.db, worker.id, instant);
    if (!directory) reasons.push('not_registered');
    else {
      if (!directory.enabled) reasons.push('directory_disabled');
      if (isOnLeave(directory, date)) reasons.push('on_leave');
    }
    const current = await findAccount(deps.db, worker.id, applicationId);
    const account = current && (await findAccountStateAt(deps.db, current.id, instant));
    if (!account) reasons.push('no_account');
    else if (account.status === 'disabled') reasons.push('account_disabled');
    else if (account.status === 'end_dated' || (account.endDate !== null && account.endDate <= date)) reasons.push('end_dated');

    const answer = { workerId: worker.id, applicationId, at: instant, reasons };
    if (!account || reasons.length > 0) return { ...answer, active: false, functions: [], units: [] };

    const live = (await listAccountGrants(deps.db, account.accountId)).filter((g) => isGrantLiveAt(g, at));
    const functionGrants = live.filter((g): g is Grant & { functionId: string } => g.kind === 'function' && g.functionId !== null);
    const details = new Map((await repo.listFunctionsById(deps.db, [...new Set(functionGrants.map((g) => g.functionId))])).map((f) => [f.id, f]));
    const functions = functionGrants.flatMap((g) => {
      const fn = details.get(g.functionId);
      return fn
        ? [{ grantId: g.id, functionId: fn.id, code: fn.code, name: fn.name, securityAttributes: JSON.parse(fn.securityAttributes) as string[], provenance: g.provenance, validTo: g.validTo }]
        : [];
    });
    const hierarchyRoots = live.flatMap((g) => (g.kind === 'unit_hierarchy' && g.unitId !== null ? [g.unitId] : []));
    const units = collectUnits(await repo.listAgencyUnits(deps.db, worker.agencyId), account.unitId, hierarchyRoots);
    return { ...answer, active: true, functions, units };
  }

  return { effectiveAccess };
}
