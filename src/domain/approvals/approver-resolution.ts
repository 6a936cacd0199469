import type { Executor } from '../../db/database.ts';
import * as repo from './approvals.repo.ts';
import type { ApproverRule, Deadline } from './approvals.schemas.ts';

/** What approver rules are resolved against: who the request is about and who made it. */
export interface RoutingContext {
  agencyId: string;
  subjectWorkerId: string;
  requesterWorkerId: string | null;
  /** The unit the request places the worker in, else the worker's directory unit. */
  unitId: string;
  /** Functions the request adds. */
  functionIds: string[];
}

const maxWalk = 20;

/**
 * The workers a rule names, minus anyone who may not decide (the requester, the subject, disabled
 * workers). A supervisor or unit approver who may not decide falls to the next one up the chain.
 */
async function resolveRule(db: Executor, route: RoutingContext, rule: ApproverRule): Promise<string[]> {
  const barred = new Set([route.subjectWorkerId, route.requesterWorkerId].filter((id): id is string => id !== null));
  const eligible = async (workerId: string | null): Promise<boolean> => {
    if (!workerId || barred.has(workerId)) return false;
    const person = await repo.findPerson(db, workerId);
    return person !== undefined && person.agencyId === route.agencyId && person.enabled === 1;
  };
  const keepEligible = async (ids: string[]): Promise<string[]> => {
    const people = new Map((await repo.findPeople(db, ids)).map((p) => [p.id, p]));
    return [...new Set(ids)].filter((id) => {
      const person = people.get(id);
      return !barred.has(id) && person !== undefined && person.agencyId === route.agencyId && person.enabled === 1;
    });
  };
  switch (rule.kind) {
    case 'supervisor': {
      let current = (await repo.findPerson(db, route.subjectWorkerId))?.supervisorId ?? null;
      for (let step = 0; current && step < maxWalk; step += 1) {
        if (await eligible(current)) return [current];
        current = (await repo.findPerson(db, current))?.supervisorId ?? null;
      }
      return [];
    }
    case 'unit_approver': {
      let unit = await repo.findUnitLink(db, route.unitId);
      for (let step = 0; unit && step < maxWalk; step += 1) {
        if (await eligible(unit.approverWorkerId)) return [unit.approverWorkerId as string];
        unit = unit.parentId ? await repo.findUnitLink(db, unit.parentId) : undefined;
      }
      return [];
    }
    case 'function_owner':
      return keepEligible(await repo.findFunctionOwners(db, route.functionIds));
    case 'security_coordinators':
      return keepEligible(await repo.findWorkersWithRole(db, route.agencyId, 'security_coordinator'));
    case 'principals':
      return keepEligible(await repo.findPrincipalWorkers(db, rule.principalIds));
  }
}

/** Every eligible worker the rules name, each once, in rule order. */
export async function resolveApprovers(db: Executor, route: RoutingContext, rules: ApproverRule[]): Promise<string[]> {
  const result: string[] = [];
  for (const rule of rules) {
    for (const id of await resolveRule(db, route, rule)) if (!result.includes(id)) result.push(id);
  }
  return result;
}

const hourMs = 3_600_000;

/** When a stage started at `from` is due: hours later, or business days later (weekends skipped). */
export function computeDue(from: Date, deadline: Deadline): Date {
  if ('hours' in deadline) return new Date(from.getTime() + deadline.hours * hourMs);
  const due = new Date(from);
  let left = deadline.businessDays;
  while (left > 0) {
    due.setUTCDate(due.getUTCDate() + 1);
    const day = due.getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return due;
}
