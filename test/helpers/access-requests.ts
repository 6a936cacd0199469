import type { RiskLevel } from '../../src/db/schema.ts';
import { newId } from '../../src/shared/ids.ts';
import { addAccount, addApplication, addFunction, addUnit, addWorker, createAgency } from './fixtures.ts';
import type { TestKit } from './kit.ts';

export async function setRisk(kit: TestKit, functionId: string, risk: RiskLevel): Promise<void> {
  await kit.db.updateTable('business_functions').set({ risk_level: risk }).where('id', '=', functionId).execute();
}

/**
 * An agency with a CPS unit (with a unit approver), CONNECTIONS with CPS functions and a template
 * for CPS caseworkers, two security coordinators and a supervisor who act as themselves, and a
 * new CPS caseworker whose account sits in the holding unit.
 */
export async function setUpJoiner(kit: TestKit, code = 'MONROE') {
  const agency = await createAgency(kit, code);
  const cpsUnit = await addUnit(kit, agency.id, 'C10');
  const otherUnit = await addUnit(kit, agency.id, 'P20');
  const app = await addApplication(kit, `CONNECTIONS-${code}`);
  const caseworkerFn = await addFunction(kit, app, 'CPS CASEWORKER');
  const supervisorFn = await addFunction(kit, app, 'CPS SUPERVISOR');
  const allDistFn = await addFunction(kit, app, 'ACCESS ALL DIST');
  await setRisk(kit, caseworkerFn, 'medium');
  await setRisk(kit, supervisorFn, 'high');
  await setRisk(kit, allDistFn, 'high');
  const at = kit.clock.now().toISOString();
  const templateId = newId();
  await kit.db.insertInto('access_templates').values({ id: templateId, agency_id: agency.id, application_id: app, job_type: 'cps_caseworker', name: 'CPS caseworker', created_at: at, updated_at: at }).execute();
  await kit.db.insertInto('template_functions').values({ template_id: templateId, function_id: caseworkerFn }).execute();

  const supervisor = await addWorker(kit, agency.id, cpsUnit);
  const unitApprover = await addWorker(kit, agency.id, cpsUnit);
  const coordinatorA = await addWorker(kit, agency.id, agency.holdingUnitId);
  const coordinatorB = await addWorker(kit, agency.id, agency.holdingUnitId);
  const joiner = await addWorker(kit, agency.id, cpsUnit);
  await kit.db.updateTable('workers').set({ supervisor_id: supervisor }).where('id', '=', joiner).execute();
  await kit.db.updateTable('units').set({ approver_worker_id: unitApprover }).where('id', '=', cpsUnit).execute();
  const account = await addAccount(kit, joiner, app, agency.holdingUnitId);

  const tokens = {
    coordinatorA: await kit.tokenFor('security_coordinator', agency.id, coordinatorA),
    coordinatorB: await kit.tokenFor('security_coordinator', agency.id, coordinatorB),
    supervisor: await kit.tokenFor('worker', agency.id, supervisor),
    unitApprover: await kit.tokenFor('worker', agency.id, unitApprover),
    joiner: await kit.tokenFor('worker', agency.id, joiner),
  };
  return { agency, cpsUnit, otherUnit, app, caseworkerFn, supervisorFn, allDistFn, supervisor, unitApprover, coordinatorA, coordinatorB, joiner, account, tokens };
}

export type Joiner = Awaited<ReturnType<typeof setUpJoiner>>;

/** Creates (and submits) a request through the API as coordinator A. */
export async function requestAccess(kit: TestKit, s: Joiner, items: unknown[], extra: Record<string, unknown> = {}) {
  return kit.call('POST', `/api/v1/agencies/${s.agency.id}/access-requests`, {
    token: s.tokens.coordinatorA,
    body: { subjectWorkerId: s.joiner, applicationId: s.app, justification: 'New CPS caseworker', items, ...extra },
  });
}

export function decide(kit: TestKit, token: string, requestId: string, decision: 'approve' | 'deny' = 'approve', extra: Record<string, unknown> = {}) {
  return kit.call('POST', `/api/v1/access-requests/${requestId}/decisions`, { token, body: { decision, ...extra } });
}
