import type { Database, Executor } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { findAgency, findAgencyByCode } from '../agencies/agencies.repo.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { type Permission, authorize } from '../auth/permissions.ts';
import { findFunctionApplication } from '../grants/grants.repo.ts';
import { accessAgreement } from '../requests/acknowledgments.service.ts';
import { defaultSurvey, surveyVersionLabel } from '../assessments/survey-definition.ts';
import { findLatestSurvey } from '../assessments/surveys.repo.ts';
import * as repo from './approvals.repo.ts';
import {
  type ApprovalPolicy, type CreateSodRuleInput, type PolicyDefinition, type SodConflict, type SodRule, defaultPolicy,
} from './approvals.schemas.ts';
import { renderProcess } from './process-document.ts';

/** The SoD rules broken by holding every function of the set at once. */
export function conflictsWithin(rules: SodRule[], functionIds: Iterable<string>): SodRule[] {
  const held = new Set(functionIds);
  return rules.filter((r) => held.has(r.functionAId) && held.has(r.functionBId));
}

export type ApprovalService = ReturnType<typeof createApprovalService>;

export function createApprovalService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function requireAgency(ctx: RequestContext, agencyId: string, permission: Permission): Promise<void> {
    if (!isId(agencyId)) throw new AppError('agency.not_found', 'No agency with that id.');
    authorize(ctx.actor, permission, agencyId, 'agency.not_found', 'agency');
    if (!(await findAgency(deps.db, agencyId))) throw new AppError('agency.not_found', 'No agency with that id.');
  }

  /** The policy new requests of the agency start under: the latest version, or the default (version 0). */
  async function policyInForce(db: Executor, agencyId: string): Promise<ApprovalPolicy> {
    return (await repo.findLatestPolicy(db, agencyId)) ?? { agencyId, version: 0, definition: defaultPolicy, createdBy: null, createdAt: null };
  }

  /** The policy a request was submitted under, whatever has changed since. */
  async function policyVersion(db: Executor, agencyId: string, version: number): Promise<PolicyDefinition> {
    if (version === 0) return defaultPolicy;
    const definition = await repo.findPolicyVersion(db, agencyId, version);
    assertThat(definition, 'internal', `Approval policy version ${version} of the agency is missing.`);
    return definition;
  }

  async function getPolicy(ctx: RequestContext, agencyId: string): Promise<ApprovalPolicy> {
    await requireAgency(ctx, agencyId, 'approvals.read');
    return policyInForce(deps.db, agencyId);
  }

  /** Records a new version of the agency's policy; requests already submitted keep theirs. */
  async function setPolicy(ctx: RequestContext, agencyId: string, definition: PolicyDefinition): Promise<ApprovalPolicy> {
    await requireAgency(ctx, agencyId, 'approvals.write');
    const at = deps.clock.now().toISOString();
    return deps.db.transaction().execute(async (trx) => {
      const before = await policyInForce(trx, agencyId);
      const policy: ApprovalPolicy = { agencyId, version: before.version + 1, definition, createdBy: ctx.actor.principalId, createdAt: at };
      const raced = 'Someone changed the approval policy at the same moment; reload it and try again.';
      await refuseDuplicate(repo.insertPolicy(trx, { id: newId(), agencyId, version: policy.version, definition, createdBy: ctx.actor.principalId, createdAt: at }), 'conflict.version', raced);
      await deps.audit.record(trx, ctx, [
        { action: 'approval_policy.versioned', subjectType: 'approval_policy', subjectId: agencyId, agencyId, before: { version: before.version }, after: { version: policy.version, definition } },
      ]);
      return policy;
    });
  }

  /** Two functions no worker of the agency may hold together. */
  async function addSodRule(ctx: RequestContext, agencyId: string, input: CreateSodRuleInput): Promise<SodRule> {
    await requireAgency(ctx, agencyId, 'approvals.write');
    assertThat(input.functionAId !== input.functionBId, 'input.invalid', 'A separation-of-duties rule names two different functions.');
    for (const id of [input.functionAId, input.functionBId]) {
      if (!(await findFunctionApplication(deps.db, id))) throw new AppError('function.not_found', `No business function with id ${id}.`);
    }
    const [a, b] = [input.functionAId, input.functionBId].sort() as [string, string];
    const row = { id: newId(), agency_id: agencyId, function_a_id: a, function_b_id: b, description: input.description, created_at: deps.clock.now().toISOString() };
    return deps.db.transaction().execute(async (trx) => {
      const rule = await refuseDuplicate(repo.insertSodRule(trx, row), 'sod_rule.duplicate', 'The agency already has a rule for these two functions.');
      await deps.audit.record(trx, ctx, [{ action: 'sod_rule.created', subjectType: 'sod_rule', subjectId: rule.id, agencyId, after: { functionAId: a, functionBId: b, description: input.description } }]);
      return rule;
    });
  }

  async function listSodRules(ctx: RequestContext, agencyId: string): Promise<SodRule[]> {
    await requireAgency(ctx, agencyId, 'approvals.read');
    return repo.listSodRules(deps.db, agencyId);
  }

  /** Workers who hold both functions of some rule right now. */
  async function listSodConflicts(ctx: RequestContext, agencyId: string): Promise<SodConflict[]> {
    await requireAgency(ctx, agencyId, 'approvals.read');
    const rules = await repo.listSodRules(deps.db, agencyId);
    const functionIds = [...new Set(rules.flatMap((r) => [r.functionAId, r.functionBId]))];
    const byWorker = new Map<string, Set<string>>();
    for (const holding of await repo.listLiveFunctionHolders(deps.db, agencyId, functionIds, deps.clock.now().toISOString())) {
      byWorker.set(holding.workerId, (byWorker.get(holding.workerId) ?? new Set()).add(holding.functionId));
    }
    return [...byWorker.entries()].flatMap(([workerId, held]) =>
      conflictsWithin(rules, held).map((r) => ({ workerId, ruleId: r.id, functionAId: r.functionAId, functionBId: r.functionBId, description: r.description })),
    );
  }

  /** `gatehouse policy show`: the agency's whole process as Markdown, from the configuration in force. */
  async function describeProcess(ctx: RequestContext, agencyIdOrCode: string): Promise<string> {
    const agency = isId(agencyIdOrCode) ? await findAgency(deps.db, agencyIdOrCode) : await findAgencyByCode(deps.db, agencyIdOrCode.toUpperCase());
    if (!agency) throw new AppError('agency.not_found', `No agency with id or code ${agencyIdOrCode}.`);
    authorize(ctx.actor, 'approvals.read', agency.id, 'agency.not_found', 'agency');
    const sodRules = await repo.listSodRules(deps.db, agency.id);
    const survey = await findLatestSurvey(deps.db, agency.id);
    return renderProcess({
      agency,
      policy: await policyInForce(deps.db, agency.id),
      sodRules,
      functionCodes: await repo.findFunctionCodes(deps.db, sodRules.flatMap((r) => [r.functionAId, r.functionBId])),
      agreementVersion: accessAgreement.version,
      survey: { title: survey?.definition.title ?? defaultSurvey.title, surveyVersion: survey?.surveyVersion ?? surveyVersionLabel(0) },
    });
  }

  return { describeProcess, policyInForce, policyVersion, getPolicy, setPolicy, addSodRule, listSodRules, listSodConflicts, sodRulesOf: repo.listSodRules };
}
