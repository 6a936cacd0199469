import type { Role } from '../../db/schema.ts';
import { AppError, type ErrorCode } from '../../shared/errors.ts';
import type { Actor } from './actor.ts';

const everyone: Role[] = ['state_admin', 'lan_admin', 'security_coordinator', 'auditor', 'worker'];
const staff: Role[] = ['state_admin', 'lan_admin', 'security_coordinator', 'auditor'];

/** Which roles may do what. Scope (which agency) is checked separately by `authorize`. */
const rolesByPermission = {
  'agencies.read': everyone,
  'agencies.write': ['state_admin'],
  'units.read': everyone,
  'units.write': ['state_admin', 'lan_admin'],
  'workers.read': staff,
  'workers.write': ['state_admin', 'lan_admin'],
  'applications.read': everyone,
  'applications.write': ['state_admin'],
  'functions.read': everyone,
  'functions.write': ['state_admin'],
  'templates.read': staff,
  'templates.write': ['state_admin', 'security_coordinator'],
  'accounts.read': staff,
  'accounts.write': ['state_admin', 'security_coordinator'],
  'grants.read': staff,
  'grants.revoke': ['state_admin', 'security_coordinator'],
  'work_items.read': ['state_admin', 'security_coordinator', 'auditor'],
  'work_items.write': ['state_admin', 'security_coordinator'],
  'access.read': staff,
  'audit.read': ['state_admin', 'auditor'],
  'tokens.write': ['state_admin', 'lan_admin'],
  'console_users.read': ['state_admin', 'lan_admin', 'auditor'],
  'console_users.write': ['state_admin', 'lan_admin'],
  'sources.read': staff,
  'sources.write': ['state_admin', 'lan_admin'],
  'sync.run': ['state_admin', 'lan_admin'],
  // Anyone may ask for access for themselves and read the requests they take part in (see
  // request-readers.ts); asking for a colleague and reading every request of the agency is staff work.
  'requests.create': ['state_admin', 'security_coordinator'],
  'requests.create_own': everyone,
  'requests.read': ['state_admin', 'security_coordinator', 'auditor'],
  'requests.read_own': everyone,
  'requests.decide': everyone,
  'requests.manage': ['state_admin', 'security_coordinator'],
  'approvals.read': everyone,
  'approvals.write': ['state_admin', 'security_coordinator'],
  'delegations.write': ['state_admin', 'security_coordinator'],
  'assessments.read': staff,
  'assessments.write': ['state_admin', 'security_coordinator'],
  'acknowledgments.read': staff,
  'leavers.read': ['state_admin', 'security_coordinator', 'auditor'],
  'leavers.write': ['state_admin', 'security_coordinator'],
  'reports.read': ['state_admin', 'security_coordinator', 'auditor'],
} satisfies Record<string, Role[]>;

export type Permission = keyof typeof rolesByPermission;

function rolesIn(actor: Actor, agencyId: string): Role[] {
  return actor.roles.filter((r) => r.agencyId === null || r.agencyId === agencyId).map((r) => r.role);
}

/** True when the actor holds some role that sees this agency at all. */
export function canSeeAgency(actor: Actor, agencyId: string): boolean {
  return rolesIn(actor, agencyId).length > 0;
}

export function hasPermission(actor: Actor, permission: Permission, agencyId: string): boolean {
  const allowed: readonly Role[] = rolesByPermission[permission];
  return rolesIn(actor, agencyId).some((role) => allowed.includes(role));
}

/**
 * Throws unless the actor may do `permission` in the agency. An actor with no role there gets the
 * resource's own not-found error, so another agency's data is indistinguishable from none;
 * `refusal` replaces the generic message when the caller can say how to put it right.
 */
export function authorize(actor: Actor, permission: Permission, agencyId: string, notFound: ErrorCode, what: string, refusal?: string): void {
  if (hasPermission(actor, permission, agencyId)) return;
  if (!canSeeAgency(actor, agencyId)) throw new AppError(notFound, `No ${what} with that id.`);
  throw new AppError('auth.forbidden', refusal ?? `Your roles do not allow ${permission.replace('.', ' ')} in this agency. Ask a state administrator for the role you need.`);
}

/** The agencies in which the actor may do `permission`; `'all'` for a state-wide role. */
export function agencyScope(actor: Actor, permission: Permission): 'all' | string[] {
  const allowed: readonly Role[] = rolesByPermission[permission];
  const matching = actor.roles.filter((r) => allowed.includes(r.role));
  if (matching.some((r) => r.agencyId === null)) return 'all';
  return [...new Set(matching.map((r) => r.agencyId).filter((id): id is string => id !== null))];
}

/**
 * For resources no agency owns (applications, business functions): reading needs the permission
 * in some agency, writing needs it state-wide.
 */
export function authorizeShared(actor: Actor, permission: Permission, scope: 'anywhere' | 'state-wide'): void {
  const agencies = agencyScope(actor, permission);
  if (agencies === 'all' || (scope === 'anywhere' && agencies.length > 0)) return;
  throw new AppError('auth.forbidden', `Your roles do not allow ${permission.replace('.', ' ')}${scope === 'state-wide' ? ' state-wide' : ''}. Ask a state administrator for the role you need.`);
}
