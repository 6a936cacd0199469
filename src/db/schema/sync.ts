// Directory sources, their sync runs and the lifecycle events they detect, and the timers' leases.

import type { Flag } from './core.ts';

export type SourceKind = 'builtin' | 'csv' | 'ldap' | 'scim';

export interface SyncSourcesTable {
  id: string;
  agency_id: string;
  name: string;
  kind: SourceKind;
  config: string;
  schedule: string;
  enabled: Flag;
  watermark: string | null;
  created_at: string;
  updated_at: string;
}

export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'stopped_threshold' | 'planned';

export interface SyncRunsTable {
  id: string;
  source_id: string;
  agency_id: string;
  trigger: 'schedule' | 'manual' | 'poll' | 'push';
  dry_run: Flag;
  status: SyncRunStatus;
  started_at: string;
  finished_at: string | null;
  counts: string;
  problems: string;
  plan_file: string | null;
  error: string | null;
}

export type LifecycleKind = 'joiner' | 'mover' | 'leaver' | 'returner';

export interface LifecycleEventsTable {
  id: string;
  agency_id: string;
  worker_id: string;
  kind: LifecycleKind;
  detected_at: string;
  sync_run_id: string | null;
  details: string;
  handled_at: string | null;
}

export interface LeasesTable {
  name: string;
  owner: string;
  expires_at: string;
}

export interface SyncTables {
  sync_sources: SyncSourcesTable;
  sync_runs: SyncRunsTable;
  lifecycle_events: LifecycleEventsTable;
  leases: LeasesTable;
}
