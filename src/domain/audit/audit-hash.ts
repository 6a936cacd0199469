import { hash } from 'node:crypto';
import type { AuditEventRow } from '../../db/schema.ts';

export const genesisHash = '0'.repeat(64);

/** The hash covers every field but itself, in a fixed order, so any edit to a row changes it. */
export function hashAuditEvent(event: Omit<AuditEventRow, 'hash'>): string {
  const canonical = JSON.stringify([
    event.seq,
    event.at,
    event.actor_id,
    event.actor_name,
    event.action,
    event.subject_type,
    event.subject_id,
    event.agency_id,
    event.reason,
    event.request_id,
    event.before,
    event.after,
    event.prev_hash,
  ]);
  return hash('sha256', canonical, 'hex');
}
