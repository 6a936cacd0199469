import { z } from '@hono/zod-openapi';
import type { RiskLevel } from '../../db/schema.ts';
import { isCalendarDate } from '../../shared/dates.ts';
import { idValueSchema } from '../../shared/id-schema.ts';

export const riskLevels = ['low', 'medium', 'high'] as const satisfies readonly RiskLevel[];

/** Who may decide a stage; resolved to workers when the request is submitted. */
export const approverRuleSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('supervisor') }),
    z.strictObject({ kind: z.literal('unit_approver') }),
    z.strictObject({ kind: z.literal('function_owner') }),
    z.strictObject({ kind: z.literal('security_coordinators') }),
    z.strictObject({ kind: z.literal('principals'), principalIds: z.array(idValueSchema).min(1).max(20) }),
  ])
  .openapi('ApproverRule');

export type ApproverRule = z.infer<typeof approverRuleSchema>;

export const deadlineSchema = z
  .union([z.strictObject({ hours: z.number().int().min(1).max(720) }), z.strictObject({ businessDays: z.number().int().min(1).max(30) })])
  .openapi('StageDeadline', { description: 'How long a stage may wait: hours, or business days (Monday to Friday).' });

export type Deadline = z.infer<typeof deadlineSchema>;

export const stageSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    approvers: z.array(approverRuleSchema).min(1).max(5),
    quorum: z.enum(['any', 'all']).default('any'),
    deadline: deadlineSchema.default({ businessDays: 3 }),
  })
  .openapi('ApprovalStage');

export type StageDefinition = z.infer<typeof stageSchema>;

const stagesSchema = z.array(stageSchema).min(1).max(3);

export const policyDefinitionSchema = z
  .strictObject({
    low: stagesSchema,
    medium: stagesSchema,
    high: stagesSchema,
    /** Who a stage escalates to when its deadline passes or it has no eligible approver. */
    fallback: z.array(approverRuleSchema).min(1).max(5).default([{ kind: 'security_coordinators' }]),
    /** A request that would create a separation-of-duties conflict: refused, or given an extra stage. */
    sodMode: z.enum(['refuse', 'extra_approval']).default('refuse'),
  })
  .openapi('ApprovalPolicyDefinition');

export type PolicyDefinition = z.infer<typeof policyDefinitionSchema>;

const supervisor: ApproverRule = { kind: 'supervisor' };
const coordinators: ApproverRule = { kind: 'security_coordinators' };
const threeDays: Deadline = { businessDays: 3 };

/** The policy of an agency that configured none (version 0). */
export const defaultPolicy: PolicyDefinition = {
  low: [{ name: 'Supervisor', approvers: [supervisor], quorum: 'any', deadline: threeDays }],
  medium: [
    { name: 'Supervisor', approvers: [supervisor], quorum: 'any', deadline: threeDays },
    { name: 'Security coordinator', approvers: [coordinators], quorum: 'any', deadline: threeDays },
  ],
  high: [
    { name: 'Supervisor', approvers: [supervisor], quorum: 'any', deadline: threeDays },
    { name: 'Unit approver', approvers: [{ kind: 'unit_approver' }], quorum: 'any', deadline: threeDays },
    { name: 'Security coordinator', approvers: [coordinators], quorum: 'any', deadline: threeDays },
  ],
  fallback: [coordinators],
  sodMode: 'refuse',
};

export const approvalPolicySchema = z
  .object({
    agencyId: z.string(),
    version: z.number().int().openapi({ description: '0: the built-in default; each change creates the next version.' }),
    definition: policyDefinitionSchema,
    createdBy: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi('ApprovalPolicy');

export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

const calendarDate = z.string().trim().max(10).refine(isCalendarDate, 'Must be a date YYYY-MM-DD.');

export const createDelegationSchema = z
  .strictObject({
    deputyWorkerId: idValueSchema,
    startsOn: calendarDate,
    endsOn: calendarDate,
    reason: z.string().trim().min(1).max(500),
  })
  .openapi('CreateDelegation');

export type CreateDelegationInput = z.infer<typeof createDelegationSchema>;

export const delegationSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    workerId: z.string(),
    deputyWorkerId: z.string(),
    startsOn: z.string(),
    endsOn: z.string(),
    reason: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('Delegation');

export type Delegation = z.infer<typeof delegationSchema>;

export const createSodRuleSchema = z
  .strictObject({ functionAId: idValueSchema, functionBId: idValueSchema, description: z.string().trim().min(1).max(500) })
  .openapi('CreateSodRule');

export type CreateSodRuleInput = z.infer<typeof createSodRuleSchema>;

export const sodRuleSchema = z
  .object({ id: z.string(), agencyId: z.string(), functionAId: z.string(), functionBId: z.string(), description: z.string(), createdAt: z.string() })
  .openapi('SodRule');

export type SodRule = z.infer<typeof sodRuleSchema>;

export const sodConflictSchema = z
  .object({ workerId: z.string(), ruleId: z.string(), functionAId: z.string(), functionBId: z.string(), description: z.string() })
  .openapi('SodConflict');

export type SodConflict = z.infer<typeof sodConflictSchema>;
