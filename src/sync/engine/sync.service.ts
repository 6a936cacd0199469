import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Database } from '../../db/database.ts';
import type { AuditLog } from '../../domain/audit/audit.service.ts';
import type { RequestContext } from '../../domain/auth/actor.ts';
import { agencyScope, authorize } from '../../domain/auth/permissions.ts';
import type { LeaverHooks } from '../../domain/leavers/leaver-cases.service.ts';
import { type Lease, leaseOwner, type Leases } from '../../scheduler/leases.ts';
import type { Clock } from '../../shared/clock.ts';
import { calendarDateAt } from '../../shared/dates.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import type { SyncRunsTable } from '../../db/schema.ts';
import type { DirectoryProblem } from '../directory-record.ts';
import { type ReadOptions, readSource, type SourceEnd } from '../sources/read-source.ts';
import type { DirectorySource } from '../sources/sources.schemas.ts';
import type { SourceService } from '../sources/sources.service.ts';
import { updateSourceWatermark } from '../sources/sources.repo.ts';
import { applyBatch } from './apply.ts';
import { unpackRecord } from './packed-record.ts';
import { type Change, type Plan, SyncPlanner } from './plan.ts';
import * as runs from './sync-runs.repo.ts';
import * as state from './sync-state.repo.ts';

export interface SyncOptions extends ReadOptions {
  trigger?: SyncRunsTable['trigger'];
  dryRun?: boolean;
  /** Go ahead even when the run would disable more accounts than the threshold allows. */
  confirm?: boolean;
  /** Apply the valid rows of a source that has invalid ones. */
  skipInvalid?: boolean;
  onProgress?: (applied: number, total: number) => void;
}

export interface SyncSettings {
  /** Where dry runs write their full plan as JSON lines. */
  planDir: string;
  /** A run may disable at most this share of the agency's accounts without --confirm… */
  thresholdRatio: number;
  /** …but never fewer than this many. */
  thresholdMinimum: number;
  batchSize: number;
}

export const defaultSyncSettings: Omit<SyncSettings, 'planDir'> = { thresholdRatio: 0.05, thresholdMinimum: 25, batchSize: 5000 };

const leaseTtlMs = 120_000;
const maxStoredProblems = 1000;

export type SyncService = ReturnType<typeof createSyncService>;

export function createSyncService(deps: { db: Database; clock: Clock; audit: AuditLog; leavers: LeaverHooks; leases: Leases; sources: SourceService; settings: SyncSettings }) {
  const { db, clock, settings } = deps;

  async function writePlanFile(runId: string, plan: Plan): Promise<string> {
    await mkdir(settings.planDir, { recursive: true });
    const path = join(settings.planDir, `${runId}.jsonl`);
    const out = createWriteStream(path);
    for (const change of plan.changes) {
      if (!out.write(`${JSON.stringify(describeChange(change))}\n`)) await once(out, 'drain');
    }
    for (const problem of plan.problems) out.write(`${JSON.stringify({ kind: 'problem', ...problem })}\n`);
    out.end();
    await once(out, 'finish');
    return path;
  }

  /**
   * Starts reconciling one directory source with Gatehouse (plan, check the threshold, apply in
   * batches). Resolves once the run is recorded and holds its lease; `completion` resolves when
   * it has finished. A second run of the same source is refused while one runs.
   */
  async function start(ctx: RequestContext, sourceId: string, options: SyncOptions = {}): Promise<{ run: runs.SyncRun; completion: Promise<runs.SyncRun> }> {
    const source = await deps.sources.get(ctx, sourceId);
    authorize(ctx.actor, 'sync.run', source.agencyId, 'source.not_found', 'directory source');
    const runId = newId();
    const lease = await deps.leases.acquire(`sync:${source.id}`, leaseOwner(runId), leaseTtlMs);
    assertThat(lease, 'sync.already_running', `A sync of source "${source.name}" is already running; wait for it to finish (see GET /api/v1/sync/runs).`);
    const startedAt = clock.now().toISOString();
    try {
      // Holding the lease, no other run of the source is alive: one still marked running was killed.
      await runs.failInterruptedRuns(db, source.id, startedAt);
      await runs.insertRun(db, {
        id: runId, source_id: source.id, agency_id: source.agencyId, trigger: options.trigger ?? 'manual', dry_run: options.dryRun ? 1 : 0,
        status: 'running', started_at: startedAt, finished_at: null, counts: '{}', problems: '[]', plan_file: null, error: null,
      });
    } catch (error) {
      await lease.release();
      throw error;
    }
    const run = await runs.findRun(db, runId);
    if (!run) throw new AppError('internal', 'The sync run record vanished.');
    return { run, completion: execute({ actor: ctx.actor, requestId: `sync-run:${runId}` }, source, runId, lease, options) };
  }

  /** Runs a sync to its end. */
  async function run(ctx: RequestContext, sourceId: string, options: SyncOptions = {}): Promise<runs.SyncRun> {
    return (await start(ctx, sourceId, options)).completion;
  }

  async function execute(runCtx: RequestContext, source: DirectorySource, runId: string, lease: Lease, options: SyncOptions): Promise<runs.SyncRun> {
    const timings: Record<string, number> = {};
    let phaseStart = performance.now();
    const phaseDone = (phase: string) => {
      const now = performance.now();
      timings[phase] = Math.round(now - phaseStart);
      phaseStart = now;
    };
    const finish = async (status: SyncRunsTable['status'], plan: Plan | null, extra: { applied?: number; planFile?: string | null; error?: string | null } = {}) => {
      await runs.finishRun(db, runId, {
        status, finished_at: clock.now().toISOString(),
        counts: JSON.stringify({ ...(plan?.counts ?? {}), applied: extra.applied ?? 0, timingsMs: timings }),
        problems: JSON.stringify((plan?.problems ?? []).slice(0, maxStoredProblems)),
        plan_file: extra.planFile ?? null, error: extra.error ?? null,
      });
      const finished = await runs.findRun(db, runId);
      if (!finished) throw new AppError('internal', 'The sync run record vanished.');
      return finished;
    };
    let lastRenew = Date.now();
    const keepLease = async () => {
      if (Date.now() - lastRenew < leaseTtlMs / 4) return;
      assertThat(await lease.renew(), 'sync.already_running', 'Another process took over this sync run; stopping.');
      lastRenew = Date.now();
    };
    try {
      const agency = await state.loadAgencyContext(db, source.agencyId);
      if (!agency) throw new AppError('agency.not_found', 'The source belongs to an agency without a holding unit.');
      const { plan, invalid } = await planRun(source, agency, options, phaseDone, keepLease);
      if (invalid.length > 0 && !options.skipInvalid) {
        const first = invalid.slice(0, 3).map((p) => `${p.ref}: ${p.reason}`).join('; ');
        return await finish('failed', { changes: [], counts: emptyCounts(invalid.length), problems: invalid }, {
          error: `${invalid.length} invalid record(s), nothing applied (${first}). Fix the source, or run with --skip-invalid to apply the valid ones.`,
        });
      }
      if (options.dryRun) return await finish('planned', plan, { planFile: await writePlanFile(runId, plan) });

      const accountCount = await state.countAgencyAccounts(db, source.agencyId);
      const limit = Math.max(settings.thresholdMinimum, Math.floor(accountCount * settings.thresholdRatio));
      if (plan.counts.disables > limit && !options.confirm) {
        return await finish('stopped_threshold', plan, {
          planFile: await writePlanFile(runId, plan),
          error: `This run would disable ${plan.counts.disables} workers, more than the limit of ${limit} (${settings.thresholdRatio * 100}% of ${accountCount} accounts, at least ${settings.thresholdMinimum}). Nothing was changed. Check the plan file; if it is right, run again with --confirm.`,
        });
      }

      let applied = 0;
      const apply = { ctx: runCtx, audit: deps.audit, leavers: deps.leavers, agency, sourceId: source.id, sourceKind: source.kind, runId, now: '' };
      const total = plan.changes.length;
      // Batches are taken off the plan as they are applied, so what is done can be freed.
      while (plan.changes.length > 0) {
        const batch = plan.changes.splice(0, settings.batchSize);
        apply.now = clock.now().toISOString();
        await db.transaction().execute((trx) => applyBatch(trx, apply, batch));
        applied += batch.length;
        options.onProgress?.(applied, total);
        await keepLease();
        // Let requests and timers in (a server's immediate disables) between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      phaseDone('apply');
      if (plan.watermark) await updateSourceWatermark(db, source.id, plan.watermark, clock.now().toISOString());
      return await finish('succeeded', plan, { applied });
    } catch (error) {
      await finish('failed', null, { error: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      await lease.release();
    }
  }

  /**
   * Reads the source and plans the run as the records stream in. Once a record is invalid (and
   * invalid records are not skipped) the rest is only checked, since the run will stop anyway.
   */
  async function planRun(source: DirectorySource, agency: state.AgencyContext, options: SyncOptions, phaseDone: (phase: string) => void, keepLease: () => Promise<void>) {
    const { known, lackingAccounts } = await state.loadKnownWorkers(db, source.id, agency.provisionedApplicationIds);
    const misaligned = await state.findMisalignedWorkers(db, { agencyId: source.agencyId, sourceId: source.id, disabledWorkerIds: known.disabledIds() });
    const needRepair = new Set([...lackingAccounts, ...misaligned]);
    phaseDone('load');
    const planner = new SyncPlanner({ agency, known, needRepair, today: calendarDateAt(clock.now(), agency.timeZone), newId: () => newId() });
    const invalid: DirectoryProblem[] = [];
    const reader = readSource(source, options);
    let end: SourceEnd | undefined;
    while (!end) {
      const next = await reader.next();
      if (next.done) {
        end = next.value;
        break;
      }
      for (const problem of next.value.invalid) invalid.push(problem);
      if (invalid.length === 0 || options.skipInvalid) for (const record of next.value.records) planner.add(record);
      await keepLease();
    }
    for (const problem of end.invalid) invalid.push(problem);
    phaseDone('read');
    const loginHolders = await state.findLoginHolders(db, planner.loginsToCheck(), source.id);
    const placements = await state.loadPlacements(db, planner.workersToPlace());
    const plan = planner.finish({ invalid, loginHolders, placements, complete: end.complete && invalid.length === 0 });
    for (const warning of end.warnings) plan.problems.push(warning);
    phaseDone('plan');
    return { plan: { ...plan, watermark: end.watermark }, invalid };
  }

  async function getRun(ctx: RequestContext, id: string): Promise<runs.SyncRun> {
    const found = isId(id) ? await runs.findRun(db, id) : undefined;
    if (!found) throw new AppError('sync_run.not_found', 'No sync run with that id.');
    authorize(ctx.actor, 'sources.read', found.agencyId, 'sync_run.not_found', 'sync run');
    return found;
  }

  async function listRuns(ctx: RequestContext, filter: { agencyId?: string | undefined; sourceId?: string | undefined; before?: string | undefined; limit: number }) {
    let agencyIds = agencyScope(ctx.actor, 'sources.read');
    if (filter.agencyId) {
      authorize(ctx.actor, 'sources.read', filter.agencyId, 'agency.not_found', 'agency');
      agencyIds = [filter.agencyId];
    }
    return runs.listRuns(db, { agencyIds, sourceId: filter.sourceId, beforeStartedAt: filter.before, limit: filter.limit });
  }

  return { start, run, getRun, listRuns };
}

function emptyCounts(invalid: number): Plan['counts'] {
  return { records: invalid, unchanged: 0, joiners: 0, updates: 0, movers: 0, disables: 0, enables: 0, gone: 0, repairs: 0, conflicts: 0, invalid };
}

/** One line of a plan file: what will change, for a person to read before confirming. */
export function describeChange(change: Change): Record<string, unknown> {
  switch (change.kind) {
    case 'join': {
      const record = unpackRecord(change.record);
      return { kind: 'join', externalId: record.externalId, loginId: record.loginId, unitCode: record.unitCode, jobType: record.jobType, enabled: change.enabled };
    }
    case 'update': {
      const record = unpackRecord(change.record);
      return { kind: 'update', externalId: record.externalId, loginId: record.loginId, mover: change.mover, enabled: change.enabled, wasEnabled: change.worker.enabled === 1 };
    }
    case 'gone':
      return { kind: 'disable', externalId: change.worker.externalId, reason: 'no longer in the directory' };
    case 'repair':
      return { kind: 'repair', externalId: change.worker.externalId, enabled: change.enabled };
  }
}
