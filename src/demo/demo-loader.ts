import type { Services } from '../app.ts';
import type { Database } from '../db/database.ts';
import type { Role } from '../db/schema.ts';
import type { Account } from '../domain/accounts/accounts.schemas.ts';
import { connectionsCode, ensureBuiltinApplications } from '../domain/applications/applications.service.ts';
import { type RequestContext, systemContext } from '../domain/auth/actor.ts';
import type { Grant, GrantInput } from '../domain/grants/grants.schemas.ts';
import type { WorkItem } from '../domain/work-items/work-items.schemas.ts';
import type { Clock } from '../shared/clock.ts';
import { calendarDateAt } from '../shared/dates.ts';
import { AppError, assertThat } from '../shared/errors.ts';
import { demoAgencies, demoFunctions, demoTemplates } from './demo-catalog.ts';
import { type DemoLifecycleState, type PlannedAgency, type PlannedCoverage, type PlannedWorker, demoLifecycleStates, planDemo } from './demo-plan.ts';

/** The provenance of every grant the demo gives as access held before Gatehouse. */
export const demoImportId = 'gatehouse-demo-import';
/** The provenance of the demo's coverage grant. */
export const demoCoverageId = 'gatehouse-demo-coverage';
export const demoTimeZone = 'America/New_York';
export const demoAgencyCodes = demoAgencies.map((a) => a.code);

export interface DemoToken {
  role: Role;
  agencyCode: string | null;
  name: string;
  token: string;
}

export interface DemoSummary {
  seed: number;
  today: string;
  agencies: { id: string; code: string; name: string; units: number; workers: number }[];
  workersByState: Record<DemoLifecycleState, number>;
  /** Grants given, and how many of them were revoked again (end-dated leavers). */
  grants: { given: number; revoked: number };
  workItems: { open: number; closed: number };
  /** One per role, shown once: only their hashes are stored. */
  tokens: DemoToken[];
}

interface LoadedWorker {
  planned: PlannedWorker;
  id: string;
  account: Account;
  grants: Grant[];
  workItems: WorkItem[];
}

/** The demo agencies already in the database, by code. */
export async function findDemoAgencies(services: Services, ctx: RequestContext): Promise<string[]> {
  const present: string[] = [];
  for (const code of demoAgencyCodes) {
    try {
      present.push((await services.agencies.resolve(ctx, code)).code);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'agency.not_found')) throw error;
    }
  }
  return present;
}

/**
 * Loads the demo agencies through the services, so every change is checked and audited like any
 * other. Deterministic for a seed, with dates relative to the clock's today. Refuses when a demo
 * agency is already in the database.
 */
export async function loadDemo(services: Services, db: Database, clock: Clock, options: { seed: number }): Promise<DemoSummary> {
  const ctx = systemContext(`demo-seed-${options.seed}`, 'gatehouse demo loader');
  const present = await findDemoAgencies(services, ctx);
  assertThat(
    present.length === 0,
    'demo.already_loaded',
    `The demo agencies ${present.join(', ')} are already in this database, so the demo was not loaded again. Use an empty database (another GATEHOUSE_DATA_DIR or DATABASE_URL) to load it afresh.`,
  );
  const plan = planDemo(options.seed, calendarDateAt(clock.now(), demoTimeZone));
  await ensureBuiltinApplications(db, clock.now().toISOString());
  const applicationId = await findConnections(services, ctx);
  const functionIds = await ensureFunctions(services, ctx, applicationId);
  const loader = createAgencyLoader({ services, db, ctx, applicationId, functionIds, today: plan.today });

  const workersByState = Object.fromEntries(demoLifecycleStates.map((state) => [state, 0])) as Record<DemoLifecycleState, number>;
  const agencies: DemoSummary['agencies'] = [];
  const admin = await services.tokens.create(ctx, { name: 'Demo state administrator', role: 'state_admin', agencyId: null });
  const tokens: DemoToken[] = [{ role: 'state_admin', agencyCode: null, name: 'Demo state administrator', token: admin.token }];
  for (const planned of plan.agencies) {
    const loaded = await loader.load(planned);
    agencies.push({ id: loaded.agencyId, code: planned.code, name: planned.name, units: planned.units.length + 1, workers: planned.workers.length });
    for (const worker of planned.workers) workersByState[worker.state] += 1;
    tokens.push(...loaded.tokens);
  }
  return { seed: options.seed, today: plan.today, agencies, workersByState, grants: loader.tally.grants, workItems: loader.tally.workItems, tokens };
}

async function findConnections(services: Services, ctx: RequestContext): Promise<string> {
  const applications = await services.applications.list(ctx, { limit: 500 });
  const connections = applications.items.find((a) => a.code === connectionsCode);
  assertThat(connections, 'internal', `The built-in application ${connectionsCode} is missing after it was ensured.`);
  return connections.id;
}

/** The demo's business functions of CONNECTIONS by code: the ones present are reused, the rest created. */
async function ensureFunctions(services: Services, ctx: RequestContext, applicationId: string): Promise<Map<string, string>> {
  const existing = await services.functions.listForApplication(ctx, applicationId, { limit: 500 });
  const ids = new Map(existing.items.map((f) => [f.code, f.id]));
  for (const fn of demoFunctions) {
    if (ids.has(fn.code)) continue;
    const created = await services.functions.create(ctx, applicationId, {
      code: fn.code, name: fn.name, description: null, securityAttributes: fn.securityAttributes, riskLevel: fn.riskLevel, ownerWorkerId: null, requestable: true,
    });
    ids.set(fn.code, created.id);
  }
  return ids;
}

/** An agency being loaded: its units and workers by code and login id. */
interface AgencyInProgress {
  id: string;
  code: string;
  unitIds: Map<string, string>;
  workers: Map<string, LoadedWorker>;
}

function unitId(agency: AgencyInProgress, code: string): string {
  const id = agency.unitIds.get(code);
  assertThat(id, 'internal', `The demo unit ${code} of ${agency.code} was not created.`);
  return id;
}

function workerOf(agency: AgencyInProgress, loginId: string): LoadedWorker {
  const worker = agency.workers.get(loginId);
  assertThat(worker, 'internal', `The demo worker ${loginId} was not registered before it was needed.`);
  return worker;
}

interface LoaderDeps {
  services: Services;
  db: Database;
  ctx: RequestContext;
  applicationId: string;
  functionIds: Map<string, string>;
  today: string;
}

function createAgencyLoader(deps: LoaderDeps) {
  const { services, ctx, applicationId } = deps;
  const tally = { grants: { given: 0, revoked: 0 }, workItems: { open: 0, closed: 0 } };

  function functionId(code: string): string {
    const id = deps.functionIds.get(code);
    assertThat(id, 'internal', `The demo function ${code} was not created.`);
    return id;
  }

  function templateFunctions(jobType: string): string[] {
    return demoTemplates[jobType]?.functions ?? [];
  }

  async function grantAll(inputs: Omit<GrantInput, 'provenanceKind' | 'provenanceId'>[], provenance: Pick<GrantInput, 'provenanceKind' | 'provenanceId'>): Promise<Grant[]> {
    if (inputs.length === 0) return [];
    return deps.db.transaction().execute(async (trx) => {
      const grants: Grant[] = [];
      for (const input of inputs) grants.push(await services.grants.grantInTransaction(trx, ctx, { ...input, ...provenance }));
      tally.grants.given += grants.length;
      return grants;
    });
  }

  /** The template's functions the account does not hold yet, as import grants. */
  async function grantTemplate(accountId: string, jobType: string, held: string[]): Promise<Grant[]> {
    const codes = templateFunctions(jobType).filter((code) => !held.includes(code));
    const reason = 'Demo data: access the worker held before Gatehouse';
    return grantAll(codes.map((code) => ({ accountId, kind: 'function', functionId: functionId(code), reason })), { provenanceKind: 'import', provenanceId: demoImportId });
  }

  /** Creates the agency with its unit tree and one access template per job type. */
  async function createStructure(planned: PlannedAgency): Promise<AgencyInProgress> {
    const agency = await services.agencies.create(ctx, { code: planned.code, name: planned.name, kind: planned.kind, timeZone: demoTimeZone });
    const loading: AgencyInProgress = { id: agency.id, code: planned.code, unitIds: new Map(), workers: new Map() };
    for (const unit of planned.units) {
      const parentId = unit.parent ? unitId(loading, unit.parent) : null;
      const created = await services.units.create(ctx, agency.id, { code: unit.code, name: unit.name, site: unit.site, parentId });
      loading.unitIds.set(unit.code, created.id);
    }
    for (const [jobType, template] of Object.entries(demoTemplates)) {
      await services.templates.create(ctx, agency.id, { applicationId, jobType, name: template.name, functionIds: template.functions.map(functionId) });
    }
    return loading;
  }

  /** Registers the worker (which opens the account in N01) and, unless a joiner, places it and gives the template's access. */
  async function register(agency: AgencyInProgress, w: PlannedWorker): Promise<void> {
    const start = w.former ?? { jobType: w.jobType, unitCode: w.unitCode };
    const worker = await services.workers.register(ctx, agency.id, {
      loginId: w.loginId, firstName: w.firstName, lastName: w.lastName, email: w.email, unitId: unitId(agency, start.unitCode), jobType: start.jobType,
      supervisorId: w.supervisorLoginId ? workerOf(agency, w.supervisorLoginId).id : null, enabled: true,
      hireDate: w.hireDate, leaveStart: w.leaveStart, leaveReturn: w.leaveReturn, terminationDate: w.terminationDate,
    });
    // Registration opened the account in N01.
    let account = (await services.accounts.listForWorker(ctx, worker.id, { limit: 10 })).items.find((a) => a.applicationId === applicationId);
    if (!account) throw new Error(`Registering ${w.loginId} opened no account in the demo application.`);
    const loaded: LoadedWorker = { planned: w, id: worker.id, account, grants: [], workItems: [] };
    agency.workers.set(w.loginId, loaded);
    // A joiner waits in N01, with no access, for the security coordinator's assessment.
    if (w.state === 'joiner') return;
    account = await services.accounts.move(ctx, account.id, { unitId: unitId(agency, start.unitCode), version: account.version });
    loaded.grants.push(...(await grantTemplate(account.id, start.jobType, [])));
    if (w.former) {
      // A mover keeps the old job's functions: access beyond the new template, for the coordinator to remove.
      await services.workers.update(ctx, worker.id, { jobType: w.jobType, unitId: unitId(agency, w.unitCode), reason: `Moved from ${w.former.jobType} to ${w.jobType}` });
      account = await services.accounts.move(ctx, account.id, { unitId: unitId(agency, w.unitCode), version: account.version });
      loaded.grants.push(...(await grantTemplate(account.id, w.jobType, templateFunctions(w.former.jobType))));
    }
    loaded.account = account;
  }

  async function createWorkItems(agency: AgencyInProgress, worker: LoadedWorker): Promise<void> {
    for (const item of worker.planned.workItems) {
      const created = await services.workItems.create(ctx, agency.id, {
        applicationId, kind: item.kind, reference: item.reference, title: item.title, unitId: unitId(agency, worker.planned.unitCode), ownerWorkerId: worker.id, dueDate: item.dueDate,
      });
      tally.workItems.open += 1;
      if (item.closed) await closeWorkItem(created.id, 'Services complete; closed by the caseworker');
      else worker.workItems.push(created);
    }
  }

  async function closeWorkItem(id: string, reason: string): Promise<void> {
    await services.workItems.close(ctx, id, reason);
    tally.workItems.open -= 1;
    tally.workItems.closed += 1;
  }

  /** Puts a registered worker in its planned state: on leave, or gone with or without open work. */
  async function applyLifecycle(agency: AgencyInProgress, worker: LoadedWorker): Promise<void> {
    const { planned: w } = worker;
    if (w.state === 'on_leave') {
      const reason = `On leave from ${w.leaveStart} until ${w.leaveReturn}`;
      await deps.db.transaction().execute((trx) => services.accounts.disableInTransaction(trx, ctx, worker.account.id, { reason, disabledBy: 'leave' }));
      return;
    }
    if (w.state !== 'disabled_leaver' && w.state !== 'end_dated') return;
    const reason = `Left the agency on ${w.terminationDate}`;
    // The directory disable opens the leaver case in the security coordinator's queue.
    await services.workers.disable(ctx, worker.id, reason);
    await deps.db.transaction().execute((trx) => services.accounts.disableInTransaction(trx, ctx, worker.account.id, { reason, disabledBy: 'directory' }));
    // A disabled leaver still owns open work, so the account cannot be end-dated yet.
    if (w.state === 'disabled_leaver') return;
    assertThat(w.supervisorLoginId, 'internal', `The demo leaver ${w.loginId} has no supervisor to take the cases.`);
    for (const item of worker.workItems) {
      if (item.kind === 'todo') await closeWorkItem(item.id, `${w.loginId} left; the to-do is no longer needed`);
    }
    const [leaverCase] = (await services.leavers.list(ctx, agency.id, { status: 'open', workerId: worker.id, limit: 1 })).items;
    assertThat(leaverCase, 'internal', `The demo leaver ${w.loginId} has no open leaver case.`);
    const plan = await services.reassignments.propose(ctx, leaverCase.id, { strategy: 'supervisor' });
    if (plan.assignments.length > 0) {
      const assignments = plan.assignments.map((a) => ({ workItemId: a.workItemId, ownerWorkerId: a.ownerWorkerId }));
      await services.reassignments.apply(ctx, leaverCase.id, { assignments, reason: 'the cases go to the supervisor', version: leaverCase.version });
    }
    for (const grant of worker.grants) await services.grants.revoke(ctx, grant.id, `${w.loginId} left the agency`);
    tally.grants.revoked += worker.grants.length;
    const ready = await services.leavers.get(ctx, leaverCase.id);
    await services.leavers.endDate(ctx, leaverCase.id, { reason, version: ready.version });
  }

  async function grantCoverage(agency: AgencyInProgress, coverage: PlannedCoverage): Promise<void> {
    const covering = workerOf(agency, coverage.coveringLoginId);
    const reason = `Covers the work of ${coverage.absentLoginId}, on leave until ${coverage.validTo}`;
    const input = { accountId: covering.account.id, kind: 'unit_hierarchy', unitId: unitId(agency, coverage.unitCode), validTo: `${coverage.validTo}T00:00:00.000Z`, reason } as const;
    covering.grants.push(...(await grantAll([input], { provenanceKind: 'coverage', provenanceId: demoCoverageId })));
  }

  /** A lan_admin, security_coordinator and auditor token, and a worker token for one caseworker. */
  async function createTokens(agency: AgencyInProgress, planned: PlannedAgency): Promise<DemoToken[]> {
    const tokens: DemoToken[] = [];
    for (const role of ['lan_admin', 'security_coordinator', 'auditor'] as const) {
      const name = `Demo ${agency.code} ${role.replace('_', ' ')}`;
      tokens.push({ role, agencyCode: agency.code, name, token: (await services.tokens.create(ctx, { name, role, agencyId: agency.id })).token });
    }
    const { planned: w, id: workerId } = workerOf(agency, planned.tokenWorkerLoginId);
    const name = `${w.firstName} ${w.lastName} (${w.loginId})`;
    tokens.push({ role: 'worker', agencyCode: agency.code, name, token: (await services.tokens.create(ctx, { name, role: 'worker', agencyId: agency.id, workerId })).token });
    return tokens;
  }

  async function load(planned: PlannedAgency): Promise<{ agencyId: string; tokens: DemoToken[] }> {
    const agency = await createStructure(planned);
    for (const w of planned.workers) await register(agency, w);
    for (const w of planned.workers.filter((x) => x.leadsUnit)) await services.units.setApprover(ctx, unitId(agency, w.unitCode), workerOf(agency, w.loginId).id);
    for (const worker of agency.workers.values()) await createWorkItems(agency, worker);
    for (const worker of agency.workers.values()) await applyLifecycle(agency, worker);
    if (planned.coverage) await grantCoverage(agency, planned.coverage);
    return { agencyId: agency.id, tokens: await createTokens(agency, planned) };
  }

  return { load, tally };
}
