import type { Database } from '../../db/database.ts';
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
import { proposeAccess, surveyQuestions, surveyRules, surveyVersion } from './survey.ts';

export type AssessmentService = ReturnType<typeof createAssessmentService>;

export function createAssessmentService(deps: { db: Database; clock: Clock; audit: AuditLog; requests: RequestService }) {
  /** The survey a security coordinator completes for a new worker. */
  function survey() {
    return { version: surveyVersion, questions: surveyQuestions, rules: surveyRules };
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
    for (const unitId of input.answers.coveredUnitIds) {
      const unit = await findUnitAgency(deps.db, unitId);
      if (!unit || unit.agencyId !== worker.agencyId) throw new AppError('unit.not_found', `answers.coveredUnitIds: no unit ${unitId} in the worker's agency.`);
    }
    const template = (await findTemplateFor(deps.db, worker.agencyId, input.applicationId, worker.jobType)) ?? [];
    const functions = await repo.listApplicationFunctions(deps.db, input.applicationId);
    const proposal = proposeAccess(input.answers, template, new Map(functions.map((f) => [f.code, f])));
    const assessment: Assessment = {
      id: newId(), agencyId: worker.agencyId, workerId: worker.id, applicationId: input.applicationId, surveyVersion, answers: input.answers, proposal,
      requestId: null, assessedBy: ctx.actor.principalId, createdAt: deps.clock.now().toISOString(),
    };
    await deps.db.transaction().execute(async (trx) => {
      await repo.insertAssessment(trx, assessment);
      await deps.audit.record(trx, ctx, [
        { action: 'assessment.completed', subjectType: 'worker', subjectId: worker.id, agencyId: worker.agencyId, after: { assessmentId: assessment.id, answers: input.answers, proposal } },
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
      const created = await deps.requests.createInTransaction(
        trx, ctx, assessment.agencyId,
        { subjectWorkerId: assessment.workerId, applicationId: assessment.applicationId, justification: input.justification, items, submit: true },
        assessment.id,
      );
      assertThat(await repo.linkRequest(trx, assessment.id, created), 'assessment.already_submitted', 'This assessment was submitted at the same moment by someone else; follow that request.');
      return created;
    });
    return { assessment: { ...assessment, requestId }, requestId };
  }

  return { survey, complete, get, submit };
}
