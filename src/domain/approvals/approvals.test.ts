import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide, requestAccess, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';

describeEachDatabase('approval policies and the process document', (current) => {
  it('writes the agency process as Markdown from the policy and SoD rules in force', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const defaults = await kit.services.approvals.describeProcess(kit.system, 'monroe');
    assert.match(defaults, /^# Account management process: MONROE agency \(MONROE\)/);
    assert.match(defaults, /the Gatehouse default policy/);
    assert.match(defaults, /### High risk\n\n1\. \*\*Supervisor\*\*.*\n2\. \*\*Unit approver\*\*.*\n3\. \*\*Security coordinator\*\*/);
    assert.match(defaults, /No incompatible function pairs are configured\./);
    assert.match(defaults, /completes the access survey "SOaR New Employee Security\/Access Survey" \(version soar-default-1\)/);
    assert.match(defaults, /reminded at half-time and one business day before its deadline/);
    await kit.services.approvals.addSodRule(kit.system, s.agency.id, { functionAId: s.caseworkerFn, functionBId: s.supervisorFn, description: 'Separate investigation and approval' });
    const stage = { name: 'Director', approvers: [{ kind: 'function_owner' as const }], quorum: 'all' as const, deadline: { hours: 4 } };
    await kit.services.approvals.setPolicy(kit.system, s.agency.id, { low: [stage], medium: [stage], high: [stage], fallback: [{ kind: 'security_coordinators' }], sodMode: 'extra_approval' });
    const configured = await kit.services.approvals.describeProcess(kit.system, s.agency.id);
    assert.match(configured, /policy version 1/);
    assert.match(configured, /every approver must approve; decided within 4 hours/);
    assert.match(configured, /- CPS (CASEWORKER and CPS SUPERVISOR|SUPERVISOR and CPS CASEWORKER): Separate investigation and approval/);
    assert.match(configured, /needs an extra approval/);
    const erie = await setUpJoiner(kit, 'ERIE');
    await assert.rejects(kit.services.approvals.describeProcess({ ...kit.system, actor: { ...kit.system.actor, roles: [{ role: 'auditor', agencyId: erie.agency.id }] } }, 'MONROE'), { code: 'agency.not_found' });
  });

  it('lists workers who hold incompatible functions now', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }, { kind: 'function', functionId: s.supervisorFn, justification: 'Acting supervisor' }]);
    for (const token of [s.tokens.supervisor, s.tokens.unitApprover, s.tokens.coordinatorB]) assert.equal((await decide(kit, token, created.body.id)).status, 200);
    const path = `/api/v1/agencies/${s.agency.id}/sod-conflicts`;
    assert.deepEqual((await kit.call('GET', path, { token: s.tokens.coordinatorA })).body.items, []);
    const rule = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/sod-rules`, { token: s.tokens.coordinatorA, body: { functionAId: s.supervisorFn, functionBId: s.caseworkerFn, description: 'Separate duties' } });
    const conflicts = (await kit.call('GET', path, { token: s.tokens.coordinatorA })).body.items;
    assert.deepEqual(conflicts.map((c: { workerId: string; ruleId: string }) => [c.workerId, c.ruleId]), [[s.joiner, rule.body.id]]);
    const again = await kit.call('POST', `/api/v1/agencies/${s.agency.id}/sod-rules`, { token: s.tokens.coordinatorA, body: { functionAId: s.caseworkerFn, functionBId: s.supervisorFn, description: 'dup' } });
    assert.equal(again.body.error.code, 'sod_rule.duplicate');
  });
});
