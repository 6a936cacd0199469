// Who acts: principals, their roles and their API tokens.

import type { Selectable } from 'kysely';
import type { Flag } from './core.ts';

export interface PrincipalsTable {
  id: string;
  name: string;
  kind: 'user' | 'service' | 'system';
  worker_id: string | null;
  disabled: Flag;
  created_at: string;
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

export interface AuthTables {
  principals: PrincipalsTable;
  role_assignments: RoleAssignmentsTable;
  api_tokens: ApiTokensTable;
}

export type PrincipalRow = Selectable<PrincipalsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
