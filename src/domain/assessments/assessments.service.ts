import type { Database, Executor } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { findAccount, findUnitAgency } from '../accounts/accounts.repo.ts';
import { findAgency } from '../agencies/agencies.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize } from '../auth/permissions.ts';
import type { RequestItemInput } from '../requests/requests.schemas.ts';
import type { RequestService } from '../requests/requests.service.ts';
import { findSubjectWorker } from '../requests/requests.repo.ts';
import { findTemplateFor } from '../templates/templates.repo.ts';
import * as repo from './assessments.repo.ts';
import type { Assessment, CreateAssessmentInput, SubmitAssessmentInput } from './assessments.schemas.ts';
import { answeredUnitIds, checkAnswers, proposeAccess } from './survey.ts';
import { type Survey, type SurveyDefinition, defaultSurvey, surveyDefinitionProblems, surveyVersionLabel } from './survey-definition.ts';
import * as surveys from './surveys.repo.ts';

export type AssessmentService = ReturnType<typeof createAssessmentService>;

export function createAssessmentService(deps: { db: Database; clock: Clock; audit: AuditLog; requests: RequestService }) {
  /** The built-in survey, which applies to every agency that defined none. */
  function defaultSurveyView(agencyId: string | null): Survey {
    return { agencyId, version: 0, surveyVersion: surveyVersionLabel(0), definition: defaultSurvey, createdBy: null, createdAt: null };
  }

  /** The survey new assessments of the agency use: its latest version, or the default. */
  async function surveyInForce(db: Executor, agencyId: string): Promise<Survey> {
    return (await surveys.findLatestSurvey(db, agencyId)) ?? defaultSurveyView(agencyId);
  }

  async function requireAgency(ctx: RequestContext, agencyId: string, permission: 'assessments.read' | 'assessments.write'): Promise<void> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, permission, agencyId, 'agency.not_found', 'agency');
    if (!(await findAgency(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
  }

  async function getSurvey(ctx: RequestContext, agencyId: string): Promise<Survey> {
    await requireAgency(ctx, agencyId, 'assessments.read');
    return surveyInForce(deps.db, agencyId);
  }

  /** Records a new version of the agency's own survey; assessments already made keep the version they used. */
  async function setSurvey(ctx: RequestContext, agencyId: string, definition: SurveyDefinition): Promise<Survey> {
    await requireAgency(ctx, agencyId, 'assessments.write');
    const problems = surveyDefinitionProblems(definition);
    for (const [i, rule] of definition.rules.entries()) {
      for (const unitId of rule.hierarchyUnitIds) {
        const unit = await findUnitAgency(deps.db, unitId);
        if (!unit || unit.agencyId !== agencyId) problems.push({ field: `rules.${i}.hierarchyUnitIds`, message: `No unit ${unitId} in this agency.` });
      }
    }
    assertThat(problems.length === 0, 'input.invalid', `The survey is not consistent: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
    const at = deps.clock.now().toISOString();
    return deps.db.transaction().execute(async (trx) => {
      const before = await surveyInForce(trx, agencyId);
      const version = before.version + 1;
      const raced = 'Someone changed the survey at the same moment; reload it and try again.';
      const survey = await refuseDuplicate(
        surveys.insertSurvey(trx, { id: newId(), agency_id: agencyId, version, definition: JSON.stringify(definition), created_by: ctx.actor.principalId, created_at: at }),
        'conflict.version', raced,
      );
      await deps.audit.record(trx, ctx, [
        { action: 'assessment_survey.versioned', subjectType: 'assessment_survey', subjectId: agencyId, agencyId, before: { version: before.version }, after: { version, definition } },
      ]);
      return survey;
    });
  }

  async function requireAssessment(ctx: RequestContext, id: string, permission: 'assessments.read' | 'assessments.write'): Promise<Assessment> {
    const assessment = isId(id) ? await repo.findAssessment(deps.db, id) : undefined;
    if (!assessment) throw new AppError('assessment.not_found', 'No assessment with that id.');
    authorize(ctx.actor, permission, assessment.agencyId, 'assessment.not_found', 'assessment');
    return assessment;
  }

  /**
   * Records the survey for a worker whose account still sits in the holding unit and proposes the
   * least-privilege set: the job template adjusted by the answers.
   */
  async function complete(ctx: RequestContext, workerId: string, input: CreateAssessmentInput): Promise<Assessment> {
    const worker = isId(workerId) ? await findSubjectWorker(deps.db, workerId) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    authorize(ctx.actor, 'assessments.write', worker.agencyId, 'worker.not_found', 'worker');
    const account = await findAccount(deps.db, worker.id, input.applicationId);
    if (!account) throw new AppError('account.not_found', 'The worker has no account in that application yet; the directory sync opens it in the holding unit.');
    const agency = await findAgency(deps.db, worker.agencyId);
    assertThat(account.unitId === agency?.holdingUnitId, 'assessment.not_in_holding_unit', "The worker's account has already left the holding unit; change its access with an access request instead.");
    const survey = await surveyInForce(deps.db, worker.agencyId);
    const { answers, problems } = checkAnswers(survey.definition, input.answers);
    assertThat(problems.length === 0, 'input.invalid', `The answers do not fit survey ${survey.surveyVersion}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}. See GET /agencies/{id}/assessment-survey.`, problems);
    for (const unitId of answeredUnitIds(survey.definition, answers)) {
      const unit = isId(unitId) ? await findUnitAgency(deps.db, unitId) : undefined;
      if (!unit || unit.agencyId !== worker.agencyId) throw new AppError('unit.not_found', `answers: no unit ${unitId} in the worker's agency.`);
    }
    const template = (await findTemplateFor(deps.db, worker.agencyId, input.applicationId, worker.jobType)) ?? [];
    const functions = await repo.listApplicationFunctions(deps.db, input.applicationId);
    const proposal = proposeAccess(survey.definition, answers, template, new Map(functions.map((f) => [f.code, f])));
    const assessment: Assessment = {
      id: newId(), agencyId: worker.agencyId, workerId: worker.id, applicationId: input.applicationId, surveyVersion: survey.surveyVersion, answers, proposal,
      requestId: null, assessedBy: ctx.actor.principalId, createdAt: deps.clock.now().toISOString(),
    };
    await deps.db.transaction().execute(async (trx) => {
      await repo.insertAssessment(trx, assessment);
      await deps.audit.record(trx, ctx, [
        { action: 'assessment.completed', subjectType: 'worker', subjectId: worker.id, agencyId: worker.agencyId, after: { assessmentId: assessment.id, surveyVersion: survey.surveyVersion, answers, proposal } },
      ]);
    });
    return assessment;
  }

  async function get(ctx: RequestContext, id: string): Promise<Assessment> {
    return requireAssessment(ctx, id, 'assessments.read');
  }

  /**
   * Turns the proposal into an access request: placement in the worker's unit, the proposed
   * functions and hierarchy access, plus justified extras. Every function beyond the template
   * needs a justification.
   */
  async function submit(ctx: RequestContext, id: string, input: SubmitAssessmentInput): Promise<{ assessment: Assessment; requestId: string }> {
    const assessment = await requireAssessment(ctx, id, 'assessments.write');
    assertThat(assessment.requestId === null, 'assessment.already_submitted', `This assessment already became request ${assessment.requestId}; follow that request.`);
    const justified = new Map(input.justifications.map((j) => [j.functionId, j.justification]));
    const proposed = assessment.proposal.functions.map((f) => f.functionId);
    const items: RequestItemInput[] = [
      { action: 'add', kind: 'unit_placement', unitId: input.unitId },
      ...[...proposed, ...[...justified.keys()].filter((fid) => !proposed.includes(fid))].map((functionId) => ({ action: 'add' as const, kind: 'function' as const, functionId, justification: justified.get(functionId) })),
      ...assessment.proposal.hierarchyUnitIds.map((unitId) => ({ action: 'add' as const, kind: 'unit_hierarchy' as const, unitId, justification: 'Assessment: covers for this unit' })),
    ];
    const requestId = await deps.db.transaction().execute(async (trx) => {
      const { id: created } = await deps.requests.createInTransaction(
        trx, ctx, assessment.agencyId,
        { subjectWorkerId: assessment.workerId, applicationId: assessment.applicationId, justification: input.justification, items, submit: true },
        assessment.id,
      );
      assertThat(await repo.linkRequest(trx, assessment.id, created), 'assessment.already_submitted', 'This assessment was submitted at the same moment by someone else; follow that request.');
      return created;
    });
    return { assessment: { ...assessment, requestId }, requestId };
  }

  return { defaultSurvey: () => defaultSurveyView(null), getSurvey, setSurvey, complete, get, submit };
}
