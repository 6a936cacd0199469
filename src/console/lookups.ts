import type { Services } from '../app.ts';
import type { RequestContext } from '../domain/auth/actor.ts';
import type { Unit } from '../domain/units/units.schemas.ts';
import type { Worker } from '../domain/workers/workers.schemas.ts';
import { AppError } from '../shared/errors.ts';

/** The application the console governs first; others come through connectors. */
export const mainApplicationCode = 'CONNECTIONS';

/** An agency's units, by code (agencies have tens of units, not thousands). */
export async function agencyUnits(services: Services, ctx: RequestContext, agencyId: string): Promise<Unit[]> {
  return (await services.units.list(ctx, agencyId, { limit: 500 })).items;
}

export function unitOptions(units: Unit[]): { value: string; label: string }[] {
  return units.map((u) => ({ value: u.id, label: `${u.code} ${u.name}${u.holding ? ' (holding unit)' : ''}` }));
}

export async function mainApplication(services: Services, ctx: RequestContext): Promise<{ id: string; code: string; name: string }> {
  const apps = await services.applications.list(ctx, { limit: 500 });
  const app = apps.items.find((a) => a.code === mainApplicationCode) ?? apps.items[0];
  if (!app) throw new AppError('application.not_found', 'No application is set up yet.');
  return app;
}

export async function applicationFunctions(services: Services, ctx: RequestContext, applicationId: string) {
  return (await services.functions.listForApplication(ctx, applicationId, { limit: 500 })).items;
}

/** Workers by id, for the names on a page of ids (one page at most). */
export async function workersById(services: Services, ctx: RequestContext, ids: string[]): Promise<Map<string, Worker>> {
  const found = new Map<string, Worker>();
  for (const id of new Set(ids)) {
    try {
      found.set(id, await services.workers.get(ctx, id));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return found;
}

export function fullName(worker: { firstName: string; lastName: string } | undefined): string {
  return worker ? `${worker.firstName} ${worker.lastName}` : 'unknown worker';
}

export function shortDate(instant: string | null | undefined): string {
  return instant ? instant.slice(0, 16).replace('T', ' ') : '';
}

/** The agency's worker with exactly this login id (case ignored). */
export async function findWorkerByLogin(services: Services, ctx: RequestContext, agencyId: string, loginId: string): Promise<Worker | undefined> {
  return services.workers.findByLogin(ctx, agencyId, loginId.slice(0, 64));
}

/** A duration as a person reads it: seconds, minutes, hours or days. */
export function readableDuration(seconds: number | null): string {
  if (seconds === null) return 'none yet';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}
