import { z } from '@hono/zod-openapi';
import { isCalendarDate } from '../../shared/dates.ts';
import { idValueSchema } from '../../shared/id-schema.ts';

export const workItemKinds = ['case', 'todo'] as const;
export const workItemStatuses = ['open', 'closed'] as const;

const reasonField = z.string().trim().min(1).max(500);

export const workItemSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    applicationId: z.string(),
    kind: z.enum(workItemKinds),
    reference: z.string().openapi({ description: "The case or to-do number in the application; unique per agency and kind." }),
    title: z.string(),
    unitId: z.string(),
    ownerWorkerId: z.string(),
    status: z.enum(workItemStatuses),
    dueDate: z.string().nullable(),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('WorkItem');

export type WorkItem = z.infer<typeof workItemSchema>;

export const createWorkItemSchema = z
  .strictObject({
    applicationId: idValueSchema,
    kind: z.enum(workItemKinds),
    reference: z.string().trim().min(1).max(64).openapi({ example: '2026-004117' }),
    title: z.string().trim().min(1).max(300),
    unitId: idValueSchema,
    ownerWorkerId: idValueSchema,
    dueDate: z.string().trim().refine(isCalendarDate, 'Must be a calendar date YYYY-MM-DD.').nullable().optional(),
  })
  .openapi('CreateWorkItem');

export type CreateWorkItemInput = z.infer<typeof createWorkItemSchema>;

export const closeWorkItemSchema = z.strictObject({ reason: reasonField }).openapi('CloseWorkItem');

export const reassignWorkItemSchema = z
  .strictObject({
    ownerWorkerId: idValueSchema,
    reason: reasonField.openapi({ example: 'Worker leaving; case goes to the unit supervisor.' }),
    version: z.number().int().min(1).openapi({ description: 'The version you read; a newer one means someone changed the item since.' }),
  })
  .openapi('ReassignWorkItem');

export type ReassignWorkItemInput = z.infer<typeof reassignWorkItemSchema>;

export const workItemListQueryShape = {
  ownerWorkerId: idValueSchema.optional().openapi({ param: { name: 'ownerWorkerId', in: 'query' } }),
  status: z.enum(workItemStatuses).optional().openapi({ param: { name: 'status', in: 'query' } }),
  kind: z.enum(workItemKinds).optional().openapi({ param: { name: 'kind', in: 'query' } }),
  unitId: idValueSchema.optional().openapi({ param: { name: 'unitId', in: 'query' } }),
};
