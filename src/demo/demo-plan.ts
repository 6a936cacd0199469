import type { CalendarDate } from '../shared/dates.ts';
import { createRandom, type Random } from '../shared/random.ts';
import { type DemoAgency, type DemoUnit, demoAgencies, firstNames, lastNames } from './demo-catalog.ts';

/** Where a demo worker stands in the account lifecycle (DESIGN §3). */
export const demoLifecycleStates = ['active', 'joiner', 'on_leave', 'returned', 'mover', 'leaving', 'disabled_leaver', 'end_dated'] as const;
export type DemoLifecycleState = (typeof demoLifecycleStates)[number];

export interface PlannedWorkItem {
  kind: 'case' | 'todo';
  reference: string;
  title: string;
  dueDate: CalendarDate | null;
  /** Closed by the worker before today (only for workers still at work). */
  closed: boolean;
}

export interface PlannedWorker {
  loginId: string;
  firstName: string;
  lastName: string;
  email: string;
  /** The directory unit: where the worker works (a joiner's account still sits in N01). */
  unitCode: string;
  jobType: string;
  /** A mover's job and unit before the change; null for everyone else. */
  former: { jobType: string; unitCode: string } | null;
  /** Registered before the worker, so the directory can link them. */
  supervisorLoginId: string | null;
  hireDate: CalendarDate;
  leaveStart: CalendarDate | null;
  leaveReturn: CalendarDate | null;
  terminationDate: CalendarDate | null;
  state: DemoLifecycleState;
  /** The unit's supervisor (or the director): approver of the unit. */
  leadsUnit: boolean;
  workItems: PlannedWorkItem[];
}

/** Time-bound unit hierarchy access so a colleague covers an absent worker's unit until the return. */
export interface PlannedCoverage {
  coveringLoginId: string;
  absentLoginId: string;
  unitCode: string;
  validTo: CalendarDate;
}

export interface PlannedAgency {
  code: string;
  name: string;
  kind: DemoAgency['kind'];
  /** Parents before children. */
  units: DemoUnit[];
  /** In registration order: every supervisor before the workers reporting to them. */
  workers: PlannedWorker[];
  /** An active caseworker who gets a `worker` token of their own. */
  tokenWorkerLoginId: string;
  coverage: PlannedCoverage | null;
}

export interface DemoPlan {
  seed: number;
  today: CalendarDate;
  agencies: PlannedAgency[];
}

/** How many workers of each agency are in each non-active state; joiners come on top of the catalog's staff. */
const statesPerAgency: { state: DemoLifecycleState; count: number }[] = [
  { state: 'mover', count: 2 },
  { state: 'on_leave', count: 2 },
  { state: 'returned', count: 2 },
  { state: 'disabled_leaver', count: 2 },
  { state: 'end_dated', count: 2 },
  { state: 'leaving', count: 1 },
];
const joinersPerAgency = 6;

const leadJobTypes = new Set(['director', 'cps_supervisor', 'fad_supervisor']);
const moverFrom = 'cps_caseworker';
const moverTo = 'preventive_caseworker';

const caseTitles: Record<string, string> = {
  cps_caseworker: 'CPS investigation',
  preventive_caseworker: 'Preventive services',
  foster_care_caseworker: 'Foster care placement',
  adoption_caseworker: 'Adoption',
  homefinder: 'Home study',
};
const todoTitles = ['Safety assessment due', 'Progress notes overdue', 'Home visit', 'Service plan review', 'Court report due', 'Family team conference'];

function isCaseworkerJob(jobType: string): boolean {
  return jobType in caseTitles;
}

/** The calendar date `days` after (or before, when negative) `date`. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const at = new Date(`${date}T00:00:00.000Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** Login ids are unique statewide: initial plus last name plus a two-digit number. */
function createNamer(random: Random) {
  const taken = new Map<string, number>();
  return (agencyCode: string) => {
    const firstName = random.pick(firstNames);
    const lastName = random.pick(lastNames);
    const base = `${firstName.charAt(0)}${lastName}`.toLowerCase();
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    const loginId = `${base}${String(n).padStart(2, '0')}`;
    return { firstName, lastName, loginId, email: `${loginId}@${agencyCode.toLowerCase()}.example.org` };
  };
}

/** The worker who leads a unit, or the nearest lead above it. */
function leadAbove(unit: DemoUnit | undefined, units: Map<string, DemoUnit>, leads: Map<string, string>): string | null {
  for (let current = unit; current; current = current.parent ? units.get(current.parent) : undefined) {
    const lead = leads.get(current.code);
    if (lead) return lead;
  }
  return null;
}

function planWorkItems(worker: PlannedWorker, random: Random, counters: { case: number; todo: number }, year: string, today: CalendarDate): PlannedWorkItem[] {
  if (!isCaseworkerJob(worker.jobType) || worker.state === 'joiner') return [];
  const atWork = worker.state !== 'disabled_leaver' && worker.state !== 'end_dated';
  const next = (kind: 'case' | 'todo') => {
    counters[kind] += random.int(1, 9);
    return `${kind === 'case' ? 'C' : 'T'}-${year}-${String(counters[kind]).padStart(6, '0')}`;
  };
  const items: PlannedWorkItem[] = [];
  const caseTitle = caseTitles[worker.jobType] ?? 'Case';
  for (let i = random.int(1, 4); i > 0; i -= 1) {
    items.push({ kind: 'case', reference: next('case'), title: `${caseTitle}: ${random.pick(lastNames)} family`, dueDate: null, closed: false });
  }
  for (let i = random.int(0, 3); i > 0; i -= 1) {
    items.push({ kind: 'todo', reference: next('todo'), title: `${random.pick(todoTitles)}: ${random.pick(lastNames)} family`, dueDate: addDays(today, random.int(-5, 30)), closed: false });
  }
  for (let i = atWork ? random.int(0, 2) : 0; i > 0; i -= 1) {
    items.push({ kind: 'case', reference: next('case'), title: `${caseTitle}: ${random.pick(lastNames)} family`, dueDate: null, closed: true });
  }
  return items;
}

/** The dates that put a worker in its lifecycle state, relative to today. */
function datesFor(state: DemoLifecycleState, random: Random, today: CalendarDate): Pick<PlannedWorker, 'hireDate' | 'leaveStart' | 'leaveReturn' | 'terminationDate'> {
  const hireDate = state === 'joiner' ? addDays(today, -random.int(0, 10)) : addDays(today, -random.int(400, 3650));
  const none = { hireDate, leaveStart: null, leaveReturn: null, terminationDate: null };
  if (state === 'on_leave') return { ...none, leaveStart: addDays(today, -random.int(3, 45)), leaveReturn: addDays(today, random.int(10, 60)) };
  if (state === 'returned') {
    const leaveReturn = addDays(today, -random.int(5, 40));
    return { ...none, leaveStart: addDays(leaveReturn, -random.int(14, 90)), leaveReturn };
  }
  if (state === 'disabled_leaver' || state === 'end_dated') return { ...none, terminationDate: addDays(today, -random.int(1, 14)) };
  if (state === 'leaving') return { ...none, terminationDate: addDays(today, random.int(7, 30)) };
  return none;
}

function planAgency(agency: DemoAgency, random: Random, nameWorker: ReturnType<typeof createNamer>, today: CalendarDate): PlannedAgency {
  const units = new Map(agency.units.map((u) => [u.code, u]));
  const slots: { unit: DemoUnit; jobType: string; lead: boolean }[] = [];
  for (const unit of agency.units) {
    let unitHasLead = false;
    for (const { jobType, count } of unit.staff) {
      for (let i = 0; i < count; i += 1) {
        const lead: boolean = !unitHasLead && leadJobTypes.has(jobType);
        unitHasLead ||= lead;
        slots.push({ unit, jobType, lead });
      }
    }
  }
  const caseworkerUnits = agency.units.filter((u) => u.staff.some((s) => isCaseworkerJob(s.jobType)));
  for (let i = 0; i < joinersPerAgency; i += 1) {
    const unit = random.pick(caseworkerUnits);
    slots.push({ unit, jobType: random.pick(unit.staff.filter((s) => isCaseworkerJob(s.jobType))).jobType, lead: false });
  }

  // Non-active states go to caseworkers chosen by the seed; movers to preventive caseworkers.
  const states = new Map<number, DemoLifecycleState>();
  for (let index = slots.length - joinersPerAgency; index < slots.length; index += 1) states.set(index, 'joiner');
  const candidates = shuffled(slots.map((slot, index) => ({ slot, index })).filter(({ slot, index }) => !slot.lead && !states.has(index) && isCaseworkerJob(slot.jobType)), random);
  for (const { state, count } of statesPerAgency) {
    const eligible = candidates.filter(({ slot, index }) => !states.has(index) && (state !== 'mover' || slot.jobType === moverTo));
    for (const { index } of eligible.slice(0, count)) states.set(index, state);
  }

  const formerUnit = agency.units.find((u) => u.staff.some((s) => s.jobType === moverFrom)) ?? null;
  const leads = new Map<string, string>();
  const counters = { case: random.int(100, 900), todo: random.int(100, 900) };
  const year = today.slice(0, 4);
  const workers = slots.map(({ unit, jobType, lead }, index): PlannedWorker => {
    const state = states.get(index) ?? 'active';
    const name = nameWorker(agency.code);
    const parent = unit.parent ? units.get(unit.parent) : undefined;
    const supervisorLoginId = lead ? leadAbove(parent, units, leads) : leadAbove(unit, units, leads);
    if (lead) leads.set(unit.code, name.loginId);
    const worker: PlannedWorker = {
      ...name, unitCode: unit.code, jobType, supervisorLoginId, state, leadsUnit: lead, workItems: [],
      former: state === 'mover' ? { jobType: moverFrom, unitCode: formerUnit?.code ?? unit.code } : null,
      ...datesFor(state, random, today),
    };
    worker.workItems = planWorkItems(worker, random, counters, year, today);
    return worker;
  });

  const tokenWorker = activeCaseworkersOf(workers)[0];
  if (!tokenWorker) throw new Error(`The demo catalog gives agency ${agency.code} no active caseworker.`);
  return { code: agency.code, name: agency.name, kind: agency.kind, units: agency.units, workers, tokenWorkerLoginId: tokenWorker.loginId, coverage: null };
}

function activeCaseworkersOf(workers: PlannedWorker[]): PlannedWorker[] {
  return workers.filter((w) => w.state === 'active' && !w.leadsUnit && isCaseworkerJob(w.jobType));
}

/** A colleague from another unit, under the same parent when there is one, covers the first absent worker's unit. */
function planCoverage(agency: PlannedAgency): PlannedCoverage | null {
  const absent = agency.workers.find((w) => w.state === 'on_leave');
  if (!absent?.leaveReturn) return null;
  const parentOf = (code: string) => agency.units.find((u) => u.code === code)?.parent ?? null;
  const colleagues = activeCaseworkersOf(agency.workers).filter((w) => w.unitCode !== absent.unitCode);
  const covering = colleagues.find((w) => parentOf(w.unitCode) === parentOf(absent.unitCode)) ?? colleagues[0];
  return covering ? { coveringLoginId: covering.loginId, absentLoginId: absent.loginId, unitCode: absent.unitCode, validTo: absent.leaveReturn } : null;
}

/** The whole demo, decided by the seed and today's date alone: same inputs, same agencies, people and dates. */
export function planDemo(seed: number, today: CalendarDate): DemoPlan {
  const random = createRandom(seed);
  const nameWorker = createNamer(random);
  const agencies = demoAgencies.map((agency) => planAgency(agency, random, nameWorker, today));
  // One coverage grant shows the mechanism: the first agency's.
  return { seed, today, agencies: agencies.map((agency, index) => (index === 0 ? { ...agency, coverage: planCoverage(agency) } : agency)) };
}
