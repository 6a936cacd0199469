import { z } from '@hono/zod-openapi';
import { Cron } from 'croner';

export const sourceKinds = ['builtin', 'csv', 'ldap', 'scim'] as const;

function isCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

/** Five-field cron, e.g. "0 2 * * *" (02:00 every night, the default). */
export const cronSchema = z
  .string()
  .trim()
  .max(100)
  .regex(/^(\S+\s+){4}\S+$/, 'Use a five-field cron expression, e.g. "0 2 * * *" for 02:00 every night.')
  .refine(isCron, 'Not a valid cron expression; e.g. "0 2 * * *" is 02:00 every night.');

export const createSourceSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).regex(/^[a-z0-9][a-z0-9_-]*$/, 'Use lower-case letters, digits, "_" and "-", e.g. "hr-feed".'),
    kind: z.enum(sourceKinds),
    config: z.record(z.string(), z.unknown()).default({}),
    schedule: cronSchema.default('0 2 * * *'),
    enabled: z.boolean().default(true),
  })
  .openapi('CreateDirectorySource');

export type CreateSourceInput = z.infer<typeof createSourceSchema>;

export const sourceSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    name: z.string(),
    kind: z.enum(sourceKinds),
    config: z.record(z.string(), z.unknown()),
    schedule: z.string(),
    enabled: z.boolean(),
    watermark: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('DirectorySource');

export type DirectorySource = z.infer<typeof sourceSchema>;
