import type { Role } from '../../db/schema.ts';

export interface RoleGrant {
  role: Role;
  /** null: the role holds state-wide. */
  agencyId: string | null;
}

/** Who is acting: a signed-in principal, a service token, or Gatehouse itself. */
export interface Actor {
  principalId: string;
  name: string;
  roles: RoleGrant[];
  workerId: string | null;
}

/** What every service call carries: the actor and the request that caused it (for the audit). */
export interface RequestContext {
  actor: Actor;
  requestId: string;
}

/** Gatehouse acting on its own behalf: migrations, the demo loader, the scheduler. */
export function systemContext(requestId: string, name = 'gatehouse'): RequestContext {
  return {
    actor: { principalId: 'system', name, roles: [{ role: 'state_admin', agencyId: null }], workerId: null },
    requestId,
  };
}
