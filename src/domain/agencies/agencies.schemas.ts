import { z } from '@hono/zod-openapi';
import { isTimeZone } from '../../shared/dates.ts';

export const agencyKinds = ['district', 'voluntary', 'state'] as const;

export const agencyCodeSchema = z
  .string()
  .trim()
  .min(2)
  .max(20)
  .regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'Use capital letters, digits, "_" and "-", e.g. "MONROE".');

export const createAgencySchema = z
  .strictObject({
    code: agencyCodeSchema,
    name: z.string().trim().min(1).max(200),
    kind: z.enum(agencyKinds),
    timeZone: z.string().trim().max(64).refine(isTimeZone, 'Not a known IANA time zone, e.g. "America/New_York".').default('America/New_York'),
  })
  .openapi('CreateAgency');

export type CreateAgencyInput = z.infer<typeof createAgencySchema>;

export const agencySchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(agencyKinds),
    timeZone: z.string(),
    holdingUnitId: z.string(),
    createdAt: z.string(),
  })
  .openapi('Agency');

export type Agency = z.infer<typeof agencySchema>;
