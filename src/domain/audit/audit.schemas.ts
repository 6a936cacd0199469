import { z } from '@hono/zod-openapi';
import type { AuditEventRow } from '../../db/schema.ts';

export const auditEventSchema = z
  .object({
    seq: z.number(),
    at: z.string(),
    actorId: z.string(),
    actorName: z.string(),
    action: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    agencyId: z.string().nullable(),
    reason: z.string().nullable(),
    requestId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEvent');

export type AuditEvent = z.infer<typeof auditEventSchema>;

export const chainVerificationSchema = z
  .object({
    ok: z.boolean(),
    eventsChecked: z.number(),
    firstBreak: z.object({ seq: z.number(), problem: z.string() }).optional(),
  })
  .openapi('ChainVerification');

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    agencyId: row.agency_id,
    reason: row.reason,
    requestId: row.request_id,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
