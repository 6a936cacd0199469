/**
 * What a large agency's dashboard reads, seeded straight into the tables: job templates and the
 * access every worker holds (a few with a function beyond their template, some grants revoked),
 * a year of access requests, leavers detected over the last four months, and removals scheduled
 * by moves, some of them late. Deterministic for a seed.
 */
import { bulkInsert } from '../src/db/bulk-insert.ts';
import type { Database } from '../src/db/database.ts';
import type { RequestStatus } from '../src/db/schema.ts';
import { newId } from '../src/shared/ids.ts';
import { createRandom } from '../src/shared/random.ts';

const dayMs = 86_400_000;

/** Each job's template; functions not yet in the application are added. */
const templates: Record<string, string[]> = {
  cps_caseworker: ['CPS CASEWORKER', 'CASE SEARCH'],
  preventive_caseworker: ['PREVENTIVE CASEWORKER', 'CASE SEARCH'],
  foster_care_caseworker: ['FAD CASEWORKER', 'CASE SEARCH'],
  adoption_caseworker: ['ADOPTION CASEWORKER', 'CASE SEARCH'],
  homefinder: ['HOMEFINDER', 'CASE SEARCH'],
  clerk: ['CLERICAL'],
  cps_supervisor: ['CPS SUPERVISOR', 'CPS CASEWORKER', 'CASE SEARCH'],
  director: ['ACCESS ALL DIST', 'REPORTS'],
};
/** What a worker holds beyond their job's template, when they do. */
const extras = ['ACCESS ALL DIST', 'MAINTAIN PERSON', 'REPORTS', 'SECURITY', 'CPS SUPERVISOR'];
const closedStatuses: RequestStatus[] = ['provisioned', 'provisioned', 'provisioned', 'provisioned', 'denied', 'expired', 'cancelled', 'failed'];

export interface DashboardDataCounts {
  grants: number;
  beyondTemplate: number;
  requests: number;
  leaverCases: number;
  scheduledRemovals: number;
}

async function ensureFunctions(db: Database, applicationId: string, at: string): Promise<Map<string, string>> {
  const codes = new Set([...Object.values(templates).flat(), ...extras]);
  const existing = await db.selectFrom('business_functions').select(['id', 'code']).where('application_id', '=', applicationId).execute();
  const idOf = new Map(existing.map((f) => [f.code, f.id]));
  const missing = [...codes].filter((code) => !idOf.has(code)).map((code) => ({
    id: newId(), application_id: applicationId, code, name: code.toLowerCase(), description: null, security_attributes: '[]', risk_level: 'medium' as const,
    owner_worker_id: null, requestable: 1 as const, created_at: at, updated_at: at,
  }));
  await bulkInsert(db, 'business_functions', missing);
  for (const f of missing) idOf.set(f.code, f.id);
  return idOf;
}

/** Seeds the agency's dashboard data around `now`; the workers and their accounts must exist. */
export async function seedDashboardData(db: Database, agencyId: string, applicationId: string, now: Date, seed = 11): Promise<DashboardDataCounts> {
  const random = createRandom(seed);
  const at = now.toISOString();
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const functionId = await ensureFunctions(db, applicationId, at);
  const fn = (code: string) => functionId.get(code) ?? code;
  const existingTemplates = new Set((await db.selectFrom('access_templates').select('job_type').where('agency_id', '=', agencyId).execute()).map((t) => t.job_type));
  const templateRows = Object.keys(templates).filter((job) => !existingTemplates.has(job)).map((job) => ({ id: newId(), agency_id: agencyId, application_id: applicationId, job_type: job, name: job, created_at: at, updated_at: at }));
  await bulkInsert(db, 'access_templates', templateRows);
  await bulkInsert(db, 'template_functions', templateRows.flatMap((t) => (templates[t.job_type] ?? []).map((code) => ({ template_id: t.id, function_id: fn(code) }))));

  const workers = await db
    .selectFrom('workers as w')
    .innerJoin('accounts as a', (j) => j.onRef('a.worker_id', '=', 'w.id').on('a.application_id', '=', applicationId))
    .select(['w.id', 'w.job_type', 'a.id as accountId'])
    .where('w.agency_id', '=', agencyId)
    .orderBy('w.login_key')
    .execute();
  const grant = (w: (typeof workers)[number], code: string, grantedAt: string, revokedAt: string | null) => ({
    id: newId(), account_id: w.accountId, worker_id: w.id, agency_id: agencyId, application_id: applicationId, kind: 'function' as const, function_id: fn(code), unit_id: null,
    provenance_kind: 'import' as const, provenance_id: 'bench', granted_by: 'bench', granted_at: grantedAt, valid_from: grantedAt, valid_to: null, revoked_at: revokedAt,
    revoked_by: revokedAt ? 'bench' : null, revoke_reason: revokedAt ? 'bench' : null,
  });
  const grants: ReturnType<typeof grant>[] = [];
  const beyond: { workerIndex: number; grant: ReturnType<typeof grant> }[] = [];
  workers.forEach((w, i) => {
    const grantedAt = ago(random.int(30, 900) * dayMs);
    for (const code of templates[w.job_type] ?? []) grants.push(grant(w, code, grantedAt, null));
    if (random.chance(0.1)) grants.push(grant(w, random.pick(extras), grantedAt, ago(random.int(1, 29) * dayMs)));
    const extra = random.pick(extras);
    if (random.chance(0.06) && !(templates[w.job_type] ?? []).includes(extra)) {
      const g = grant(w, extra, grantedAt, null);
      grants.push(g);
      beyond.push({ workerIndex: i, grant: g });
    }
  });
  await bulkInsert(db, 'grants', grants);

  // A removal scheduled by a move for a third of the grants beyond template; some are late.
  const removals = beyond.filter((_, i) => i % 3 === 0).map(({ grant: g, workerIndex }) => ({
    id: newId(), agency_id: agencyId, worker_id: g.worker_id, account_id: g.account_id, grant_id: g.id, function_id: g.function_id, lifecycle_event_id: null,
    job_type: workers[workerIndex]?.job_type ?? 'clerk', risk_level: 'medium' as const, exception_id: null, status: 'scheduled' as const,
    scheduled_at: ago(20 * dayMs), due_at: new Date(now.getTime() + random.int(-12 * 24, 10 * 24) * 3_600_000).toISOString(), closed_at: null, outcome: null,
  }));
  await bulkInsert(db, 'scheduled_removals', removals);

  const requests = Array.from({ length: Math.max(1000, Math.floor(workers.length / 5)) }, () => {
    const w = random.pick(workers);
    const createdAt = ago(random.int(0, 365 * 24 * 60) * 60_000);
    const status = createdAt > ago(5 * dayMs) && random.chance(0.3) ? 'pending' : random.pick(closedStatuses);
    return {
      id: newId(), agency_id: agencyId, application_id: applicationId, account_id: w.accountId, subject_worker_id: w.id, requester_principal_id: 'bench', requester_worker_id: null,
      assessment_id: null, justification: 'Bench history', status, risk_level: 'medium' as const, policy_version: 0, sod_conflicts: '[]', failure: null, version: 1,
      created_at: createdAt, updated_at: createdAt, submitted_at: createdAt, closed_at: status === 'pending' ? null : createdAt,
    };
  });
  await bulkInsert(db, 'access_requests', requests);

  // About 1.5% of the agency left in the last four months: disabled within seconds, most end-dated within days.
  const leavers = workers.filter((_, i) => i % 67 === 5).map((w) => {
    const detected = now.getTime() - random.int(0, 120 * 24 * 60) * 60_000;
    const iso = (ms: number) => new Date(detected + ms).toISOString();
    const endDated = detected < now.getTime() - 5 * dayMs || random.chance(0.5);
    const endDatedAt = endDated ? Math.min(now.getTime() - detected, random.int(1, 6 * 24) * 3_600_000) : null;
    return {
      id: newId(), agency_id: agencyId, worker_id: w.id, status: endDatedAt === null ? 'open' as const : 'end_dated' as const, cause: 'directory_disabled' as const, sync_run_id: null,
      detected_at: iso(0), disabled_at: iso(random.int(1, 90) * 1000), due_at: iso(dayMs), escalated_at: null, work_reassigned_at: endDatedAt === null ? null : iso(endDatedAt / 2),
      end_dated_at: endDatedAt === null ? null : iso(endDatedAt), cancelled_at: null, version: 1, updated_at: at,
    };
  });
  await bulkInsert(db, 'leaver_cases', leavers);
  for (let i = 0; i < leavers.length; i += 500) {
    await db.updateTable('workers').set({ enabled: 0 }).where('id', 'in', leavers.slice(i, i + 500).map((l) => l.worker_id)).execute();
  }
  return { grants: grants.length, beyondTemplate: beyond.length, requests: requests.length, leaverCases: leavers.length, scheduledRemovals: removals.length };
}
