import type { Database } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { type Permission, authorize } from '../auth/permissions.ts';
import { findWorker } from '../workers/workers.repo.ts';
import { collectDescendants } from './unit-tree.ts';
import * as repo from './units.repo.ts';
import type { CreateUnitInput, Unit, UpdateUnitInput } from './units.schemas.ts';

export interface UnitListFilter extends PageRequest {
  parentId?: string | undefined;
}

export type UnitService = ReturnType<typeof createUnitService>;

export function createUnitService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function requireAgency(ctx: RequestContext, agencyId: string, permission: Permission): Promise<void> {
    const agency = isId(agencyId) ? await findAgency(deps.db, agencyId) : undefined;
    if (!agency) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, permission, agency.id, 'agency.not_found', 'agency');
  }

  async function loadUnit(ctx: RequestContext, id: string, permission: Permission): Promise<Unit> {
    const unit = isId(id) ? await repo.findUnit(deps.db, id) : undefined;
    if (!unit) throw new AppError('unit.not_found', 'No unit with that id.');
    authorize(ctx.actor, permission, unit.agencyId, 'unit.not_found', 'unit');
    return unit;
  }

  /** A unit that may take children: in the same agency and not the holding unit. */
  async function loadParent(agencyId: string, parentId: string): Promise<Unit> {
    const parent = await repo.findUnit(deps.db, parentId);
    if (!parent || parent.agencyId !== agencyId) throw new AppError('unit.not_found', 'No parent unit with that id in this agency; choose a unit of the same agency.');
    assertThat(!parent.holding, 'unit.holding_unit_protected', 'The N01 holding unit cannot have units beneath it; choose another parent.');
    return parent;
  }

  const duplicateCode = (code: string) => `This agency already has a unit with code ${code}; choose another code.`;

  async function assertCodeFree(agencyId: string, code: string): Promise<void> {
    const existing = await repo.findUnitByCode(deps.db, agencyId, code);
    assertThat(!existing, 'unit.duplicate', duplicateCode(code));
  }

  async function create(ctx: RequestContext, agencyId: string, input: CreateUnitInput): Promise<Unit> {
    await requireAgency(ctx, agencyId, 'units.write');
    if (input.parentId) await loadParent(agencyId, input.parentId);
    await assertCodeFree(agencyId, input.code);
    const now = deps.clock.now().toISOString();
    const unit: Unit = {
      id: newId(), agencyId, parentId: input.parentId ?? null, code: input.code, name: input.name, site: input.site ?? null,
      holding: false, approverWorkerId: null, createdAt: now, updatedAt: now,
    };
    await deps.db.transaction().execute(async (trx) => {
      const row = {
        id: unit.id, agency_id: agencyId, parent_id: unit.parentId, code: unit.code, name: unit.name, site: unit.site,
        is_holding: 0, approver_worker_id: null, created_at: now, updated_at: now,
      } as const;
      await refuseDuplicate(repo.insertUnit(trx, row), 'unit.duplicate', duplicateCode(unit.code));
      await deps.audit.record(trx, ctx, [
        { action: 'unit.created', subjectType: 'unit', subjectId: unit.id, agencyId, after: { code: unit.code, name: unit.name, site: unit.site, parentId: unit.parentId } },
      ]);
    });
    return unit;
  }

  /** Renames or moves a unit; a move beneath itself or its own sub-units is refused. */
  async function update(ctx: RequestContext, id: string, patch: UpdateUnitInput): Promise<Unit> {
    const unit = await loadUnit(ctx, id, 'units.write');
    const newCode = patch.code !== undefined && patch.code !== unit.code ? patch.code : undefined;
    const parentChanges = patch.parentId !== undefined && patch.parentId !== unit.parentId;
    if (unit.holding) {
      assertThat(newCode === undefined, 'unit.holding_unit_protected', 'The N01 holding unit keeps its code; change its name or site instead.');
      assertThat(!parentChanges, 'unit.holding_unit_protected', 'The N01 holding unit cannot be moved.');
    }
    if (newCode !== undefined) await assertCodeFree(unit.agencyId, newCode);
    if (parentChanges && patch.parentId) {
      const parent = await loadParent(unit.agencyId, patch.parentId);
      const beneath = collectDescendants(await repo.listUnitLinks(deps.db, unit.agencyId), [unit.id]);
      assertThat(!beneath.has(parent.id), 'unit.cycle', 'A unit cannot move beneath itself or one of its own sub-units; choose a parent outside its branch.');
    }
    const updated: Unit = {
      ...unit,
      code: patch.code ?? unit.code,
      name: patch.name ?? unit.name,
      site: patch.site === undefined ? unit.site : patch.site,
      parentId: patch.parentId === undefined ? unit.parentId : patch.parentId,
      updatedAt: deps.clock.now().toISOString(),
    };
    const changed = (['code', 'name', 'site', 'parentId'] as const).filter((key) => updated[key] !== unit[key]);
    if (changed.length === 0) return unit;
    const before = Object.fromEntries(changed.map((key) => [key, unit[key]]));
    const after = Object.fromEntries(changed.map((key) => [key, updated[key]]));
    await deps.db.transaction().execute(async (trx) => {
      const write = repo.updateUnit(trx, id, { code: updated.code, name: updated.name, site: updated.site, parent_id: updated.parentId, updated_at: updated.updatedAt });
      await refuseDuplicate(write, 'unit.duplicate', duplicateCode(updated.code));
      await deps.audit.record(trx, ctx, [{ action: 'unit.updated', subjectType: 'unit', subjectId: id, agencyId: unit.agencyId, before, after }]);
    });
    return updated;
  }

  /** Names the worker who approves requests for the unit; an enabled worker of the same agency. */
  async function setApprover(ctx: RequestContext, id: string, workerId: string): Promise<Unit> {
    const unit = await loadUnit(ctx, id, 'units.write');
    const worker = await findWorker(deps.db, workerId);
    if (!worker || worker.agencyId !== unit.agencyId) throw new AppError('worker.not_found', 'No worker with that id in this agency; the approver must work for the same agency as the unit.');
    assertThat(worker.enabled, 'input.invalid', 'That worker is disabled; choose an enabled worker as the unit approver.');
    return changeApprover(ctx, unit, workerId, 'unit.approver_set');
  }

  async function clearApprover(ctx: RequestContext, id: string): Promise<Unit> {
    const unit = await loadUnit(ctx, id, 'units.write');
    return changeApprover(ctx, unit, null, 'unit.approver_cleared');
  }

  async function changeApprover(ctx: RequestContext, unit: Unit, approverWorkerId: string | null, action: string): Promise<Unit> {
    if (unit.approverWorkerId === approverWorkerId) return unit;
    const updated: Unit = { ...unit, approverWorkerId, updatedAt: deps.clock.now().toISOString() };
    await deps.db.transaction().execute(async (trx) => {
      await repo.updateUnit(trx, unit.id, { approver_worker_id: approverWorkerId, updated_at: updated.updatedAt });
      await deps.audit.record(trx, ctx, [
        { action, subjectType: 'unit', subjectId: unit.id, agencyId: unit.agencyId, before: { approverWorkerId: unit.approverWorkerId }, after: { approverWorkerId } },
      ]);
    });
    return updated;
  }

  /** Deletes a unit nothing ever referred to; the holding unit and units with history stay. */
  async function remove(ctx: RequestContext, id: string): Promise<void> {
    const unit = await loadUnit(ctx, id, 'units.write');
    assertThat(!unit.holding, 'unit.holding_unit_protected', 'The N01 holding unit cannot be deleted; every agency needs one.');
    await deps.db.transaction().execute(async (trx) => {
      assertThat(!(await repo.hasChildUnits(trx, id)), 'unit.has_children', 'This unit has units beneath it; move or delete them first.');
      assertThat(
        !(await repo.isUnitReferenced(trx, id)),
        'unit.in_use',
        'Workers, accounts, grants or work items refer to this unit now or in their history, so it stays; rename it instead.',
      );
      await repo.deleteUnit(trx, id);
      await deps.audit.record(trx, ctx, [
        { action: 'unit.deleted', subjectType: 'unit', subjectId: id, agencyId: unit.agencyId, before: { code: unit.code, name: unit.name, site: unit.site, parentId: unit.parentId } },
      ]);
    });
  }

  async function get(ctx: RequestContext, id: string): Promise<Unit> {
    return loadUnit(ctx, id, 'units.read');
  }

  async function list(ctx: RequestContext, agencyId: string, filter: UnitListFilter): Promise<Page<Unit>> {
    await requireAgency(ctx, agencyId, 'units.read');
    const rows = await repo.listUnits(deps.db, { agencyId, parentId: filter.parentId, afterCode: decodeCursor(filter.cursor), limit: filter.limit + 1 });
    return toPage(rows, filter.limit, (u) => u.code);
  }

  /** The given units of the agency and every unit beneath them, from one read of the tree. */
  async function descendantIds(agencyId: string, unitIds: Iterable<string>): Promise<Set<string>> {
    return collectDescendants(await repo.listUnitLinks(deps.db, agencyId), unitIds);
  }

  return { create, update, setApprover, clearApprover, remove, get, list, descendantIds };
}
