import type { OpenWorkItem, PlannedAssignment, ReassignmentPlan } from './leavers.schemas.ts';

export interface PlanCandidate {
  workerId: string;
  name: string;
  /** Open cases and to-dos the worker owns now, in every application. */
  openItems: number;
}

/** Who may take each item: the supervisor for every item, or per application the eligible workers of the unit. */
export type CandidatesFor = (item: OpenWorkItem) => PlanCandidate[] | string;

/**
 * Spreads the items over their candidates by caseload: each item goes to the candidate with the
 * fewest open items counting what the plan has given so far (ties by name, then id), so the plan
 * evens out the unit instead of loading its least busy worker with everything. An item with no
 * candidate is left unassigned with the reason `candidatesFor` gives.
 */
export function planReassignment(caseId: string, strategy: ReassignmentPlan['strategy'], items: OpenWorkItem[], candidatesFor: CandidatesFor): ReassignmentPlan {
  const load = new Map<string, { candidate: PlanCandidate; after: number }>();
  const assignments: PlannedAssignment[] = [];
  const unassigned: ReassignmentPlan['unassigned'] = [];
  for (const item of items) {
    const candidates = candidatesFor(item);
    if (typeof candidates === 'string' || candidates.length === 0) {
      unassigned.push({ workItemId: item.id, reference: item.reference, problem: typeof candidates === 'string' ? candidates : 'No eligible worker to take it.' });
      continue;
    }
    for (const candidate of candidates) if (!load.has(candidate.workerId)) load.set(candidate.workerId, { candidate, after: candidate.openItems });
    const chosen = candidates
      .map((candidate) => load.get(candidate.workerId) ?? { candidate, after: candidate.openItems })
      .reduce((best, next) => (compareLoad(next, best) < 0 ? next : best));
    chosen.after += 1;
    assignments.push({ workItemId: item.id, reference: item.reference, kind: item.kind, title: item.title, ownerWorkerId: chosen.candidate.workerId, ownerName: chosen.candidate.name });
  }
  const candidates = [...load.values()]
    .sort((a, b) => a.candidate.name.localeCompare(b.candidate.name) || a.candidate.workerId.localeCompare(b.candidate.workerId))
    .map(({ candidate, after }) => ({ workerId: candidate.workerId, name: candidate.name, openItemsBefore: candidate.openItems, openItemsAfter: after }));
  return { caseId, strategy, assignments, unassigned, candidates };
}

function compareLoad(a: { candidate: PlanCandidate; after: number }, b: { candidate: PlanCandidate; after: number }): number {
  return a.after - b.after || a.candidate.name.localeCompare(b.candidate.name) || a.candidate.workerId.localeCompare(b.candidate.workerId);
}
