import type { Hono } from 'hono';
import type { Services } from '../app.ts';
import type { Actor } from '../domain/auth/actor.ts';
import type { ConsoleEnv, ConsoleSettings } from './env.ts';

export type ConsoleApp = Hono<ConsoleEnv>;

export interface NavEntry {
  href: string;
  label: string;
  /** Whether the signed-in actor sees the link; the services still decide what they may do. */
  visible(actor: Actor): boolean;
}

/** One feature's pages: its links in the navigation and its routes. Add a page by adding one of these. */
export interface ConsolePage {
  nav: NavEntry[];
  mount(app: ConsoleApp, deps: { services: Services; settings: ConsoleSettings }): void;
}

export function hasRole(actor: Actor, ...roles: Actor['roles'][number]['role'][]): boolean {
  return actor.roles.some((r) => roles.includes(r.role));
}
