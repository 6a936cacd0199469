import { z } from '@hono/zod-openapi';
import { idValueSchema } from '../../shared/id-schema.ts';

export const riskLevels = ['low', 'medium', 'high'] as const;

const functionCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9 &/-]{1,63}$/, 'Use 2 to 64 capital letters, digits, spaces, "&", "/" and "-", starting with a letter, e.g. "CPS CASEWORKER".');

const functionFields = {
  code: functionCodeSchema,
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullable(),
  securityAttributes: z.array(z.string().trim().min(1).max(100)).max(50).openapi({ example: ['Case Search'] }),
  riskLevel: z.enum(riskLevels),
  ownerWorkerId: idValueSchema.nullable(),
  requestable: z.boolean(),
};

export const createFunctionSchema = z
  .strictObject({
    ...functionFields,
    description: functionFields.description.default(null),
    securityAttributes: functionFields.securityAttributes.default([]),
    ownerWorkerId: functionFields.ownerWorkerId.default(null),
    requestable: functionFields.requestable.default(true),
  })
  .openapi('CreateBusinessFunction');

export type CreateFunctionInput = z.infer<typeof createFunctionSchema>;

export const updateFunctionSchema = z
  .strictObject({
    code: functionFields.code.optional(),
    name: functionFields.name.optional(),
    description: functionFields.description.optional(),
    securityAttributes: functionFields.securityAttributes.optional(),
    riskLevel: functionFields.riskLevel.optional(),
    ownerWorkerId: functionFields.ownerWorkerId.optional(),
    requestable: functionFields.requestable.optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'Give at least one field to change.')
  .openapi('UpdateBusinessFunction');

export type UpdateFunctionInput = z.infer<typeof updateFunctionSchema>;

export const businessFunctionSchema = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    securityAttributes: z.array(z.string()),
    riskLevel: z.enum(riskLevels),
    ownerWorkerId: z.string().nullable(),
    requestable: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('BusinessFunction');

export type BusinessFunction = z.infer<typeof businessFunctionSchema>;
