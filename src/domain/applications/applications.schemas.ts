import { z } from '@hono/zod-openapi';

export const applicationKinds = ['builtin', 'scim', 'ldap'] as const;

const maxConfigBytes = 20 * 1024;

export const applicationCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'Use 2 to 32 capital letters, digits and "_", starting with a letter, e.g. "CONNECTIONS".');

const applicationConfigSchema = z
  .record(z.string().max(100), z.unknown())
  .refine((config) => Buffer.byteLength(JSON.stringify(config), 'utf8') <= maxConfigBytes, 'The config is larger than 20 KB; keep only the settings the connector needs.')
  .openapi({ description: 'Connector settings as a JSON object (at most 20 KB).' });

export const createApplicationSchema = z
  .strictObject({
    code: applicationCodeSchema,
    name: z.string().trim().min(1).max(200),
    kind: z.enum(applicationKinds),
    config: applicationConfigSchema.default({}),
  })
  .openapi('CreateApplication');

export type CreateApplicationInput = z.infer<typeof createApplicationSchema>;

export const updateApplicationSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    config: applicationConfigSchema.optional(),
  })
  .refine((patch) => patch.name !== undefined || patch.config !== undefined, 'Give a name or a config to change.')
  .openapi('UpdateApplication');

export type UpdateApplicationInput = z.infer<typeof updateApplicationSchema>;

export const applicationSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(applicationKinds),
    config: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Application');

export type Application = z.infer<typeof applicationSchema>;
