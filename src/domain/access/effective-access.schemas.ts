import { z } from '@hono/zod-openapi';
import { instantSchema } from '../../shared/value-schemas.ts';
import { provenanceKinds } from '../grants/grants.schemas.ts';

export const noAccessReasons = ['not_registered', 'directory_disabled', 'on_leave', 'no_account', 'account_disabled', 'end_dated'] as const;
export type NoAccessReason = (typeof noAccessReasons)[number];

export const effectiveAccessSchema = z
  .object({
    workerId: z.string(),
    applicationId: z.string(),
    at: z.string().openapi({ description: 'The instant the answer is for.' }),
    active: z.boolean().openapi({ description: 'False when any of `reasons` holds; then there are no functions and no units.' }),
    reasons: z.array(z.enum(noAccessReasons)),
    functions: z.array(
      z.object({
        grantId: z.string(),
        functionId: z.string(),
        code: z.string(),
        name: z.string(),
        securityAttributes: z.array(z.string()),
        provenance: z.object({ kind: z.enum(provenanceKinds), id: z.string() }),
        validTo: z.string().nullable(),
      }),
    ),
    units: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), via: z.enum(['placement', 'hierarchy']) })),
  })
  .openapi('EffectiveAccess');

export type EffectiveAccess = z.infer<typeof effectiveAccessSchema>;
export type AccessUnit = EffectiveAccess['units'][number];

export const effectiveAccessQuerySchema = z.strictObject({
  application: z.string().trim().min(1).max(100).openapi({ param: { name: 'application', in: 'query' }, description: 'Application id or code.', example: 'CONNECTIONS' }),
  at: instantSchema.optional().openapi({ param: { name: 'at', in: 'query' }, description: 'Any instant, past or present; default now.' }),
});
