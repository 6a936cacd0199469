import { z } from '@hono/zod-openapi';
import { accessRequestSchema } from './requests.schemas.ts';

const heldGrantSchema = z
  .object({
    grantId: z.string(),
    kind: z.enum(['function', 'unit_hierarchy']),
    functionId: z.string().nullable(),
    code: z.string().nullable(),
    unitId: z.string().nullable(),
    validTo: z.string().nullable(),
    inTemplate: z.boolean().openapi({ description: "False for a function outside the worker's job template." }),
  })
  .openapi('HeldGrant');

export const inboxItemSchema = z
  .object({
    request: accessRequestSchema,
    stage: z.object({ id: z.string(), name: z.string(), dueAt: z.string().nullable(), escalated: z.boolean() }),
    seats: z.array(z.string()).openapi({ description: 'The approvers whose seat you fill: your own worker id, or those you are a deputy for today.' }),
    subjectAccess: z
      .object({ accountStatus: z.string(), unitId: z.string(), grants: z.array(heldGrantSchema) })
      .openapi({ description: 'What the worker holds now in the application.' }),
    beyondTemplate: z
      .object({ requested: z.array(z.string()), held: z.array(z.string()) })
      .openapi({ description: "Function ids beyond the worker's job template: asked for by this request, and already held." }),
    sodWarnings: z.array(z.object({ ruleId: z.string(), description: z.string() })).openapi({ description: 'Separation-of-duties rules the request would break, by the rules in force now.' }),
  })
  .openapi('InboxItem');

export type InboxItem = z.infer<typeof inboxItemSchema>;
