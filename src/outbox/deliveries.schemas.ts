import { z } from '@hono/zod-openapi';

export const deliveryStatuses = ['pending', 'failed'] as const;

export const deliverySchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    applicationId: z.string(),
    agencyId: z.string(),
    status: z.enum(deliveryStatuses).openapi({ description: 'pending: will be tried (again); failed: given up, see lastError, retry by hand.' }),
    reason: z.string().openapi({ description: 'The change that last asked for the delivery, e.g. account.disabled.' }),
    attempts: z.number().int(),
    dueAt: z.string(),
    lastError: z.string().nullable().openapi({ description: "The application's own message when it refused or failed the last attempt." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Delivery');

export type DeliveryView = z.infer<typeof deliverySchema>;
