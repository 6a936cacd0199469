import type { Database } from '../../db/database.ts';
import type { AuditLog } from '../../domain/audit/audit.service.ts';
import type { RequestContext } from '../../domain/auth/actor.ts';
import { agencyScope, authorize } from '../../domain/auth/permissions.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { csvSourceConfigSchema } from './csv/csv-source.schemas.ts';
import { ldapSourceConfigSchema } from './ldap/ldap-source.schemas.ts';
import * as repo from './sources.repo.ts';
import type { CreateSourceInput, DirectorySource } from './sources.schemas.ts';

/** Checks a source's settings for its kind; the error names each wrong setting. */
export function parseSourceConfig(kind: DirectorySource['kind'], config: Record<string, unknown>): Record<string, unknown> {
  const schema = kind === 'csv' ? csvSourceConfigSchema : kind === 'ldap' ? ldapSourceConfigSchema : null;
  if (!schema) {
    assertThat(Object.keys(config).length === 0, 'input.invalid', `A ${kind} source takes no settings; send "config": {}.`);
    return {};
  }
  const parsed = schema.safeParse(config);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: ['config', ...i.path.map(String)].join('.'), message: i.message }));
    throw new AppError('request.invalid', `The ${kind} source settings are invalid: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
  }
  return parsed.data;
}

export type SourceService = ReturnType<typeof createSourceService>;

export function createSourceService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function create(ctx: RequestContext, agencyId: string, input: CreateSourceInput): Promise<DirectorySource> {
    authorize(ctx.actor, 'sources.write', agencyId, 'agency.not_found', 'agency');
    const config = parseSourceConfig(input.kind, input.config);
    const existing = await repo.findSourceByName(deps.db, agencyId, input.name);
    assertThat(!existing, 'source.duplicate', `The agency already has a source named "${input.name}"; choose another name.`);
    const now = deps.clock.now().toISOString();
    const id = newId();
    await deps.db.transaction().execute(async (trx) => {
      await repo.insertSource(trx, {
        id, agency_id: agencyId, name: input.name, kind: input.kind, config: JSON.stringify(config), schedule: input.schedule,
        enabled: input.enabled ? 1 : 0, watermark: null, created_at: now, updated_at: now,
      });
      await deps.audit.record(trx, ctx, [
        { action: 'source.created', subjectType: 'source', subjectId: id, agencyId, after: { name: input.name, kind: input.kind, schedule: input.schedule } },
      ]);
    });
    return { id, agencyId, name: input.name, kind: input.kind, config, schedule: input.schedule, enabled: input.enabled, watermark: null, createdAt: now };
  }

  async function get(ctx: RequestContext, id: string): Promise<DirectorySource> {
    const source = isId(id) ? await repo.findSource(deps.db, id) : undefined;
    if (!source) throw new AppError('source.not_found', 'No directory source with that id.');
    authorize(ctx.actor, 'sources.read', source.agencyId, 'source.not_found', 'directory source');
    return source;
  }

  /** By id, or by name within an agency (the CLI's `--source hr-feed`). */
  async function resolve(ctx: RequestContext, agencyId: string, idOrName: string): Promise<DirectorySource> {
    if (isId(idOrName)) return get(ctx, idOrName);
    const source = await repo.findSourceByName(deps.db, agencyId, idOrName);
    if (!source) throw new AppError('source.not_found', `The agency has no directory source named "${idOrName}".`);
    authorize(ctx.actor, 'sources.read', source.agencyId, 'source.not_found', 'directory source');
    return source;
  }

  async function list(ctx: RequestContext, agencyId?: string): Promise<DirectorySource[]> {
    if (agencyId) {
      authorize(ctx.actor, 'sources.read', agencyId, 'agency.not_found', 'agency');
      return repo.listSources(deps.db, { agencyIds: [agencyId] });
    }
    return repo.listSources(deps.db, { agencyIds: agencyScope(ctx.actor, 'sources.read') });
  }

  return { create, get, resolve, list };
}
