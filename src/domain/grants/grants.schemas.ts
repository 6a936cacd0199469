import { z } from '@hono/zod-openapi';
import type { GrantKind, ProvenanceKind } from '../../db/schema.ts';
import { idValueSchema } from '../../shared/id-schema.ts';
import { booleanQuerySchema, instantSchema } from '../../shared/value-schemas.ts';

export const grantKinds = ['function', 'unit_hierarchy'] as const satisfies readonly GrantKind[];
export const provenanceKinds = ['request', 'assessment', 'coverage', 'exception', 'import'] as const satisfies readonly ProvenanceKind[];

export const grantSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    workerId: z.string(),
    agencyId: z.string(),
    applicationId: z.string(),
    kind: z.enum(grantKinds),
    functionId: z.string().nullable().openapi({ description: 'Set on a `function` grant.' }),
    unitId: z.string().nullable().openapi({ description: 'Set on a `unit_hierarchy` grant: that unit and every unit beneath it.' }),
    provenance: z.object({ kind: z.enum(provenanceKinds), id: z.string() }).openapi({ description: 'What approved this grant (DESIGN rule 3).' }),
    grantedBy: z.string(),
    grantedAt: z.string(),
    validFrom: z.string(),
    validTo: z.string().nullable().openapi({ description: 'The grant ends here by itself.' }),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
    revokeReason: z.string().nullable(),
  })
  .openapi('Grant');

export type Grant = z.infer<typeof grantSchema>;

/** What a grant needs; callers (approvals, the demo loader) have already decided it is approved. */
export interface GrantInput {
  accountId: string;
  kind: GrantKind;
  functionId?: string | null | undefined;
  unitId?: string | null | undefined;
  provenanceKind: ProvenanceKind;
  provenanceId: string;
  /** ISO instant; defaults to now. */
  validFrom?: string | null | undefined;
  /** ISO instant; null or absent: until revoked. */
  validTo?: string | null | undefined;
  reason?: string | null | undefined;
}

export const revokeGrantSchema = z
  .strictObject({ reason: z.string().trim().min(1).max(500).openapi({ example: 'Moved to the adoption unit; no longer needs CPS SUPERVISOR.' }) })
  .openapi('RevokeGrant');

export const workerGrantsQueryShape = {
  includeEnded: booleanQuerySchema.default(false).openapi({ param: { name: 'includeEnded', in: 'query' }, description: 'Also list revoked and expired grants.' }),
  at: instantSchema.optional().openapi({ param: { name: 'at', in: 'query' }, description: 'The instant at which grants must be live (default now); ignored with includeEnded=true.' }),
};

export const agencyGrantsQueryShape = {
  functionId: idValueSchema.optional().openapi({ param: { name: 'functionId', in: 'query' } }),
  kind: z.enum(grantKinds).optional().openapi({ param: { name: 'kind', in: 'query' } }),
  live: booleanQuerySchema.default(false).openapi({ param: { name: 'live', in: 'query' }, description: 'Only grants live now.' }),
};
