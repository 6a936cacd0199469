import { assertValidConnectorConfig, mergeConnectorSecrets, redactConnectorConfig } from '../../connectors/connector-config.ts';
import type { Database, Executor } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorizeShared } from '../auth/permissions.ts';
import * as repo from './applications.repo.ts';
import type { Application, CreateApplicationInput, UpdateApplicationInput } from './applications.schemas.ts';

/** CONNECTIONS, the statewide case system Gatehouse models in full. */
export const connectionsCode = 'CONNECTIONS';

/** Creates the built-in applications unless they exist; the demo loader and tests call it. */
export async function ensureBuiltinApplications(trx: Executor, now: string): Promise<void> {
  await repo.insertApplicationIfAbsent(trx, { id: newId(), code: connectionsCode, name: 'CONNECTIONS', kind: 'builtin', config: '{}', created_at: now, updated_at: now });
}

/** The application as people see it: connector secrets hidden. */
function redact(application: Application): Application {
  return { ...application, config: redactConnectorConfig(application.kind, application.config) };
}

function summarize(application: Application) {
  return { code: application.code, name: application.name, kind: application.kind, config: redactConnectorConfig(application.kind, application.config) };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;

export function createApplicationService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function create(ctx: RequestContext, input: CreateApplicationInput): Promise<Application> {
    authorizeShared(ctx.actor, 'applications.write', 'state-wide');
    assertValidConnectorConfig(input.kind, input.config);
    const now = deps.clock.now().toISOString();
    const application: Application = { id: newId(), code: input.code, name: input.name, kind: input.kind, config: input.config, createdAt: now, updatedAt: now };
    await deps.db.transaction().execute(async (trx) => {
      await refuseDuplicate(
        repo.insertApplication(trx, { id: application.id, code: input.code, name: input.name, kind: input.kind, config: JSON.stringify(input.config), created_at: now, updated_at: now }),
        'application.duplicate',
        `An application with code ${input.code} already exists; choose another code.`,
      );
      await deps.audit.record(trx, ctx, [{ action: 'application.created', subjectType: 'application', subjectId: application.id, agencyId: null, after: summarize(application) }]);
    });
    return redact(application);
  }

  async function load(id: string): Promise<Application> {
    const application = isId(id) ? await repo.findApplication(deps.db, id) : undefined;
    if (!application) throw new AppError('application.not_found', 'No application with that id.');
    return application;
  }

  async function get(ctx: RequestContext, id: string): Promise<Application> {
    authorizeShared(ctx.actor, 'applications.read', 'anywhere');
    return redact(await load(id));
  }

  /** Changes the name or the connector config; the code and kind stay as created. */
  async function update(ctx: RequestContext, id: string, patch: UpdateApplicationInput): Promise<Application> {
    authorizeShared(ctx.actor, 'applications.write', 'state-wide');
    const before = await load(id);
    const config = patch.config ? mergeConnectorSecrets(before.kind, patch.config, before.config) : before.config;
    if (patch.config) assertValidConnectorConfig(before.kind, config);
    const now = deps.clock.now().toISOString();
    const after: Application = { ...before, name: patch.name ?? before.name, config, updatedAt: now };
    await deps.db.transaction().execute(async (trx) => {
      await repo.updateApplication(trx, id, { name: after.name, config: JSON.stringify(after.config), updated_at: now });
      await deps.audit.record(trx, ctx, [{ action: 'application.updated', subjectType: 'application', subjectId: id, agencyId: null, before: summarize(before), after: summarize(after) }]);
    });
    return redact(after);
  }

  async function list(ctx: RequestContext, page: PageRequest): Promise<Page<Application>> {
    authorizeShared(ctx.actor, 'applications.read', 'anywhere');
    const rows = await repo.listApplications(deps.db, { afterCode: decodeCursor(page.cursor), limit: page.limit + 1 });
    return toPage(rows.map(redact), page.limit, (a) => a.code);
  }

  return { create, get, update, list };
}
