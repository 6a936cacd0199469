import { z } from '@hono/zod-openapi';
import type { LeaverCause } from '../../db/schema.ts';
import { idValueSchema } from '../../shared/id-schema.ts';

export const leaverCaseStatuses = ['open', 'end_dated', 'cancelled'] as const;
export const leaverCauses = ['directory_disabled', 'termination_date', 'gone_from_directory', 'scim_inactive', 'scim_deleted'] as const satisfies readonly LeaverCause[];
export const planStrategies = ['supervisor', 'unit'] as const;

/** How many business days after detection a leaver must be end-dated, when the agency set nothing. */
export const defaultEndDateBusinessDays = 1;

const reasonField = z.string().trim().min(1).max(500);

export const leaverBlockersSchema = z
  .object({
    openCases: z.number().int(),
    openTodos: z.number().int(),
  })
  .openapi('LeaverBlockers', { description: 'The open work the worker still owns: end-dating waits until both are zero.' });

export const leaverCaseSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    workerId: z.string(),
    workerName: z.string(),
    loginId: z.string(),
    task: z.string().openapi({ example: 'End-date Dana Reyes (dreyes)' }),
    status: z.enum(leaverCaseStatuses),
    cause: z.enum(leaverCauses),
    syncRunId: z.string().nullable(),
    detectedAt: z.string(),
    disabledAt: z.string(),
    dueAt: z.string().openapi({ description: "When the accounts must be end-dated: the agency's business days after detection." }),
    overdue: z.boolean().openapi({ description: 'Past its deadline: still open after dueAt, or end-dated after it.' }),
    escalatedAt: z.string().nullable(),
    workReassignedAt: z.string().nullable(),
    endDatedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    blockers: leaverBlockersSchema,
    readyToEndDate: z.boolean(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('LeaverCase');

export type LeaverCase = z.infer<typeof leaverCaseSchema>;

export const openWorkItemSchema = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    kind: z.enum(['case', 'todo']),
    reference: z.string(),
    title: z.string(),
    unitId: z.string(),
    dueDate: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('LeaverOpenWorkItem');

export type OpenWorkItem = z.infer<typeof openWorkItemSchema>;

export const leaverCaseDetailSchema = leaverCaseSchema
  .extend({ openWorkItems: z.array(openWorkItemSchema).openapi({ description: 'What blocks end-dating, cases first (at most 500).' }) })
  .openapi('LeaverCaseDetail');

export type LeaverCaseDetail = z.infer<typeof leaverCaseDetailSchema>;

export const leaverCaseListQueryShape = {
  workerId: idValueSchema.optional().openapi({ param: { name: 'workerId', in: 'query' }, description: "Only this worker's cases." }),
  status: z.enum(leaverCaseStatuses).default('open').openapi({ param: { name: 'status', in: 'query' }, description: 'open (the default) is the security coordinator\'s queue.' }),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ param: { name: 'overdue', in: 'query' }, description: 'true: only cases past their deadline (the overdue list).' }),
};

export const proposePlanSchema = z
  .strictObject({
    strategy: z.enum(planStrategies).default('unit').openapi({
      description: "supervisor: everything to the leaver's supervisor. unit: spread over the enabled workers of the leaver's unit who hold one of the leaver's business functions in the item's application, fewest open items first.",
    }),
  })
  .openapi('ProposeReassignmentPlan');

export type ProposePlanInput = z.infer<typeof proposePlanSchema>;

export const plannedAssignmentSchema = z
  .object({
    workItemId: z.string(),
    reference: z.string(),
    kind: z.enum(['case', 'todo']),
    title: z.string(),
    ownerWorkerId: z.string(),
    ownerName: z.string(),
  })
  .openapi('PlannedAssignment');

export type PlannedAssignment = z.infer<typeof plannedAssignmentSchema>;

export const reassignmentPlanSchema = z
  .object({
    caseId: z.string(),
    strategy: z.enum(planStrategies),
    assignments: z.array(plannedAssignmentSchema),
    unassigned: z.array(z.object({ workItemId: z.string(), reference: z.string(), problem: z.string() })),
    candidates: z.array(z.object({ workerId: z.string(), name: z.string(), openItemsBefore: z.number().int(), openItemsAfter: z.number().int() })),
  })
  .openapi('ReassignmentPlan', { description: 'A proposal only: edit it and send the assignments to apply it.' });

export type ReassignmentPlan = z.infer<typeof reassignmentPlanSchema>;

export const applyPlanSchema = z
  .strictObject({
    assignments: z
      .array(z.strictObject({ workItemId: idValueSchema, ownerWorkerId: idValueSchema }))
      .min(1)
      .max(500)
      .refine((list) => new Set(list.map((a) => a.workItemId)).size === list.length, 'Each work item may appear once.'),
    reason: reasonField.openapi({ example: 'Caseload spread over the unit after the departure.' }),
    version: z.number().int().min(1).openapi({ description: 'The case version you read; a newer one means someone acted on it since.' }),
  })
  .openapi('ApplyReassignmentPlan');

export type ApplyPlanInput = z.infer<typeof applyPlanSchema>;

export const endDateLeaverSchema = z
  .strictObject({
    reason: reasonField.openapi({ example: 'Left the agency on 2026-03-02; work reassigned.' }),
    version: z.number().int().min(1),
  })
  .openapi('EndDateLeaver');

export type EndDateLeaverInput = z.infer<typeof endDateLeaverSchema>;

export const leaverSettingsSchema = z
  .object({
    agencyId: z.string(),
    endDateBusinessDays: z.number().int(),
    updatedAt: z.string().nullable(),
  })
  .openapi('LeaverSettings');

export type LeaverSettings = z.infer<typeof leaverSettingsSchema>;

export const updateLeaverSettingsSchema = z
  .strictObject({
    endDateBusinessDays: z.number().int().min(1).max(30).openapi({ description: 'Business days (Monday to Friday) from detection to the end-date deadline.', example: 1 }),
  })
  .openapi('UpdateLeaverSettings');

export type UpdateLeaverSettingsInput = z.infer<typeof updateLeaverSettingsSchema>;
