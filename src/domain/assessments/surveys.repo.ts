import type { Executor } from '../../db/database.ts';
import type { AssessmentSurveysTable } from '../../db/schema.ts';
import type { Survey, SurveyDefinition } from './survey-definition.ts';
import { surveyVersionLabel } from './survey-definition.ts';

function toSurvey(row: AssessmentSurveysTable): Survey {
  return {
    agencyId: row.agency_id, version: row.version, surveyVersion: surveyVersionLabel(row.version), definition: JSON.parse(row.definition) as SurveyDefinition,
    createdBy: row.created_by, createdAt: row.created_at,
  };
}

export async function findLatestSurvey(db: Executor, agencyId: string): Promise<Survey | undefined> {
  const row = await db.selectFrom('assessment_surveys').selectAll().where('agency_id', '=', agencyId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && toSurvey(row);
}

export async function insertSurvey(db: Executor, row: AssessmentSurveysTable): Promise<Survey> {
  await db.insertInto('assessment_surveys').values(row).execute();
  return toSurvey(row);
}
