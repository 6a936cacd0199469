import type { Executor } from '../../db/database.ts';
import { type CaseRow, selectCaseRows } from '../leavers/leavers.repo.ts';

export interface ReportWorker {
  id: string;
  agencyId: string;
  name: string;
  loginId: string;
}

export async function findReportWorker(db: Executor, id: string): Promise<ReportWorker | undefined> {
  const row = await db
    .selectFrom('workers')
    .select(['id', 'agency_id as agencyId', 'first_name as firstName', 'last_name as lastName', 'login_id as loginId'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, agencyId: row.agencyId, name: `${row.firstName} ${row.lastName}`, loginId: row.loginId };
}

export async function agencyExists(db: Executor, id: string): Promise<boolean> {
  return (await db.selectFrom('agencies').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function listCasesOfWorker(db: Executor, workerId: string): Promise<CaseRow[]> {
  return selectCaseRows(db).where('c.worker_id', '=', workerId).orderBy('c.detected_at').orderBy('c.id').execute();
}

/** The agency's cases detected in [from, to), oldest first. */
export async function listCasesDetectedIn(db: Executor, agencyId: string, from: string, to: string): Promise<CaseRow[]> {
  return selectCaseRows(db)
    .where('c.agency_id', '=', agencyId)
    .where('c.detected_at', '>=', from)
    .where('c.detected_at', '<', to)
    .orderBy('c.detected_at')
    .orderBy('c.id')
    .execute();
}

export async function listLifecycleEvents(db: Executor, workerId: string): Promise<{ id: string; kind: string; detectedAt: string; details: string }[]> {
  return db
    .selectFrom('lifecycle_events')
    .select(['id', 'kind', 'detected_at as detectedAt', 'details'])
    .where('worker_id', '=', workerId)
    .orderBy('detected_at')
    .orderBy('id')
    .execute();
}

export interface AuditRow {
  seq: number;
  at: string;
  action: string;
  subjectType: string;
  subjectId: string;
  actorName: string;
  reason: string | null;
  after: string | null;
}

/** The audit events about the worker, its accounts or its grants (a mover's removals show there), oldest first. */
export async function listAuditAbout(db: Executor, workerId: string, limit: number): Promise<AuditRow[]> {
  const accountIds = (await db.selectFrom('accounts').select('id').where('worker_id', '=', workerId).execute()).map((a) => a.id);
  const grantIds = (await db.selectFrom('grants').select('id').where('worker_id', '=', workerId).execute()).map((g) => g.id);
  return db
    .selectFrom('audit_events')
    .select(['seq', 'at', 'action', 'subject_type as subjectType', 'subject_id as subjectId', 'actor_name as actorName', 'reason', 'after'])
    .where((eb) => {
      const subjects = [eb.and([eb('subject_type', '=', 'worker'), eb('subject_id', '=', workerId)])];
      if (accountIds.length > 0) subjects.push(eb.and([eb('subject_type', '=', 'account'), eb('subject_id', 'in', accountIds)]));
      if (grantIds.length > 0) subjects.push(eb.and([eb('subject_type', '=', 'grant'), eb('subject_id', 'in', grantIds)]));
      return eb.or(subjects);
    })
    .orderBy('seq')
    .limit(limit)
    .execute();
}
