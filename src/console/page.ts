import type { Actor } from '../domain/auth/actor.ts';

export interface NavEntry {
  href: string;
  label: string;
  /** Whether the signed-in actor sees the link; the services still decide what they may do. */
  visible(actor: Actor): boolean;
}

export function hasRole(actor: Actor, ...roles: Actor['roles'][number]['role'][]): boolean {
  return actor.roles.some((r) => roles.includes(r.role));
}
