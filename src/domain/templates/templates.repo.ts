import type { Executor } from '../../db/database.ts';
import { prepareQuery } from '../../db/prepared-query.ts';
import type { AccessTemplateRow } from '../../db/schema.ts';
import type { AccessTemplate } from './templates.schemas.ts';

function toTemplate(row: AccessTemplateRow, functionIds: string[]): AccessTemplate {
  return {
    id: row.id,
    agencyId: row.agency_id,
    applicationId: row.application_id,
    jobType: row.job_type,
    name: row.name,
    functionIds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function functionIdsByTemplate(db: Executor, templateIds: string[]): Promise<Map<string, string[]>> {
  const byTemplate = new Map<string, string[]>(templateIds.map((id) => [id, []]));
  if (templateIds.length === 0) return byTemplate;
  const rows = await db.selectFrom('template_functions').selectAll().where('template_id', 'in', templateIds).orderBy('function_id').execute();
  for (const row of rows) byTemplate.get(row.template_id)?.push(row.function_id);
  return byTemplate;
}

export async function insertTemplate(db: Executor, template: AccessTemplate): Promise<void> {
  await db
    .insertInto('access_templates')
    .values({
      id: template.id, agency_id: template.agencyId, application_id: template.applicationId, job_type: template.jobType,
      name: template.name, created_at: template.createdAt, updated_at: template.updatedAt,
    })
    .execute();
  await insertTemplateFunctions(db, template.id, template.functionIds);
}

async function insertTemplateFunctions(db: Executor, templateId: string, functionIds: string[]): Promise<void> {
  if (functionIds.length === 0) return;
  await db.insertInto('template_functions').values(functionIds.map((functionId) => ({ template_id: templateId, function_id: functionId }))).execute();
}

/**
 * Replaces the template's function set. The template row is written first, so on PostgreSQL a
 * concurrent replacement waits for this one instead of interleaving with it.
 */
export async function replaceTemplateFunctions(db: Executor, templateId: string, functionIds: string[], updatedAt: string): Promise<void> {
  await db.updateTable('access_templates').set({ updated_at: updatedAt }).where('id', '=', templateId).execute();
  await db.deleteFrom('template_functions').where('template_id', '=', templateId).execute();
  await insertTemplateFunctions(db, templateId, functionIds);
}

export async function findTemplate(db: Executor, id: string): Promise<AccessTemplate | undefined> {
  const row = await db.selectFrom('access_templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const functionIds = await functionIdsByTemplate(db, [row.id]);
  return toTemplate(row, functionIds.get(row.id) ?? []);
}

/** An agency's templates ordered by job type, then id; `after` is the last one of the previous page. */
export async function listTemplates(db: Executor, filter: { agencyId: string; after?: { jobType: string; id: string } | undefined; limit: number }): Promise<AccessTemplate[]> {
  let q = db.selectFrom('access_templates').selectAll().where('agency_id', '=', filter.agencyId);
  const { after } = filter;
  if (after) q = q.where((eb) => eb.or([eb('job_type', '>', after.jobType), eb.and([eb('job_type', '=', after.jobType), eb('id', '>', after.id)])]));
  const rows = await q.orderBy('job_type').orderBy('id').limit(filter.limit).execute();
  const functionIds = await functionIdsByTemplate(db, rows.map((r) => r.id));
  return rows.map((row) => toTemplate(row, functionIds.get(row.id) ?? []));
}

/** The least-privilege function ids for a job in an agency's application; undefined when no template exists. */
// Every request checks its items against the job's template: prepared once.
const templateFunctions = prepareQuery((db, p: { agencyId: string; applicationId: string; jobType: string }) =>
  db
    .selectFrom('access_templates as t')
    .leftJoin('template_functions as f', 'f.template_id', 't.id')
    .select('f.function_id')
    .where('t.agency_id', '=', p.agencyId)
    .where('t.application_id', '=', p.applicationId)
    .where('t.job_type', '=', p.jobType)
    .orderBy('f.function_id'),
);

/** The function ids of the job's template, or undefined when the job has none. */
export async function findTemplateFor(db: Executor, agencyId: string, applicationId: string, jobType: string): Promise<string[] | undefined> {
  const { rows } = await templateFunctions(db, { agencyId, applicationId, jobType });
  if (rows.length === 0) return undefined;
  return rows.flatMap((r) => (r.function_id === null ? [] : [r.function_id]));
}
