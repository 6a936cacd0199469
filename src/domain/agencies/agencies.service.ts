import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { agencyScope, authorize } from '../auth/permissions.ts';
import { insertUnit } from '../units/units.repo.ts';
import * as repo from './agencies.repo.ts';
import type { Agency, CreateAgencyInput } from './agencies.schemas.ts';

export const holdingUnitCode = 'N01';

export type AgencyService = ReturnType<typeof createAgencyService>;

export function createAgencyService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  /** Creates the agency with its N01 holding unit, where every new account lands without access. */
  async function create(ctx: RequestContext, input: CreateAgencyInput): Promise<Agency> {
    assertThat(
      ctx.actor.roles.some((r) => r.role === 'state_admin' && r.agencyId === null),
      'auth.forbidden',
      'Only a state administrator can create agencies.',
    );
    const existing = await repo.findAgencyByCode(deps.db, input.code);
    assertThat(!existing, 'agency.duplicate', `An agency with code ${input.code} already exists; choose another code.`);
    const now = deps.clock.now().toISOString();
    const id = newId();
    const holdingId = newId();
    await deps.db.transaction().execute(async (trx) => {
      await repo.insertAgency(trx, { id, code: input.code, name: input.name, kind: input.kind, time_zone: input.timeZone, created_at: now, updated_at: now });
      await insertUnit(trx, {
        id: holdingId, agency_id: id, parent_id: null, code: holdingUnitCode, name: 'Holding unit (no access)', site: null,
        is_holding: 1, approver_worker_id: null, created_at: now, updated_at: now,
      });
      await deps.audit.record(trx, ctx, [
        { action: 'agency.created', subjectType: 'agency', subjectId: id, agencyId: id, after: input },
        { action: 'unit.created', subjectType: 'unit', subjectId: holdingId, agencyId: id, after: { code: holdingUnitCode, holding: true } },
      ]);
    });
    return { id, code: input.code, name: input.name, kind: input.kind, timeZone: input.timeZone, holdingUnitId: holdingId, createdAt: now };
  }

  async function get(ctx: RequestContext, id: string): Promise<Agency> {
    const agency = isId(id) ? await repo.findAgency(deps.db, id) : undefined;
    if (!agency) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, 'agencies.read', agency.id, 'agency.not_found', 'agency');
    return agency;
  }

  /** Finds an agency by id or by code; the CLI accepts either. */
  async function resolve(ctx: RequestContext, idOrCode: string): Promise<Agency> {
    if (isId(idOrCode)) return get(ctx, idOrCode);
    const agency = await repo.findAgencyByCode(deps.db, idOrCode.toUpperCase());
    if (!agency) throw new AppError('agency.not_found', `No agency with code ${idOrCode}.`);
    authorize(ctx.actor, 'agencies.read', agency.id, 'agency.not_found', 'agency');
    return agency;
  }

  async function list(ctx: RequestContext, page: PageRequest): Promise<Page<Agency>> {
    const rows = await repo.listAgencies(deps.db, { ids: agencyScope(ctx.actor, 'agencies.read'), afterCode: decodeCursor(page.cursor), limit: page.limit + 1 });
    return toPage(rows, page.limit, (a) => a.code);
  }

  return { create, get, resolve, list };
}
