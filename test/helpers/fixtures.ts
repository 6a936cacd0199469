import type { AccountStatus, Flag } from '../../src/db/schema.ts';
import { newId } from '../../src/shared/ids.ts';
import type { TestKit } from './kit.ts';

/** Creates an agency through the API as a state administrator; returns its id and holding unit. */
export async function createAgency(kit: TestKit, code: string): Promise<{ id: string; holdingUnitId: string }> {
  const admin = await kit.tokenFor('state_admin', null);
  const created = await kit.call('POST', '/api/v1/agencies', { token: admin, body: { code, name: `${code} agency`, kind: 'district' } });
  if (created.status !== 201) throw new Error(`creating agency ${code} failed: ${JSON.stringify(created.body)}`);
  return { id: created.body.id, holdingUnitId: created.body.holdingUnitId };
}

export async function addUnit(kit: TestKit, agencyId: string, code: string, parentId: string | null = null): Promise<string> {
  const id = newId();
  const at = kit.clock.now().toISOString();
  await kit.db
    .insertInto('units')
    .values({ id, agency_id: agencyId, parent_id: parentId, code, name: `Unit ${code}`, site: null, is_holding: 0, approver_worker_id: null, created_at: at, updated_at: at })
    .execute();
  return id;
}

export interface WorkerFixture {
  enabled?: Flag;
  leaveStart?: string | null;
  leaveReturn?: string | null;
  /** When the worker was registered: the first history row starts here (default: the clock's now). */
  registeredAt?: string;
}

/** A worker row with its first worker_history row. */
export async function addWorker(kit: TestKit, agencyId: string, unitId: string, options: WorkerFixture = {}): Promise<string> {
  const id = newId();
  const at = options.registeredAt ?? kit.clock.now().toISOString();
  const login = `w${id.slice(-8)}`;
  const state = { enabled: options.enabled ?? 1, leave_start: options.leaveStart ?? null, leave_return: options.leaveReturn ?? null };
  await kit.db
    .insertInto('workers')
    .values({
      id, agency_id: agencyId, login_id: login, login_key: `${agencyId}:${login}`, first_name: 'Test', last_name: login, email: null, unit_id: unitId,
      job_type: 'cps_caseworker', supervisor_id: null, ...state, hire_date: null, termination_date: null, source: 'builtin', external_id: null,
      version: 1, created_at: at, updated_at: at,
    })
    .execute();
  await kit.db
    .insertInto('worker_history')
    .values({ id: newId(), worker_id: id, valid_from: at, valid_to: null, unit_id: unitId, job_type: 'cps_caseworker', termination_date: null, ...state })
    .execute();
  return id;
}

/** A directory change at `at`: closes the open worker_history row and opens one with the change. */
export async function changeWorker(kit: TestKit, workerId: string, at: string, change: { enabled?: Flag; leaveStart?: string | null; leaveReturn?: string | null }) {
  const current = await kit.db.selectFrom('worker_history').selectAll().where('worker_id', '=', workerId).where('valid_to', 'is', null).executeTakeFirstOrThrow();
  const next = {
    enabled: change.enabled ?? current.enabled,
    leave_start: change.leaveStart === undefined ? current.leave_start : change.leaveStart,
    leave_return: change.leaveReturn === undefined ? current.leave_return : change.leaveReturn,
  };
  await kit.db.updateTable('worker_history').set({ valid_to: at }).where('id', '=', current.id).execute();
  await kit.db.insertInto('worker_history').values({ ...current, ...next, id: newId(), valid_from: at, valid_to: null }).execute();
  await kit.db.updateTable('workers').set(next).where('id', '=', workerId).execute();
}

export async function addApplication(kit: TestKit, code: string): Promise<string> {
  const id = newId();
  const at = kit.clock.now().toISOString();
  await kit.db.insertInto('applications').values({ id, code, name: code, kind: 'builtin', config: '{}', created_at: at, updated_at: at }).execute();
  return id;
}

export async function addFunction(kit: TestKit, applicationId: string, code: string, securityAttributes: string[] = []): Promise<string> {
  const id = newId();
  const at = kit.clock.now().toISOString();
  await kit.db
    .insertInto('business_functions')
    .values({
      id, application_id: applicationId, code, name: code, description: null, security_attributes: JSON.stringify(securityAttributes), risk_level: 'low',
      owner_worker_id: null, requestable: 1, created_at: at, updated_at: at,
    })
    .execute();
  return id;
}

export interface AccountFixture {
  status?: AccountStatus;
  endDate?: string | null;
  /** The first account_history row starts here (default: the clock's now). */
  createdAt?: string;
}

/** An account row with its first account_history row. */
export async function addAccount(kit: TestKit, workerId: string, applicationId: string, unitId: string, options: AccountFixture = {}): Promise<string> {
  const id = newId();
  const at = options.createdAt ?? kit.clock.now().toISOString();
  const worker = await kit.db.selectFrom('workers').select('agency_id').where('id', '=', workerId).executeTakeFirstOrThrow();
  const state = { status: options.status ?? 'active', unit_id: unitId, end_date: options.endDate ?? null };
  await kit.db
    .insertInto('accounts')
    .values({ id, worker_id: workerId, application_id: applicationId, agency_id: worker.agency_id, ...state, disabled_by: null, version: 1, created_at: at, updated_at: at })
    .execute();
  await kit.db.insertInto('account_history').values({ id: newId(), account_id: id, valid_from: at, valid_to: null, ...state }).execute();
  return id;
}

/** An account change at `at`: closes the open account_history row and opens one with the change. */
export async function changeAccount(kit: TestKit, accountId: string, at: string, change: { status?: AccountStatus; unitId?: string; endDate?: string | null }) {
  const current = await kit.db.selectFrom('account_history').selectAll().where('account_id', '=', accountId).where('valid_to', 'is', null).executeTakeFirstOrThrow();
  const next = {
    status: change.status ?? current.status,
    unit_id: change.unitId ?? current.unit_id,
    end_date: change.endDate === undefined ? current.end_date : change.endDate,
  };
  await kit.db.updateTable('account_history').set({ valid_to: at }).where('id', '=', current.id).execute();
  await kit.db.insertInto('account_history').values({ ...current, ...next, id: newId(), valid_from: at, valid_to: null }).execute();
  await kit.db.updateTable('accounts').set(next).where('id', '=', accountId).execute();
}

/** A case or to-do row owned by a worker; open unless told otherwise. */
export async function addWorkItem(kit: TestKit, item: { agencyId: string; applicationId: string; unitId: string; ownerWorkerId: string; status?: 'open' | 'closed' }): Promise<string> {
  const id = newId();
  const at = kit.clock.now().toISOString();
  const status = item.status ?? 'open';
  await kit.db
    .insertInto('work_items')
    .values({
      id, agency_id: item.agencyId, application_id: item.applicationId, kind: 'case', reference: `C-${id.slice(-12)}`, title: 'Test case', unit_id: item.unitId,
      owner_worker_id: item.ownerWorkerId, status, due_date: null, opened_at: at, closed_at: status === 'closed' ? at : null, version: 1, updated_at: at,
    })
    .execute();
  return id;
}
