import { z } from '@hono/zod-openapi';
import { idValueSchema } from '../../shared/id-schema.ts';
import { booleanQuerySchema } from '../../shared/value-schemas.ts';
import { riskLevels } from '../approvals/approvals.schemas.ts';
import { calendarDateSchema } from '../workers/workers.schemas.ts';

const reason = z.string().trim().min(1).max(500);

/** How long a mover keeps a grant outside the new template when no one acts: the default. */
export const defaultRemovalBusinessDays = 5;

export const lifecycleSettingsSchema = z
  .object({
    agencyId: z.string(),
    removalBusinessDays: z.number().int().openapi({ description: 'Business days (Monday to Friday) before a grant outside a mover\'s new template is removed. High-risk functions are removed at once.' }),
    updatedAt: z.string().nullable().openapi({ description: 'null: the agency uses the defaults.' }),
  })
  .openapi('LifecycleSettings');

export type LifecycleSettings = z.infer<typeof lifecycleSettingsSchema>;

export const updateLifecycleSettingsSchema = z
  .strictObject({ removalBusinessDays: z.number().int().min(0).max(30), reason })
  .openapi('UpdateLifecycleSettings');

export const removalStatuses = ['scheduled', 'done', 'cancelled'] as const;

export const scheduledRemovalSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    workerId: z.string(),
    accountId: z.string(),
    grantId: z.string(),
    functionId: z.string(),
    functionCode: z.string(),
    jobType: z.string().openapi({ description: 'The new job, whose template the function is outside of.' }),
    riskLevel: z.enum(riskLevels),
    exceptionId: z.string().nullable().openapi({ description: 'The exception that deferred the removal to its end.' }),
    status: z.enum(removalStatuses),
    scheduledAt: z.string(),
    dueAt: z.string(),
    overdue: z.boolean().openapi({ description: 'Still scheduled and past its deadline.' }),
    closedAt: z.string().nullable(),
    outcome: z.string().nullable(),
  })
  .openapi('ScheduledRemoval');

export type ScheduledRemoval = z.infer<typeof scheduledRemovalSchema>;

export const removalListQueryShape = {
  status: z.enum(removalStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }),
  overdue: booleanQuerySchema.default(false).openapi({ param: { name: 'overdue', in: 'query' }, description: 'Only removals still scheduled past their deadline.' }),
};

export const leaveStatuses = ['scheduled', 'on_leave', 'returned', 'cancelled'] as const;

export const grantSnapshotSchema = z.object({ grantId: z.string(), accountId: z.string(), kind: z.enum(['function', 'unit_hierarchy']), functionId: z.string().nullable(), unitId: z.string().nullable() });
export type GrantSnapshot = z.infer<typeof grantSnapshotSchema>;

export const leaveSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    workerId: z.string(),
    startsOn: z.string(),
    returnsOn: z.string().nullable().openapi({ description: 'Expected return date (the actual one once back); null while unknown.' }),
    status: z.enum(leaveStatuses),
    reason: z.string(),
    snapshot: z.array(grantSnapshotSchema).nullable().openapi({ description: 'The grants held when the leave started; what comes back at return.' }),
    startedAt: z.string().nullable(),
    returnedAt: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    version: z.number().int(),
  })
  .openapi('Leave');

export type Leave = z.infer<typeof leaveSchema>;

export const recordLeaveSchema = z
  .strictObject({
    startsOn: calendarDateSchema.openapi({ description: 'First day of the leave; today or later.' }),
    returnsOn: calendarDateSchema.optional().openapi({ description: 'Expected first day back; after startsOn.' }),
    reason,
  })
  .openapi('RecordLeave');

export type RecordLeaveInput = z.infer<typeof recordLeaveSchema>;

export const changeLeaveSchema = z
  .strictObject({
    startsOn: calendarDateSchema.optional().openapi({ description: 'Only before the leave has started.' }),
    returnsOn: calendarDateSchema.nullable().optional().openapi({ description: 'A new expected return; null: unknown.' }),
    reason,
    version: z.number().int().min(1).optional(),
  })
  .openapi('ChangeLeave');

export type ChangeLeaveInput = z.infer<typeof changeLeaveSchema>;

export const leaveReasonSchema = z.strictObject({ reason }).openapi('LeaveReason');

export const leaveListQueryShape = {
  status: z.enum(leaveStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }),
};

export const coverageSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    leaveId: z.string(),
    absentWorkerId: z.string(),
    coveringWorkerId: z.string(),
    unitId: z.string(),
    grantId: z.string(),
    status: z.enum(['active', 'ended']),
    startsAt: z.string(),
    endsAt: z.string().nullable().openapi({ description: 'The absent worker\'s expected return; the grant ends here by itself.' }),
    endedAt: z.string().nullable(),
    reason: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('Coverage');

export type Coverage = z.infer<typeof coverageSchema>;

export const createCoverageSchema = z
  .strictObject({
    coveringWorkerId: idValueSchema,
    unitId: idValueSchema.optional().openapi({ description: "The unit (and every unit beneath it) to cover; default the absent worker's unit." }),
    applicationId: idValueSchema.optional().openapi({ description: 'The application of the covering account; default the only one the covering worker has.' }),
    reason,
  })
  .openapi('CreateCoverage');

export type CreateCoverageInput = z.infer<typeof createCoverageSchema>;

export const coverageListItemSchema = coverageSchema
  .extend({
    absentWorkerName: z.string(),
    absentLoginId: z.string(),
    coveringWorkerName: z.string(),
    coveringLoginId: z.string(),
    unitCode: z.string(),
    unitName: z.string(),
    started: z.boolean().openapi({ description: 'The leave, and so the coverage, has begun; false: it is still to come.' }),
  })
  .openapi('CoverageListItem');

export type CoverageListItem = z.infer<typeof coverageListItemSchema>;

export const coverageListQueryShape = {
  search: z.string().trim().max(100).optional().openapi({ param: { name: 'search', in: 'query' }, description: "Start of the absent or covering worker's first name, last name or login id." }),
};

export const endCoverageSchema = z.strictObject({ reason }).openapi('EndCoverage');

export const exceptionKinds = ['keep', 'hold'] as const;
export const exceptionStatuses = ['requested', 'active', 'expired', 'rejected'] as const;

export const accessExceptionSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    workerId: z.string(),
    workerName: z.string().openapi({ description: 'Who holds the exception.' }),
    accountId: z.string(),
    functionId: z.string(),
    functionCode: z.string(),
    kind: z.enum(exceptionKinds),
    days: z.number().int(),
    justification: z.string(),
    requestId: z.string().openapi({ description: 'The access request that decides it under the approval policy.' }),
    status: z.enum(exceptionStatuses),
    grantId: z.string().nullable(),
    endsAt: z.string(),
    requestedBy: z.string(),
    createdAt: z.string(),
    activatedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .openapi('AccessException');

export type AccessException = z.infer<typeof accessExceptionSchema>;

export const requestExceptionSchema = z
  .strictObject({
    applicationId: idValueSchema,
    functionId: idValueSchema,
    kind: z.enum(exceptionKinds).openapi({ description: 'keep: keep a function the worker holds despite a job change; hold: hold a function outside the job template.' }),
    days: z.number().int().min(1).max(365),
    justification: z.string().trim().min(1).max(2000),
  })
  .openapi('RequestException');

export type RequestExceptionInput = z.infer<typeof requestExceptionSchema>;

export const exceptionListQueryShape = {
  status: z.enum(exceptionStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }),
};
