// Applications, accounts, business functions, job templates and the grants on accounts.

import type { Selectable } from 'kysely';
import type { Flag } from './core.ts';

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

export interface AccessTables {
  applications: ApplicationsTable;
  accounts: AccountsTable;
  account_history: AccountHistoryTable;
  business_functions: BusinessFunctionsTable;
  access_templates: AccessTemplatesTable;
  template_functions: TemplateFunctionsTable;
  grants: GrantsTable;
}

export type ApplicationRow = Selectable<ApplicationsTable>;
export type AccountRow = Selectable<AccountsTable>;
export type BusinessFunctionRow = Selectable<BusinessFunctionsTable>;
export type AccessTemplateRow = Selectable<AccessTemplatesTable>;
export type GrantRow = Selectable<GrantsTable>;
