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

export interface ApplicationsTable {
  id: string;
  code: string;
  name: string;
  kind: 'builtin' | 'scim' | 'ldap';
  config: string;
  created_at: string;
  updated_at: string;
}

export type AccountStatus = 'active' | 'disabled' | 'end_dated';

export interface AccountsTable {
  id: string;
  worker_id: string;
  application_id: string;
  agency_id: string;
  unit_id: string;
  status: AccountStatus;
  disabled_by: string | null;
  end_date: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AccountHistoryTable {
  id: string;
  account_id: string;
  valid_from: string;
  valid_to: string | null;
  status: AccountStatus;
  unit_id: string;
  end_date: string | null;
}

export type RiskLevel = 'low' | 'medium' | 'high';

export interface BusinessFunctionsTable {
  id: string;
  application_id: string;
  code: string;
  name: string;
  description: string | null;
  security_attributes: string;
  risk_level: RiskLevel;
  owner_worker_id: string | null;
  requestable: Flag;
  created_at: string;
  updated_at: string;
}

export interface AccessTemplatesTable {
  id: string;
  agency_id: string;
  application_id: string;
  job_type: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface TemplateFunctionsTable {
  template_id: string;
  function_id: string;
}

export type GrantKind = 'function' | 'unit_hierarchy';
export type ProvenanceKind = 'request' | 'assessment' | 'coverage' | 'exception' | 'import';

export interface GrantsTable {
  id: string;
  account_id: string;
  worker_id: string;
  agency_id: string;
  application_id: string;
  kind: GrantKind;
  function_id: string | null;
  unit_id: string | null;
  provenance_kind: ProvenanceKind;
  provenance_id: string;
  granted_by: string;
  granted_at: string;
  valid_from: string;
  valid_to: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
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

export interface PrincipalsTable {
  id: string;
  name: string;
  kind: 'user' | 'service' | 'system';
  worker_id: string | null;
  disabled: Flag;
  created_at: string;
}

/** A person who signs in to the web console; the roles are on the principal. */
export interface ConsoleUsersTable {
  id: string;
  principal_id: string;
  /** Lower-cased. */
  login: string;
  /** Lower-cased; single sign-on matches on it when the subject is not yet known. */
  email: string | null;
  oidc_subject: string | null;
  /** scrypt, `scrypt$N$r$p$salt$hash`; null: single sign-on only. */
  password_hash: string | null;
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConsoleSessionsTable {
  /** sha256 of the session id the cookie carries. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export type Role = 'state_admin' | 'lan_admin' | 'security_coordinator' | 'auditor' | 'worker';

export interface RoleAssignmentsTable {
  id: string;
  principal_id: string;
  role: Role;
  agency_id: string | null;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  principal_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

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

export interface ScimTokensTable {
  id: string;
  agency_id: string;
  /** The agency's SCIM directory source: the workers this client pushes come from it. */
  source_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
}

/** The SCIM view of a worker a SCIM client pushed; gone (deleted) while the worker row stays. */
export interface ScimUsersTable {
  worker_id: string;
  agency_id: string;
  external_id: string | null;
  /** displayName lower-cased, for filters and sorting. */
  display_key: string | null;
  /** Every email value lower-cased, each between newlines ("\na@x\nb@y\n"), or "". */
  emails: string;
  /** The resource as last written, as JSON; Gatehouse's own columns override what they model. */
  resource: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ScimGroupsTable {
  id: string;
  agency_id: string;
  display_name: string;
  display_key: string;
  external_id: string | null;
  /** The group as last written, as JSON, without its members (they are rows of scim_group_members). */
  resource: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ScimGroupMembersTable {
  group_id: string;
  worker_id: string;
}

export type RequestStatus = 'draft' | 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled' | 'provisioned' | 'failed';

export interface ApprovalPoliciesTable {
  id: string;
  agency_id: string;
  /** Policies are versioned, never edited: a change is a new row with the next version. */
  version: number;
  /** The policy as JSON (stages per risk level, SoD mode). */
  definition: string;
  created_by: string;
  created_at: string;
}

export interface AccessRequestsTable {
  id: string;
  agency_id: string;
  application_id: string;
  account_id: string;
  subject_worker_id: string;
  requester_principal_id: string;
  requester_worker_id: string | null;
  assessment_id: string | null;
  justification: string;
  status: RequestStatus;
  risk_level: RiskLevel;
  /** The policy version the request was submitted under (0: the built-in default). */
  policy_version: number | null;
  /** JSON list of the separation-of-duties rules the request would break. */
  sod_conflicts: string;
  failure: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  closed_at: string | null;
}

export interface RequestItemsTable {
  id: string;
  request_id: string;
  position: number;
  action: 'add' | 'remove';
  kind: 'function' | 'unit_placement' | 'unit_hierarchy';
  function_id: string | null;
  unit_id: string | null;
  grant_id: string | null;
  valid_from: string | null;
  valid_to: string | null;
  beyond_template: Flag;
  justification: string | null;
}

export type StageStatus = 'waiting' | 'active' | 'approved' | 'denied' | 'expired' | 'cancelled';

export interface RequestStagesTable {
  id: string;
  request_id: string;
  position: number;
  name: string;
  quorum: 'any' | 'all';
  /** JSON: { hours } or { businessDays }. */
  deadline: string;
  /** JSON list of the worker ids who may decide this stage, resolved at submission. */
  approver_ids: string;
  status: StageStatus;
  escalated: Flag;
  activated_at: string | null;
  due_at: string | null;
  closed_at: string | null;
  /** When the approvers of the active stage are next reminded (half-time, one business day before); null: no more reminders. */
  next_reminder_at: string | null;
}

export interface RequestDecisionsTable {
  id: string;
  request_id: string;
  stage_id: string;
  /** The approver whose seat the decision fills. */
  approver_worker_id: string;
  /** Who decided: the approver, or their deputy; null for Gatehouse (auto-deny). */
  decided_by_worker_id: string | null;
  principal_id: string;
  decision: 'approve' | 'deny';
  comment: string | null;
  decided_at: string;
}

export interface DelegationsTable {
  id: string;
  agency_id: string;
  worker_id: string;
  deputy_worker_id: string;
  starts_on: string;
  ends_on: string;
  reason: string;
  created_by: string;
  created_at: string;
}

export interface SodRulesTable {
  id: string;
  agency_id: string;
  function_a_id: string;
  function_b_id: string;
  description: string;
  created_at: string;
}

export interface AssessmentsTable {
  id: string;
  agency_id: string;
  worker_id: string;
  application_id: string;
  survey_version: string;
  answers: string;
  proposal: string;
  request_id: string | null;
  assessed_by: string;
  created_at: string;
}

export interface AcknowledgmentsTable {
  id: string;
  agency_id: string;
  worker_id: string;
  agreement_version: string;
  principal_id: string;
  acknowledged_at: string;
}

export type DeliveryStatus = 'pending' | 'failed';

/** One account whose state must still reach its application; the state itself is read at delivery. */
export interface OutboxTable {
  id: string;
  account_id: string;
  application_id: string;
  agency_id: string;
  status: DeliveryStatus;
  /** What last asked for the delivery (e.g. "account.disabled"). */
  reason: string;
  /** Bumped by every change written while a delivery may be in flight, so it is not lost. */
  generation: number;
  attempts: number;
  due_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export type MailKind = 'approval_needed' | 'reminder' | 'escalation' | 'decision' | 'acknowledgment_needed' | 'acknowledgment_reminder';
export type MailStatus = 'pending' | 'sent' | 'failed';

/** One notification email, written with the change that caused it and sent after commit. */
export interface MailOutboxTable {
  id: string;
  agency_id: string;
  kind: MailKind;
  recipient_worker_id: string;
  /** The worker's email address when the mail was written; null: they have none (the row is failed). */
  to_address: string | null;
  subject: string;
  body: string;
  request_id: string | null;
  status: MailStatus;
  attempts: number;
  due_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
}

/** An agency's own assessment survey; versioned, never edited. */
export interface AssessmentSurveysTable {
  id: string;
  agency_id: string;
  version: number;
  /** The survey as JSON (questions and rules). */
  definition: string;
  created_by: string;
  created_at: string;
}

/** What a connected application last confirmed for an account, and its id there. */
export interface ConnectorAccountsTable {
  account_id: string;
  application_id: string;
  remote_id: string | null;
  /** The delivered state as JSON. */
  state: string;
  delivered_at: string;
}

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

export interface DB {
  agencies: AgenciesTable;
  units: UnitsTable;
  workers: WorkersTable;
  worker_history: WorkerHistoryTable;
  applications: ApplicationsTable;
  accounts: AccountsTable;
  account_history: AccountHistoryTable;
  business_functions: BusinessFunctionsTable;
  access_templates: AccessTemplatesTable;
  template_functions: TemplateFunctionsTable;
  grants: GrantsTable;
  work_items: WorkItemsTable;
  principals: PrincipalsTable;
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
  role_assignments: RoleAssignmentsTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  audit_chain_head: AuditChainHeadTable;
  sync_sources: SyncSourcesTable;
  sync_runs: SyncRunsTable;
  lifecycle_events: LifecycleEventsTable;
  leases: LeasesTable;
  scim_tokens: ScimTokensTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
  outbox: OutboxTable;
  connector_accounts: ConnectorAccountsTable;
  lifecycle_settings: LifecycleSettingsTable;
  access_exceptions: AccessExceptionsTable;
  scheduled_removals: ScheduledRemovalsTable;
  leaves: LeavesTable;
  coverages: CoveragesTable;
  approval_policies: ApprovalPoliciesTable;
  access_requests: AccessRequestsTable;
  request_items: RequestItemsTable;
  request_stages: RequestStagesTable;
  request_decisions: RequestDecisionsTable;
  delegations: DelegationsTable;
  sod_rules: SodRulesTable;
  assessments: AssessmentsTable;
  acknowledgments: AcknowledgmentsTable;
  leaver_cases: LeaverCasesTable;
  leaver_settings: LeaverSettingsTable;
  mail_outbox: MailOutboxTable;
  assessment_surveys: AssessmentSurveysTable;
}

export type AgencyRow = Selectable<AgenciesTable>;
export type UnitRow = Selectable<UnitsTable>;
export type WorkerRow = Selectable<WorkersTable>;
export type NewWorkerRow = Insertable<WorkersTable>;
export type WorkerPatch = Updateable<WorkersTable>;
export type ApplicationRow = Selectable<ApplicationsTable>;
export type AccountRow = Selectable<AccountsTable>;
export type BusinessFunctionRow = Selectable<BusinessFunctionsTable>;
export type AccessTemplateRow = Selectable<AccessTemplatesTable>;
export type GrantRow = Selectable<GrantsTable>;
export type WorkItemRow = Selectable<WorkItemsTable>;
export type PrincipalRow = Selectable<PrincipalsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
