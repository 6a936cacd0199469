import { z } from '@hono/zod-openapi';
import { idValueSchema } from '../../shared/id-schema.ts';

export const jobTypeSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{1,63}$/, 'Use 2 to 64 lower-case letters, digits and "_", starting with a letter, e.g. "cps_caseworker".');

const functionIdsSchema = z.array(idValueSchema).max(100).openapi({ description: 'The business functions of the template, all of its application (at most 100; repeats count once).' });

export const createTemplateSchema = z
  .strictObject({
    applicationId: idValueSchema,
    jobType: jobTypeSchema,
    name: z.string().trim().min(1).max(200),
    functionIds: functionIdsSchema.default([]),
  })
  .openapi('CreateAccessTemplate');

export type CreateTemplateInput = z.infer<typeof createTemplateSchema>;

export const replaceTemplateFunctionsSchema = z.strictObject({ functionIds: functionIdsSchema }).openapi('ReplaceTemplateFunctions');

export const accessTemplateSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    applicationId: z.string(),
    jobType: z.string(),
    name: z.string(),
    functionIds: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AccessTemplate');

export type AccessTemplate = z.infer<typeof accessTemplateSchema>;
