import { z } from '@hono/zod-openapi';

const differenceSchema = z.object({ field: z.string(), current: z.unknown(), desired: z.unknown() });

export const reconcileReportSchema = z
  .object({
    applicationId: z.string(),
    policy: z.enum(['report', 'repair']),
    startedAt: z.string(),
    finishedAt: z.string(),
    targetUsers: z.number().int().openapi({ description: 'Users read from the application.' }),
    accounts: z.number().int().openapi({ description: "Gatehouse's accounts in the application." }),
    truncated: z.boolean().openapi({ description: 'The application holds more users than a reconcile reads; missing and extra users are then not reported.' }),
    counts: z.object({ changed: z.number().int(), missing: z.number().int(), extra: z.number().int(), repaired: z.number().int() }),
    changed: z.array(z.object({ accountId: z.string(), userName: z.string(), remoteId: z.string(), differences: z.array(differenceSchema) })),
    missing: z.array(z.object({ accountId: z.string(), userName: z.string() })),
    extra: z.array(z.object({ remoteId: z.string(), userName: z.string(), active: z.boolean() })),
  })
  .openapi('ReconcileReport', { description: 'Drift between Gatehouse and an application; each list shows at most 100 entries, the counts are complete.' });

export type ReconcileReport = z.infer<typeof reconcileReportSchema>;
