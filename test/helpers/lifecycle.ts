import { systemContext } from '../../src/domain/auth/actor.ts';
import { newId } from '../../src/shared/ids.ts';
import { setRisk, setUpJoiner } from './access-requests.ts';
import { addFunction } from './fixtures.ts';
import type { TestKit } from './kit.ts';

/**
 * setUpJoiner's agency with a working CPS caseworker: the worker's account sits in the CPS unit
 * holding CPS CASEWORKER (high risk) and CASE SEARCH (medium, beyond the template), and a
 * preventive caseworker template needs PREVENTIVE CASEWORKER. Plus a LAN administrator.
 */
export async function setUpCaseworker(kit: TestKit, code = 'MONROE') {
  const s = await setUpJoiner(kit, code);
  await setRisk(kit, s.caseworkerFn, 'high');
  const preventiveFn = await addFunction(kit, s.app, 'PREVENTIVE CASEWORKER');
  const caseSearchFn = await addFunction(kit, s.app, 'CASE SEARCH');
  await setRisk(kit, caseSearchFn, 'medium');
  const at = kit.clock.now().toISOString();
  const templateId = newId();
  await kit.db.insertInto('access_templates').values({ id: templateId, agency_id: s.agency.id, application_id: s.app, job_type: 'preventive_caseworker', name: 'Preventive caseworker', created_at: at, updated_at: at }).execute();
  await kit.db.insertInto('template_functions').values({ template_id: templateId, function_id: preventiveFn }).execute();
  await kit.db.updateTable('accounts').set({ unit_id: s.cpsUnit }).where('id', '=', s.account).execute();
  await kit.db.updateTable('account_history').set({ unit_id: s.cpsUnit }).where('account_id', '=', s.account).execute();
  const ctx = systemContext('test-setup');
  const grant = (functionId: string) =>
    kit.db.transaction().execute((trx) => kit.services.grants.grantInTransaction(trx, ctx, { accountId: s.account, kind: 'function', functionId, provenanceKind: 'import', provenanceId: 'test-import' }));
  const cpsGrant = (await grant(s.caseworkerFn)).id;
  const caseSearchGrant = (await grant(caseSearchFn)).id;
  const lanAdmin = await kit.tokenFor('lan_admin', s.agency.id);
  return { ...s, worker: s.joiner, preventiveFn, caseSearchFn, cpsGrant, caseSearchGrant, tokens: { ...s.tokens, lanAdmin } };
}

export type Caseworker = Awaited<ReturnType<typeof setUpCaseworker>>;

/** The function codes the worker may use now, sorted; empty when access is off. */
export async function functionCodes(kit: TestKit, s: Caseworker, workerId = s.worker): Promise<{ active: boolean; codes: string[]; units: string[] }> {
  const access = await kit.call('GET', `/api/v1/workers/${workerId}/effective-access?application=${s.app}`, { token: s.tokens.coordinatorA });
  if (access.status !== 200) throw new Error(JSON.stringify(access.body));
  return {
    active: access.body.active,
    codes: access.body.functions.map((f: { code: string }) => f.code).sort(),
    units: access.body.units.map((u: { id: string }) => u.id).sort(),
  };
}

export async function auditActions(kit: TestKit, subjectId: string): Promise<string[]> {
  const rows = await kit.db.selectFrom('audit_events').select('action').where('subject_id', '=', subjectId).orderBy('seq').execute();
  return rows.map((r) => r.action);
}
