// What SCIM clients pushed in: their tokens, users and groups.

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

export interface ScimTables {
  scim_tokens: ScimTokensTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
}
