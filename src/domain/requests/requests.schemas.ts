import { z } from '@hono/zod-openapi';
import type { RequestStatus } from '../../db/schema.ts';
import { idValueSchema } from '../../shared/id-schema.ts';
import { instantSchema } from '../../shared/value-schemas.ts';
import { riskLevels } from '../approvals/approvals.schemas.ts';

export const requestStatuses = ['draft', 'pending', 'approved', 'denied', 'expired', 'cancelled', 'provisioned', 'failed'] as const satisfies readonly RequestStatus[];
export const itemKinds = ['function', 'unit_placement', 'unit_hierarchy'] as const;

const justification = z.string().trim().min(1).max(2000);

export const requestItemInputSchema = z
  .strictObject({
    action: z.enum(['add', 'remove']).default('add'),
    kind: z.enum(itemKinds),
    functionId: idValueSchema.optional().openapi({ description: 'The function to add (kind function).' }),
    unitId: idValueSchema.optional().openapi({ description: 'The unit to place the account in, or to give hierarchy access to.' }),
    grantId: idValueSchema.optional().openapi({ description: 'The grant to remove (action remove).' }),
    validFrom: instantSchema.optional(),
    validTo: instantSchema.optional(),
    justification: justification.optional().openapi({ description: 'Required for a function beyond the job template.' }),
  })
  .openapi('RequestItemInput');

export type RequestItemInput = z.infer<typeof requestItemInputSchema>;

export const createRequestSchema = z
  .strictObject({
    subjectWorkerId: idValueSchema,
    applicationId: idValueSchema,
    justification,
    items: z.array(requestItemInputSchema).min(1).max(50),
    submit: z.boolean().default(true).openapi({ description: 'false keeps the request as a draft.' }),
  })
  .openapi('CreateAccessRequest');

export type CreateRequestInput = z.infer<typeof createRequestSchema>;

export const decideSchema = z
  .strictObject({
    decision: z.enum(['approve', 'deny']),
    comment: z.string().trim().max(2000).optional(),
    version: z.number().int().min(1).optional().openapi({ description: 'The request version you saw; a different one answers 409 conflict.version.' }),
  })
  .openapi('DecideAccessRequest');

export type DecideInput = z.infer<typeof decideSchema>;

export const cancelRequestSchema = z.strictObject({ reason: z.string().trim().min(1).max(500) }).openapi('CancelAccessRequest');

export const requestItemSchema = z
  .object({
    id: z.string(),
    action: z.enum(['add', 'remove']),
    kind: z.enum(itemKinds),
    functionId: z.string().nullable(),
    unitId: z.string().nullable(),
    grantId: z.string().nullable(),
    validFrom: z.string().nullable(),
    validTo: z.string().nullable(),
    beyondTemplate: z.boolean(),
    justification: z.string().nullable(),
  })
  .openapi('RequestItem');

export type RequestItem = z.infer<typeof requestItemSchema>;

export const decisionSchema = z
  .object({
    id: z.string(),
    approverWorkerId: z.string(),
    decidedByWorkerId: z.string().nullable().openapi({ description: 'A deputy deciding in the approver\'s place; null for Gatehouse (auto-deny).' }),
    principalId: z.string(),
    decision: z.enum(['approve', 'deny']),
    comment: z.string().nullable(),
    decidedAt: z.string(),
  })
  .openapi('ApprovalDecision');

export type Decision = z.infer<typeof decisionSchema>;

export const stageSchema = z
  .object({
    id: z.string(),
    position: z.number().int(),
    name: z.string(),
    quorum: z.enum(['any', 'all']),
    status: z.enum(['waiting', 'active', 'approved', 'denied', 'expired', 'cancelled']),
    approverIds: z.array(z.string()),
    escalated: z.boolean(),
    activatedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    decisions: z.array(decisionSchema),
  })
  .openapi('RequestStage');

export type Stage = z.infer<typeof stageSchema>;

export const accessRequestSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    applicationId: z.string(),
    accountId: z.string(),
    subjectWorkerId: z.string(),
    requesterPrincipalId: z.string(),
    requesterWorkerId: z.string().nullable(),
    assessmentId: z.string().nullable(),
    justification: z.string(),
    status: z.enum(requestStatuses),
    riskLevel: z.enum(riskLevels),
    policyVersion: z.number().int().nullable(),
    sodConflicts: z.array(z.object({ ruleId: z.string(), description: z.string() })),
    failure: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    submittedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    items: z.array(requestItemSchema),
    stages: z.array(stageSchema),
  })
  .openapi('AccessRequest');

export type AccessRequest = z.infer<typeof accessRequestSchema>;
export type RequestHeader = Omit<AccessRequest, 'items' | 'stages'>;

export const requestListQueryShape = {
  status: z.enum(requestStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }),
  subjectWorkerId: idValueSchema.optional().openapi({ param: { name: 'subjectWorkerId', in: 'query' }, description: 'Only the requests about this worker.' }),
};

export const acknowledgeSchema = z
  .strictObject({ agreementVersion: z.string().trim().min(1).max(40).openapi({ description: 'The version of the agreement text the worker read.' }) })
  .openapi('Acknowledge');

export const acknowledgmentSchema = z
  .object({ id: z.string(), workerId: z.string(), agreementVersion: z.string(), principalId: z.string(), acknowledgedAt: z.string() })
  .openapi('Acknowledgment');

export type Acknowledgment = z.infer<typeof acknowledgmentSchema>;

export const acknowledgmentStatusSchema = z
  .object({
    workerId: z.string(),
    agreement: z.object({ version: z.string(), text: z.string() }),
    acknowledged: z.boolean(),
    required: z.boolean().openapi({ description: 'True when the worker holds provisioned access but has not acknowledged the current agreement.' }),
    acknowledgments: z.array(acknowledgmentSchema),
  })
  .openapi('AcknowledgmentStatus');

export type AcknowledgmentStatus = z.infer<typeof acknowledgmentStatusSchema>;
