// Movers and leave: lifecycle settings, access exceptions, scheduled removals, leaves and coverage.

import type { RiskLevel } from './access.ts';

/** Per-agency lifecycle settings; an agency without a row uses the defaults. */
export interface LifecycleSettingsTable {
  agency_id: string;
  /** Business days a grant outside the new job's template is kept after a job change (high risk: none). */
  removal_business_days: number;
  updated_by: string;
  updated_at: string;
}

/** keep: keep a held function despite a job change; hold: hold a function outside the job template. */
export type ExceptionKind = 'keep' | 'hold';
export type ExceptionStatus = 'requested' | 'active' | 'expired' | 'rejected';

export interface AccessExceptionsTable {
  id: string;
  agency_id: string;
  worker_id: string;
  account_id: string;
  function_id: string;
  kind: ExceptionKind;
  days: number;
  justification: string;
  /** The access request that decides the exception under the agency's approval policy. */
  request_id: string;
  status: ExceptionStatus;
  /** keep: the grant kept; hold: the grant the exception gave. */
  grant_id: string | null;
  ends_at: string;
  requested_by: string;
  created_at: string;
  activated_at: string | null;
  closed_at: string | null;
}

export type RemovalStatus = 'scheduled' | 'done' | 'cancelled';

/** A grant outside a mover's new template, removed when due unless an exception keeps it. */
export interface ScheduledRemovalsTable {
  id: string;
  agency_id: string;
  worker_id: string;
  account_id: string;
  grant_id: string;
  function_id: string;
  lifecycle_event_id: string | null;
  /** The job type whose template the grant is outside of. */
  job_type: string;
  risk_level: RiskLevel;
  exception_id: string | null;
  status: RemovalStatus;
  scheduled_at: string;
  due_at: string;
  closed_at: string | null;
  outcome: string | null;
}

export type LeaveStatus = 'scheduled' | 'on_leave' | 'returned' | 'cancelled';

export interface LeavesTable {
  id: string;
  agency_id: string;
  worker_id: string;
  starts_on: string;
  /** The expected (or, once back, actual) return date; null while unknown. */
  returns_on: string | null;
  /** When starts_on begins in the agency's time zone: when the leave timer starts it. */
  starts_at: string;
  returns_at: string | null;
  status: LeaveStatus;
  reason: string;
  /** JSON list of the grants held when the leave started. */
  snapshot: string | null;
  started_at: string | null;
  returned_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface CoveragesTable {
  id: string;
  agency_id: string;
  leave_id: string;
  absent_worker_id: string;
  covering_worker_id: string;
  unit_id: string;
  /** The covering worker's unit hierarchy grant (provenance coverage). */
  grant_id: string;
  status: 'active' | 'ended';
  starts_at: string;
  ends_at: string | null;
  ended_at: string | null;
  reason: string;
  created_by: string;
  created_at: string;
}

export interface LifecycleTables {
  lifecycle_settings: LifecycleSettingsTable;
  access_exceptions: AccessExceptionsTable;
  scheduled_removals: ScheduledRemovalsTable;
  leaves: LeavesTable;
  coverages: CoveragesTable;
}
