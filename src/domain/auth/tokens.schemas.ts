import { z } from '@hono/zod-openapi';
import { idValueSchema } from '../../shared/id-schema.ts';

export const roles = ['state_admin', 'lan_admin', 'security_coordinator', 'auditor', 'worker'] as const;

export const createTokenSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    role: z.enum(roles),
    agencyId: idValueSchema.nullable().default(null),
    workerId: idValueSchema.nullable().default(null),
    expiresAt: z.string().datetime().nullable().default(null),
  })
  .openapi('CreateToken');

export const createdTokenSchema = z
  .object({
    id: z.string(),
    principalId: z.string(),
    token: z.string().openapi({ description: 'Shown once; only its hash is stored.' }),
    role: z.enum(roles),
    agencyId: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .openapi('CreatedToken');
