// Leavers: departure cases and the end-date deadline per agency.

export type LeaverCaseStatus = 'open' | 'end_dated' | 'cancelled';
export type LeaverCause = 'directory_disabled' | 'termination_date' | 'gone_from_directory' | 'scim_inactive' | 'scim_deleted';

/** One departure: opened when the worker is disabled, closed by end-dating (or cancelled by a re-enable). */
export interface LeaverCasesTable {
  id: string;
  agency_id: string;
  worker_id: string;
  status: LeaverCaseStatus;
  cause: LeaverCause;
  sync_run_id: string | null;
  detected_at: string;
  disabled_at: string;
  /** When the accounts must be end-dated: the agency's business days after detection. */
  due_at: string;
  escalated_at: string | null;
  /** When the worker was first seen owning no open work item (the end of reassignment). */
  work_reassigned_at: string | null;
  end_dated_at: string | null;
  cancelled_at: string | null;
  version: number;
  updated_at: string;
}

export interface LeaverSettingsTable {
  agency_id: string;
  end_date_business_days: number;
  updated_by: string;
  updated_at: string;
}

export interface LeaverTables {
  leaver_cases: LeaverCasesTable;
  leaver_settings: LeaverSettingsTable;
}
