// The web console's users and sessions.

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

export interface ConsoleTables {
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
}
