// The hash-chained audit log.

import type { Selectable } from 'kysely';

export interface AuditEventsTable {
  seq: number;
  at: string;
  actor_id: string;
  actor_name: string;
  action: string;
  subject_type: string;
  subject_id: string;
  agency_id: string | null;
  reason: string | null;
  request_id: string | null;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

/** One row: the last event's sequence number and hash, so truncating the log's tail shows. */
export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface AuditTables {
  audit_events: AuditEventsTable;
  audit_chain_head: AuditChainHeadTable;
}

export type AuditEventRow = Selectable<AuditEventsTable>;
