import type { Actor } from '../auth/actor.ts';
import { hasPermission } from '../auth/permissions.ts';
import type { RequestHeader, Stage } from './requests.schemas.ts';

/**
 * The one rule of who may read an access request. Staff who read every request of the agency
 * may; so may whoever takes part in it: the worker it is about, its requester, an approver named
 * on one of its stages, a deputy who decided in an approver's seat, and a deputy of a named
 * approver today. `seatsToday` (the reader's own worker id and the approvers who named them
 * deputy for today) costs queries, so it is asked for only when nothing else settles it.
 */
export async function mayReadRequest(actor: Actor, header: RequestHeader, stages: Stage[], seatsToday: () => Promise<string[]>): Promise<boolean> {
  if (hasPermission(actor, 'requests.read', header.agencyId) || header.requesterPrincipalId === actor.principalId) return true;
  const me = actor.workerId;
  if (me === null) return false;
  if (me === header.subjectWorkerId || me === header.requesterWorkerId) return true;
  const named = (seats: readonly string[]) => stages.some((s) => s.approverIds.some((id) => seats.includes(id)));
  if (named([me]) || stages.some((s) => s.decisions.some((d) => d.decidedByWorkerId === me))) return true;
  return named(await seatsToday());
}
