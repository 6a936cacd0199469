// Access requests and their approval: policies, stages, decisions, delegations, SoD rules,
// assessments with their surveys, and acknowledgments.

import type { RiskLevel } from './access.ts';
import type { Flag } from './core.ts';

export type RequestStatus = 'draft' | 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled' | 'provisioned' | 'failed';

/** An agency's definition as JSON, versioned and never edited: a change is a new row with the next version. */
interface VersionedDefinitionsTable {
  id: string;
  agency_id: string;
  version: number;
  definition: string;
  created_by: string;
  created_at: string;
}

/** An agency's approval policy; the definition holds the stages per risk level and the SoD mode. */
export type ApprovalPoliciesTable = VersionedDefinitionsTable;

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

/** An agency's own assessment survey; the definition holds its questions and rules. */
export type AssessmentSurveysTable = VersionedDefinitionsTable;

/** A worker who owes an acknowledgment of the access agreement, and when they are next reminded. */
export interface AcknowledgmentRemindersTable {
  worker_id: string;
  agency_id: string;
  agreement_version: string;
  next_reminder_at: string;
}

export interface RequestTables {
  approval_policies: ApprovalPoliciesTable;
  access_requests: AccessRequestsTable;
  request_items: RequestItemsTable;
  request_stages: RequestStagesTable;
  request_decisions: RequestDecisionsTable;
  delegations: DelegationsTable;
  sod_rules: SodRulesTable;
  assessments: AssessmentsTable;
  acknowledgments: AcknowledgmentsTable;
  acknowledgment_reminders: AcknowledgmentRemindersTable;
  assessment_surveys: AssessmentSurveysTable;
}
