import { z } from '@hono/zod-openapi';
import { idValueSchema } from '../../shared/id-schema.ts';
import { isCalendarDate } from '../../shared/dates.ts';
import { type WorkerDates, dateOrderProblems } from './worker-dates.ts';

export const loginIdSchema = z
  .string()
  .trim()
  .max(64)
  .regex(/^[A-Za-z0-9._-]{2,64}$/, 'Use 2 to 64 letters, digits, ".", "_" or "-", e.g. "jdoe01".');

export const jobTypeSchema = z
  .string()
  .trim()
  .max(64)
  .regex(/^[a-z][a-z0-9_]{1,63}$/, 'Use a job type code: a lower-case letter, then lower-case letters, digits or "_", e.g. "cps_caseworker".');

export const calendarDateSchema = z
  .string()
  .trim()
  .max(10)
  .refine(isCalendarDate, 'Use a calendar date YYYY-MM-DD, e.g. "2026-03-02".')
  .openapi({ example: '2026-03-02' });

const nameSchema = z.string().trim().min(1).max(100);
const emailSchema = z.string().trim().max(254).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Use an email address, e.g. "jane.doe@example.org".');
const externalIdSchema = z.string().trim().min(1).max(200);
export const reasonSchema = z.string().trim().min(1).max(500);

/** Reports out-of-order dates against the fields they came from. */
function checkDateOrder(dates: WorkerDates, ctx: z.RefinementCtx): void {
  for (const problem of dateOrderProblems(dates)) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
}

export const registerWorkerSchema = z
  .strictObject({
    loginId: loginIdSchema.openapi({ description: 'Unique statewide, ignoring case.' }),
    firstName: nameSchema,
    lastName: nameSchema,
    email: emailSchema.nullable().optional(),
    unitId: idValueSchema.openapi({ description: 'The directory unit: a unit of the same agency.' }),
    jobType: jobTypeSchema,
    supervisorId: idValueSchema.nullable().optional(),
    enabled: z.boolean().default(true),
    hireDate: calendarDateSchema.nullable().optional(),
    leaveStart: calendarDateSchema.nullable().optional(),
    leaveReturn: calendarDateSchema.nullable().optional(),
    terminationDate: calendarDateSchema.nullable().optional(),
    externalId: externalIdSchema.nullable().optional(),
  })
  .superRefine((input, ctx) => checkDateOrder({ ...input, leaveStart: input.leaveStart ?? null }, ctx))
  .openapi('RegisterWorker');

export type RegisterWorkerInput = z.infer<typeof registerWorkerSchema>;

export const updateWorkerSchema = z
  .strictObject({
    version: z.number().int().min(1).optional().openapi({ description: 'The version you read; or send it as If-Match. A mismatch answers 409 conflict.version.' }),
    reason: reasonSchema.optional().openapi({ description: 'Why, for the audit log.' }),
    loginId: loginIdSchema.optional(),
    firstName: nameSchema.optional(),
    lastName: nameSchema.optional(),
    email: emailSchema.nullable().optional(),
    unitId: idValueSchema.optional(),
    jobType: jobTypeSchema.optional(),
    supervisorId: idValueSchema.nullable().optional(),
    hireDate: calendarDateSchema.nullable().optional(),
    leaveStart: calendarDateSchema.nullable().optional(),
    leaveReturn: calendarDateSchema.nullable().optional(),
    terminationDate: calendarDateSchema.nullable().optional(),
    externalId: externalIdSchema.nullable().optional(),
  })
  .superRefine((patch, ctx) => {
    const changes = Object.entries(patch).filter(([key, value]) => key !== 'version' && key !== 'reason' && value !== undefined);
    if (changes.length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'Give at least one field to change.' });
    checkDateOrder(patch, ctx);
  })
  .openapi('UpdateWorker');

export type UpdateWorkerInput = z.infer<typeof updateWorkerSchema>;

export const statusChangeSchema = z.strictObject({ reason: reasonSchema.openapi({ description: 'Why, for the audit log.' }) }).openapi('WorkerStatusChange');

export const workerSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    loginId: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    unitId: z.string(),
    jobType: z.string(),
    supervisorId: z.string().nullable(),
    enabled: z.boolean(),
    hireDate: z.string().nullable(),
    leaveStart: z.string().nullable(),
    leaveReturn: z.string().nullable(),
    terminationDate: z.string().nullable(),
    source: z.string().openapi({ description: '"builtin" for workers registered through Gatehouse; otherwise the directory they came from.' }),
    externalId: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Worker');

export type Worker = z.infer<typeof workerSchema>;
