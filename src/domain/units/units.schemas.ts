import { z } from '@hono/zod-openapi';
import { idValueSchema } from '../../shared/id-schema.ts';

export const unitCodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'Use capital letters, digits, "_" and "-", e.g. "B12".');

const unitNameSchema = z.string().trim().min(1).max(200);
const siteSchema = z.string().trim().min(1).max(200).nullable();

export const createUnitSchema = z
  .strictObject({
    code: unitCodeSchema,
    name: unitNameSchema,
    site: siteSchema.optional(),
    parentId: idValueSchema.nullable().optional().openapi({ description: 'The unit above this one; leave out for a top-level unit.' }),
  })
  .openapi('CreateUnit');

export type CreateUnitInput = z.infer<typeof createUnitSchema>;

export const updateUnitSchema = z
  .strictObject({
    code: unitCodeSchema.optional(),
    name: unitNameSchema.optional(),
    site: siteSchema.optional(),
    parentId: idValueSchema.nullable().optional().openapi({ description: 'Move the unit under another; null makes it top-level.' }),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'Give at least one field to change.')
  .openapi('UpdateUnit');

export type UpdateUnitInput = z.infer<typeof updateUnitSchema>;

export const setApproverSchema = z.strictObject({ workerId: idValueSchema }).openapi('SetUnitApprover');

export const unitSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    parentId: z.string().nullable(),
    code: z.string(),
    name: z.string(),
    site: z.string().nullable(),
    holding: z.boolean().openapi({ description: 'True for the N01 holding unit, where new accounts land without access.' }),
    approverWorkerId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Unit');

export type Unit = z.infer<typeof unitSchema>;
