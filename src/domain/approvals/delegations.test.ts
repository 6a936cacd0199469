import assert from 'node:assert/strict';
import { it } from 'node:test';
import { requestAccess, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addUnit, addWorker, createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';

describeEachDatabase('deputies for absences', (current) => {
  it('ends a delegation in effect after yesterday, so the deputy decides nothing more from today', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const deputy = await addWorker(kit, s.agency.id, s.cpsUnit);
    const deputyToken = await kit.tokenFor('worker', s.agency.id, deputy);
    const created = await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor, body: { deputyWorkerId: deputy, startsOn: '2026-02-27', endsOn: '2026-03-06', reason: 'Training week' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    assert.equal((await kit.call('GET', '/api/v1/approvals/inbox', { token: deputyToken })).body.items.length, 1);

    const ended = await kit.call('POST', `/api/v1/delegations/${created.body.id}/end`, { token: s.tokens.supervisor });
    assert.equal(ended.status, 204, JSON.stringify(ended.body));
    const [stored] = (await kit.call('GET', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor })).body.items;
    assert.deepEqual([stored.startsOn, stored.endsOn], ['2026-02-27', '2026-03-01']);
    assert.deepEqual((await kit.call('GET', '/api/v1/approvals/inbox', { token: deputyToken })).body.items, []);
    const again = await kit.call('POST', `/api/v1/delegations/${created.body.id}/end`, { token: s.tokens.supervisor });
    assert.deepEqual([again.status, again.body.error.code], [409, 'delegation.ended']);
    const audit = await kit.db.selectFrom('audit_events').select(['action', 'after']).where('action', '=', 'delegation.ended').executeTakeFirstOrThrow();
    assert.equal(JSON.parse(audit.after ?? '{}').endsOn, '2026-03-01');
  });

  it('lists the delegations in effect and to come, withdraws one that has not begun and removes one ended the day it began', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const deputy = await addWorker(kit, s.agency.id, s.cpsUnit);
    const body = (startsOn: string, endsOn: string) => ({ token: s.tokens.supervisor, body: { deputyWorkerId: deputy, startsOn, endsOn, reason: 'Away' } });
    const today = await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, body('2026-03-02', '2026-03-02'));
    const upcoming = await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, body('2026-03-09', '2026-03-13'));
    const supervisor = { requestId: 't', actor: { principalId: 'p', name: 'supervisor', roles: [{ role: 'worker' as const, agencyId: s.agency.id }], workerId: s.supervisor } };

    const inForce = await kit.services.delegations.listInForce(supervisor, s.supervisor);
    assert.deepEqual(inForce.map((d) => [d.id, d.current]), [[today.body.id, true], [upcoming.body.id, false]]);
    assert.match(inForce[0]?.deputyName ?? '', /^Test w/);

    assert.equal((await kit.call('POST', `/api/v1/delegations/${upcoming.body.id}/end`, { token: s.tokens.coordinatorA })).status, 204);
    assert.equal((await kit.call('POST', `/api/v1/delegations/${today.body.id}/end`, { token: s.tokens.supervisor })).status, 204);
    assert.deepEqual((await kit.call('GET', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor })).body.items, []);
    const actions = await kit.db.selectFrom('audit_events').select('action').where('action', 'like', 'delegation.%').orderBy('seq').execute();
    assert.deepEqual(actions.map((a) => a.action), ['delegation.created', 'delegation.created', 'delegation.withdrawn', 'delegation.ended']);
  });

  it('refuses a delegation already over, and lets only the worker or a coordinator end one; another agency never finds it', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const deputy = await addWorker(kit, s.agency.id, s.cpsUnit);
    const past = await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor, body: { deputyWorkerId: deputy, startsOn: '2026-02-23', endsOn: '2026-03-01', reason: 'Away' } });
    assert.deepEqual([past.status, past.body.error.details], [422, { field: 'endsOn' }]);
    const created = await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor, body: { deputyWorkerId: deputy, startsOn: '2026-03-02', endsOn: '2026-03-04', reason: 'Away' } });

    assert.deepEqual((await kit.call('POST', `/api/v1/delegations/${created.body.id}/end`, { token: s.tokens.joiner })).status, 403);
    const erie = await createAgency(kit, 'ERIE');
    const erieCoordinator = await kit.tokenFor('security_coordinator', erie.id, await addWorker(kit, erie.id, await addUnit(kit, erie.id, 'E10')));
    const foreign = await kit.call('POST', `/api/v1/delegations/${created.body.id}/end`, { token: erieCoordinator });
    assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'delegation.not_found']);
    assert.equal((await kit.call('POST', '/api/v1/delegations/not-an-id/end', { token: s.tokens.supervisor })).status, 400);
    assert.equal((await kit.call('GET', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor })).body.items.length, 1);
  });
});
