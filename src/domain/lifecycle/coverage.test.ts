import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addWorker } from '../../../test/helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';
import { type Caseworker, auditActions, functionCodes, setUpCaseworker } from '../../../test/helpers/lifecycle.ts';

// testStart is Monday 2026-03-02 14:00Z, 09:00 in the agency's New York time zone.
async function coveredLeave(kit: TestKit, s: Caseworker, startsOn: string, absent = s.worker) {
  const colleague = await addWorker(kit, s.agency.id, s.otherUnit);
  await addAccount(kit, colleague, s.app, s.otherUnit);
  const leave = await kit.call('POST', `/api/v1/workers/${absent}/leaves`, { token: s.tokens.lanAdmin, body: { startsOn, returnsOn: '2026-03-20', reason: 'Medical leave' } });
  const coverage = await kit.call('POST', `/api/v1/leaves/${leave.body.id}/coverages`, { token: s.tokens.coordinatorA, body: { coveringWorkerId: colleague, reason: 'Covers the caseload' } });
  assert.equal(coverage.status, 201, JSON.stringify(coverage.body));
  return { colleague, coverage: coverage.body as { id: string; grantId: string } };
}

describeEachDatabase('coverage across the agency', (current) => {
  it("lists the agency's coverage under way with both workers and the unit, and finds it by either worker's name or login", async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const { colleague, coverage } = await coveredLeave(kit, s, '2026-03-02');
    const path = `/api/v1/agencies/${s.agency.id}/coverages`;
    const listed = await kit.call('GET', path, { token: s.tokens.coordinatorA });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const [item] = listed.body.items;
    assert.deepEqual([item.id, item.coveringWorkerId, item.unitCode, item.status, item.started, item.endsAt], [coverage.id, colleague, 'C10', 'active', true, '2026-03-20T04:00:00.000Z']);
    const worker = (await kit.call('GET', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin })).body;
    assert.equal(item.absentWorkerName, `${worker.firstName} ${worker.lastName}`);
    for (const search of [worker.loginId.toUpperCase(), item.coveringLoginId.slice(0, 4)]) {
      assert.equal((await kit.call('GET', `${path}?search=${search}`, { token: s.tokens.coordinatorA })).body.items.length, 1, search);
    }
    assert.equal((await kit.call('GET', `${path}?search=nobody`, { token: s.tokens.coordinatorA })).body.items.length, 0);
    assert.equal((await kit.call('GET', `${path}?search=${'x'.repeat(101)}`, { token: s.tokens.coordinatorA })).status, 400);
    const erie = await setUpCaseworker(kit, 'ERIE');
    assert.equal((await kit.call('GET', path, { token: erie.tokens.coordinatorA })).status, 404);
  });

  it('pages the coverage by start date', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const later = await coveredLeave(kit, s, '2026-03-05');
    const absent = await addWorker(kit, s.agency.id, s.cpsUnit);
    await addAccount(kit, absent, s.app, s.cpsUnit);
    const sooner = await coveredLeave(kit, s, '2026-03-03', absent);
    const path = `/api/v1/agencies/${s.agency.id}/coverages?limit=1`;
    const first = await kit.call('GET', path, { token: s.tokens.coordinatorA });
    assert.deepEqual([first.body.items[0].id, first.body.items[0].started], [sooner.coverage.id, false]);
    const second = await kit.call('GET', `${path}&cursor=${first.body.nextCursor}`, { token: s.tokens.coordinatorA });
    assert.deepEqual([second.body.items[0].id, second.body.nextCursor], [later.coverage.id, null]);
    assert.equal((await kit.call('GET', `/api/v1/agencies/${s.agency.id}/coverages?cursor=bm90LWEtY3Vyc29y`, { token: s.tokens.coordinatorA })).status, 400);
  });

  it('ends a coverage early: the colleague loses the unit at once, and a second end is refused', async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    const { colleague, coverage } = await coveredLeave(kit, s, '2026-03-02');
    assert.deepEqual((await functionCodes(kit, s, colleague)).units, [s.cpsUnit, s.otherUnit].sort());
    assert.equal((await kit.call('POST', `/api/v1/coverages/${coverage.id}/end`, { token: s.tokens.lanAdmin, body: { reason: 'x' } })).status, 403);
    assert.equal((await kit.call('POST', `/api/v1/coverages/${coverage.id}/end`, { token: s.tokens.coordinatorA, body: { reason: ' ' } })).status, 400);

    kit.clock.set('2026-03-04T15:00:00.000Z');
    const ended = await kit.call('POST', `/api/v1/coverages/${coverage.id}/end`, { token: s.tokens.coordinatorA, body: { reason: 'The caseload went to the unit supervisor' } });
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    assert.deepEqual([ended.body.status, ended.body.endedAt], ['ended', '2026-03-04T15:00:00.000Z']);
    assert.deepEqual((await functionCodes(kit, s, colleague)).units, [s.otherUnit]);
    const grant = (await kit.call('GET', `/api/v1/grants/${coverage.grantId}`, { token: s.tokens.coordinatorA })).body;
    assert.equal(grant.revokedAt, '2026-03-04T15:00:00.000Z');
    assert.deepEqual(await auditActions(kit, coverage.id), ['coverage.granted', 'coverage.ended']);
    assert.equal((await kit.call('GET', `/api/v1/agencies/${s.agency.id}/coverages`, { token: s.tokens.coordinatorA })).body.items.length, 0);
    const again = await kit.call('POST', `/api/v1/coverages/${coverage.id}/end`, { token: s.tokens.coordinatorA, body: { reason: 'Again' } });
    assert.equal(again.body.error.code, 'coverage.not_applicable');
    const erie = await setUpCaseworker(kit, 'ERIE');
    assert.equal((await kit.call('POST', `/api/v1/coverages/${coverage.id}/end`, { token: erie.tokens.coordinatorA, body: { reason: 'x' } })).status, 404);
    assert.equal((await kit.services.audit.verify()).ok, true);
  });
});
