import type { Executor } from '../db/database.ts';
import { isOnLeave } from '../domain/workers/worker-dates.ts';
import { type CalendarDate, calendarDateAt } from '../shared/dates.ts';
import { type AccountFacts, type FunctionGrantWindow, loadAccountFacts, loadFunctionGrantWindows } from './account-view.repo.ts';

/** What Gatehouse wants an application to know about an account now. */
export interface AccountView extends AccountFacts {
  /** DESIGN rule 1: directory enabled, account active, not on leave, end date not reached. */
  active: boolean;
  /** Closed for good: end-dated, or its end date has come. */
  endDated: boolean;
  /** The codes of the business functions granted and live now, sorted. */
  functionCodes: string[];
  /** When this view next changes with no one acting (a grant starts or ends, leave, end date); null if never. */
  nextChangeAt: string | null;
}

const hourMs = 60 * 60 * 1000;

/** The first instant at which it is `date` (or later) in the time zone. */
export function instantDateBegins(date: CalendarDate, timeZone: string): Date {
  let low = Date.parse(`${date}T00:00:00Z`) - 15 * hourMs;
  let high = low + 30 * hourMs;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (calendarDateAt(new Date(middle), timeZone) >= date) high = middle;
    else low = middle;
  }
  return new Date(high);
}

function isLive(grant: FunctionGrantWindow, at: number): boolean {
  return Date.parse(grant.grantedAt) <= at && Date.parse(grant.validFrom) <= at && (grant.validTo === null || at < Date.parse(grant.validTo));
}

function earliestAfter(now: number, instants: (number | null)[]): string | null {
  const future = instants.filter((t): t is number => t !== null && t > now);
  return future.length === 0 ? null : new Date(Math.min(...future)).toISOString();
}

export function buildAccountView(facts: AccountFacts, grants: FunctionGrantWindow[], now: Date): AccountView {
  const today = calendarDateAt(now, facts.timeZone);
  const endDated = facts.status === 'end_dated' || (facts.endDate !== null && facts.endDate <= today);
  const active = facts.workerEnabled && facts.status === 'active' && !endDated && !isOnLeave(facts, today);
  const at = now.getTime();
  const functionCodes = endDated ? [] : [...new Set(grants.filter((g) => isLive(g, at)).map((g) => g.code))].sort();
  const dayStart = (date: string | null) => (date === null ? null : instantDateBegins(date, facts.timeZone).getTime());
  const nextChangeAt = endDated
    ? null
    : earliestAfter(at, [
      ...grants.flatMap((g) => [Date.parse(g.validFrom), Date.parse(g.grantedAt), g.validTo === null ? null : Date.parse(g.validTo)]),
      dayStart(facts.endDate),
      dayStart(facts.leaveStart),
      dayStart(facts.leaveReturn),
    ]);
  return { ...facts, active, endDated, functionCodes, nextChangeAt };
}

/** The views of the accounts (at most a few hundred at a time), by account id. */
export async function loadAccountViews(db: Executor, accountIds: readonly string[], now: Date): Promise<Map<string, AccountView>> {
  const facts = await loadAccountFacts(db, accountIds);
  const grants = await loadFunctionGrantWindows(db, accountIds, now.toISOString());
  const byAccount = new Map<string, FunctionGrantWindow[]>();
  for (const grant of grants) byAccount.set(grant.accountId, [...(byAccount.get(grant.accountId) ?? []), grant]);
  return new Map(facts.map((f) => [f.accountId, buildAccountView(f, byAccount.get(f.accountId) ?? [], now)]));
}
