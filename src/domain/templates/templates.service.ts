import type { Database } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { type Page, type PageRequest, decodeCursor, toPage } from '../../shared/page.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import { findApplication } from '../applications/applications.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import { findFunctionIdsOf } from '../functions/functions.repo.ts';
import * as repo from './templates.repo.ts';
import type { AccessTemplate, CreateTemplateInput } from './templates.schemas.ts';

function summarize(template: AccessTemplate) {
  return { applicationId: template.applicationId, jobType: template.jobType, name: template.name, functionIds: template.functionIds };
}

export type TemplateService = ReturnType<typeof createTemplateService>;

export function createTemplateService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  /** The distinct ids, sorted, after checking every one is a function of the application. */
  async function checkFunctionIds(applicationId: string, functionIds: string[]): Promise<string[]> {
    const wanted = [...new Set(functionIds)].sort();
    const found = new Set(await findFunctionIdsOf(deps.db, applicationId, wanted));
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new AppError('function.not_found', `These are not business functions of the template's application: ${missing.join(', ')}. List the application's functions with GET /applications/{id}/functions.`, { functionIds: missing });
    }
    return wanted;
  }

  async function requireTemplate(ctx: RequestContext, id: string, permission: 'templates.read' | 'templates.write'): Promise<AccessTemplate> {
    const template = isId(id) ? await repo.findTemplate(deps.db, id) : undefined;
    if (!template) throw new AppError('template.not_found', 'No access template with that id.');
    authorize(ctx.actor, permission, template.agencyId, 'template.not_found', 'access template');
    return template;
  }

  async function requireAgency(ctx: RequestContext, agencyId: string, permission: 'templates.read' | 'templates.write'): Promise<void> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, permission, agencyId, 'agency.not_found', 'agency');
    if (!(await findAgency(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
  }

  /** Creates the least-privilege function set for a job type in one agency and application. */
  async function create(ctx: RequestContext, agencyId: string, input: CreateTemplateInput): Promise<AccessTemplate> {
    await requireAgency(ctx, agencyId, 'templates.write');
    const application = await findApplication(deps.db, input.applicationId);
    if (!application) throw new AppError('application.not_found', `No application with id ${input.applicationId}.`);
    const functionIds = await checkFunctionIds(application.id, input.functionIds);
    const now = deps.clock.now().toISOString();
    const template: AccessTemplate = { id: newId(), agencyId, applicationId: application.id, jobType: input.jobType, name: input.name, functionIds, createdAt: now, updatedAt: now };
    await deps.db.transaction().execute(async (trx) => {
      await refuseDuplicate(
        repo.insertTemplate(trx, template),
        'template.duplicate',
        `This agency already has a ${application.code} template for job type ${input.jobType}; change its functions with PUT /templates/{id}/functions.`,
      );
      await deps.audit.record(trx, ctx, [{ action: 'template.created', subjectType: 'access_template', subjectId: template.id, agencyId, after: summarize(template) }]);
    });
    return template;
  }

  /** Replaces the template's whole function set. */
  async function replaceFunctions(ctx: RequestContext, id: string, functionIds: string[]): Promise<AccessTemplate> {
    const before = await requireTemplate(ctx, id, 'templates.write');
    const after: AccessTemplate = { ...before, functionIds: await checkFunctionIds(before.applicationId, functionIds), updatedAt: deps.clock.now().toISOString() };
    await deps.db.transaction().execute(async (trx) => {
      await repo.replaceTemplateFunctions(trx, id, after.functionIds, after.updatedAt);
      await deps.audit.record(trx, ctx, [
        { action: 'template.functions_replaced', subjectType: 'access_template', subjectId: id, agencyId: before.agencyId, before: { functionIds: before.functionIds }, after: { functionIds: after.functionIds } },
      ]);
    });
    return after;
  }

  async function get(ctx: RequestContext, id: string): Promise<AccessTemplate> {
    return requireTemplate(ctx, id, 'templates.read');
  }

  /** An agency's templates, by job type. */
  async function listForAgency(ctx: RequestContext, agencyId: string, page: PageRequest): Promise<Page<AccessTemplate>> {
    await requireAgency(ctx, agencyId, 'templates.read');
    const [jobType, id] = decodeCursor(page.cursor)?.split(' ') ?? [];
    const after = jobType !== undefined && id !== undefined ? { jobType, id } : undefined;
    const rows = await repo.listTemplates(deps.db, { agencyId, after, limit: page.limit + 1 });
    return toPage(rows, page.limit, (t) => `${t.jobType} ${t.id}`);
  }

  return { create, replaceFunctions, get, listForAgency };
}
