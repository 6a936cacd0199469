import { z } from '@hono/zod-openapi';

export const startRunSchema = z
  .strictObject({
    dryRun: z.boolean().default(false),
    confirm: z.boolean().default(false),
    skipInvalid: z.boolean().default(false),
  })
  .openapi('StartSyncRun');

const problemSchema = z.object({ ref: z.string(), reason: z.string() });

export const syncRunSchema = z
  .object({
    id: z.string(),
    sourceId: z.string(),
    agencyId: z.string(),
    trigger: z.enum(['schedule', 'manual', 'poll', 'push']),
    dryRun: z.boolean(),
    status: z.enum(['running', 'succeeded', 'failed', 'stopped_threshold', 'planned']),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    counts: z.record(z.string(), z.unknown()),
    problems: z.array(problemSchema),
    planFile: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('SyncRun');
