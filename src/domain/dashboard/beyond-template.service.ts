import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import * as repo from './beyond-template.repo.ts';

/** Workers read per query: small enough that a request waits at most a few milliseconds for a chunk. */
const chunkSize = 1000;
/** How many functions and units the dashboard lists. */
const topEntries = 10;

function top(counts: Map<string, number>): repo.CountedEntry[] {
  return [...counts]
    .map(([id, count]) => ({ id, count }))
    .sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1))
    .slice(0, topEntries);
}

export type BeyondTemplateCounter = ReturnType<typeof createBeyondTemplateCounter>;

/**
 * Counts, for each agency, the live function grants its workers hold beyond their job's access
 * template (a job without a template has none in it), as the approver's inbox judges each grant.
 * Reading every grant with its worker's job is too slow for a page view on a large agency, so the
 * `beyond-template-counts` timer runs this and the dashboard shows the last count with its time.
 */
export function createBeyondTemplateCounter(deps: { db: Database; clock: Clock }) {
  async function countAgency(agencyId: string, at: string): Promise<repo.BeyondTemplateRow> {
    const templates = new Map<string, Set<string>>();
    for (const t of await repo.listTemplateFunctions(deps.db, agencyId)) {
      const key = `${t.applicationId}|${t.jobType}`;
      const functions = templates.get(key) ?? new Set<string>();
      if (t.functionId !== null) functions.add(t.functionId);
      templates.set(key, functions);
    }
    const byFunction = new Map<string, number>();
    const byUnit = new Map<string, number>();
    const workersBeyond = new Set<string>();
    let liveGrants = 0;
    let beyondGrants = 0;
    let after: [string, string, string] | null = null;
    for (;;) {
      const workers = await repo.listWorkersAfter(deps.db, agencyId, after, chunkSize);
      const last = workers.at(-1);
      if (!last) break;
      const byId = new Map(workers.map((w) => [w.id, w]));
      for (const grant of await repo.listLiveFunctionGrantsOf(deps.db, workers.map((w) => w.id), at)) {
        const worker = byId.get(grant.workerId);
        if (!worker || grant.functionId === null) continue;
        liveGrants += 1;
        if (templates.get(`${grant.applicationId}|${worker.jobType}`)?.has(grant.functionId)) continue;
        beyondGrants += 1;
        workersBeyond.add(worker.id);
        byFunction.set(grant.functionId, (byFunction.get(grant.functionId) ?? 0) + 1);
        byUnit.set(worker.unitId, (byUnit.get(worker.unitId) ?? 0) + 1);
      }
      after = [last.lastName, last.firstName, last.id];
      // better-sqlite3 answers synchronously: let waiting requests in between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { agencyId, countedAt: at, liveGrants, beyondGrants, beyondWorkers: workersBeyond.size, byFunction: top(byFunction), byUnit: top(byUnit) };
  }

  /** Counts every agency as of `now` and keeps the counts for the dashboard. */
  async function countAll(now: Date = deps.clock.now()): Promise<{ agencies: number; beyondGrants: number }> {
    const at = now.toISOString();
    let beyondGrants = 0;
    const agencyIds = await repo.listAgencyIds(deps.db);
    for (const agencyId of agencyIds) {
      const counts = await countAgency(agencyId, at);
      await repo.saveBeyondTemplateCounts(deps.db, counts);
      beyondGrants += counts.beyondGrants;
    }
    return { agencies: agencyIds.length, beyondGrants };
  }

  return { countAll };
}
