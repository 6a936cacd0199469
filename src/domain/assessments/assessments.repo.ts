import type { Executor } from '../../db/database.ts';
import type { AssessmentsTable } from '../../db/schema.ts';
import type { Assessment } from './assessments.schemas.ts';

function toAssessment(row: AssessmentsTable): Assessment {
  return {
    id: row.id, agencyId: row.agency_id, workerId: row.worker_id, applicationId: row.application_id, surveyVersion: row.survey_version,
    answers: JSON.parse(row.answers) as Assessment['answers'], proposal: JSON.parse(row.proposal) as Assessment['proposal'], requestId: row.request_id,
    assessedBy: row.assessed_by, createdAt: row.created_at,
  };
}

export async function insertAssessment(db: Executor, assessment: Assessment): Promise<void> {
  await db
    .insertInto('assessments')
    .values({
      id: assessment.id, agency_id: assessment.agencyId, worker_id: assessment.workerId, application_id: assessment.applicationId, survey_version: assessment.surveyVersion,
      answers: JSON.stringify(assessment.answers), proposal: JSON.stringify(assessment.proposal), request_id: null, assessed_by: assessment.assessedBy, created_at: assessment.createdAt,
    })
    .execute();
}

export async function findAssessment(db: Executor, id: string): Promise<Assessment | undefined> {
  const row = await db.selectFrom('assessments').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAssessment(row);
}

/** Links the request made from the assessment; false when the assessment already has one. */
export async function linkRequest(db: Executor, id: string, requestId: string): Promise<boolean> {
  const result = await db.updateTable('assessments').set({ request_id: requestId }).where('id', '=', id).where('request_id', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listApplicationFunctions(db: Executor, applicationId: string): Promise<{ id: string; code: string }[]> {
  return db.selectFrom('business_functions').select(['id', 'code']).where('application_id', '=', applicationId).limit(2000).execute();
}
