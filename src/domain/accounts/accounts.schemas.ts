import { z } from '@hono/zod-openapi';
import { isCalendarDate } from '../../shared/dates.ts';
import { idValueSchema } from '../../shared/id-schema.ts';

export const accountStatuses = ['active', 'disabled', 'end_dated'] as const;

/** Who disabled an account: a coordinator by hand, the directory (a disabled user), or recorded leave. */
export const disabledByValues = ['coordinator', 'directory', 'leave'] as const;
export type DisabledBy = (typeof disabledByValues)[number];

const reasonSchema = z.string().trim().min(1).max(500).openapi({ example: 'Left the agency on 2026-03-01' });

export const openAccountSchema = z.strictObject({ workerId: idValueSchema, applicationId: idValueSchema }).openapi('OpenAccount');

export type OpenAccountInput = z.infer<typeof openAccountSchema>;

export const moveAccountSchema = z
  .strictObject({
    unitId: idValueSchema,
    version: z.number().int().min(1).openapi({ description: 'The version you last read; a newer one means someone else changed the account.' }),
  })
  .openapi('MoveAccount');

export type MoveAccountInput = z.infer<typeof moveAccountSchema>;

export const accountReasonSchema = z.strictObject({ reason: reasonSchema }).openapi('AccountReason');

export const endDateAccountSchema = z
  .strictObject({
    endDate: z.string().trim().refine(isCalendarDate, 'Use a calendar date YYYY-MM-DD, e.g. "2026-03-31".'),
    reason: reasonSchema,
  })
  .openapi('EndDateAccount');

export type EndDateAccountInput = z.infer<typeof endDateAccountSchema>;

export const accountSchema = z
  .object({
    id: z.string(),
    workerId: z.string(),
    applicationId: z.string(),
    agencyId: z.string(),
    unitId: z.string(),
    status: z.enum(accountStatuses),
    disabledBy: z.enum(disabledByValues).nullable(),
    endDate: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Account');

export type Account = z.infer<typeof accountSchema>;

/** One row of an account's history: its state from `validFrom` until `validTo` (null: still current). */
export interface AccountState {
  accountId: string;
  validFrom: string;
  validTo: string | null;
  status: Account['status'];
  unitId: string;
  endDate: string | null;
}
