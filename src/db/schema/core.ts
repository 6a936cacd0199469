// Agencies, their units and workers, and the work items workers own.

import type { Insertable, Selectable, Updateable } from 'kysely';

/** Flags are stored as 0/1 so SQLite and PostgreSQL read them alike. */
export type Flag = 0 | 1;

export interface AgenciesTable {
  id: string;
  code: string;
  name: string;
  kind: 'district' | 'voluntary' | 'state';
  time_zone: string;
  created_at: string;
  updated_at: string;
}

export interface UnitsTable {
  id: string;
  agency_id: string;
  parent_id: string | null;
  code: string;
  name: string;
  site: string | null;
  is_holding: Flag;
  approver_worker_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface WorkersTable {
  id: string;
  agency_id: string;
  login_id: string;
  login_key: string;
  first_name: string;
  last_name: string;
  email: string | null;
  unit_id: string;
  job_type: string;
  supervisor_id: string | null;
  enabled: Flag;
  hire_date: string | null;
  leave_start: string | null;
  leave_return: string | null;
  termination_date: string | null;
  source: string;
  external_id: string | null;
  /** The directory source this worker comes from (null: the built-in directory). */
  source_id: string | null;
  /** Hash of the source record last applied, so an unchanged record costs one comparison. */
  source_hash: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface WorkerHistoryTable {
  id: string;
  worker_id: string;
  valid_from: string;
  valid_to: string | null;
  enabled: Flag;
  unit_id: string;
  job_type: string;
  leave_start: string | null;
  leave_return: string | null;
  termination_date: string | null;
}

export interface WorkItemsTable {
  id: string;
  agency_id: string;
  application_id: string;
  kind: 'case' | 'todo';
  reference: string;
  title: string;
  unit_id: string;
  owner_worker_id: string;
  status: 'open' | 'closed';
  due_date: string | null;
  opened_at: string;
  closed_at: string | null;
  version: number;
  updated_at: string;
}

export interface CoreTables {
  agencies: AgenciesTable;
  units: UnitsTable;
  workers: WorkersTable;
  worker_history: WorkerHistoryTable;
  work_items: WorkItemsTable;
}

export type AgencyRow = Selectable<AgenciesTable>;
export type UnitRow = Selectable<UnitsTable>;
export type WorkerRow = Selectable<WorkersTable>;
export type NewWorkerRow = Insertable<WorkersTable>;
export type WorkerPatch = Updateable<WorkersTable>;
export type WorkItemRow = Selectable<WorkItemsTable>;
