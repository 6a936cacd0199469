import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';
import { ensureBuiltinApplications } from '../applications/applications.service.ts';
import { isOnLeave } from './worker-dates.ts';
import { findWorkerStateAt } from './workers.repo.ts';

/** Monroe and Erie, a CPS unit in each, and a LAN administrator for each. */
async function setUp(kit: TestKit) {
  const monroe = await kit.services.agencies.create(kit.system, { code: 'MONROE', name: 'Monroe County DSS', kind: 'district', timeZone: 'America/New_York' });
  const erie = await kit.services.agencies.create(kit.system, { code: 'ERIE', name: 'Erie County DSS', kind: 'district', timeZone: 'America/New_York' });
  const monroeUnit = await kit.services.units.create(kit.system, monroe.id, { code: 'CPS', name: 'Monroe CPS' });
  const erieUnit = await kit.services.units.create(kit.system, erie.id, { code: 'CPS', name: 'Erie CPS' });
  return {
    monroe, erie, monroeUnit: monroeUnit.id, erieUnit: erieUnit.id,
    monroeAdmin: await kit.tokenFor('lan_admin', monroe.id), erieAdmin: await kit.tokenFor('lan_admin', erie.id),
  };
}

async function register(kit: TestKit, token: string, agencyId: string, body: Record<string, unknown>) {
  const created = await kit.call('POST', `/api/v1/agencies/${agencyId}/workers`, { token, body: { firstName: 'Jo', lastName: 'Doe', jobType: 'cps_caseworker', ...body } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body as { id: string };
}

async function history(kit: TestKit, workerId: string) {
  return kit.db.selectFrom('worker_history').selectAll().where('worker_id', '=', workerId).orderBy('valid_from').orderBy('valid_to').execute();
}

describeEachDatabase('workers', (current) => {
  it('registers a worker with an open history row and an audit event', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeUnit, monroeAdmin } = await setUp(kit);
    const response = await kit.call('POST', `/api/v1/agencies/${monroe.id}/workers`, {
      token: monroeAdmin,
      body: { loginId: 'JDoe01', firstName: ' Jane ', lastName: 'Doe', email: 'jane.doe@example.org', unitId: monroeUnit, jobType: 'cps_caseworker', hireDate: '2026-03-01' },
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('etag'), '"1"');
    assert.equal(response.body.firstName, 'Jane');
    assert.equal(response.body.enabled, true);
    assert.equal(response.body.source, 'builtin');
    assert.equal(response.body.version, 1);
    const rows = await history(kit, response.body.id);
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0]?.valid_from, rows[0]?.valid_to, rows[0]?.unit_id, rows[0]?.enabled], [kit.clock.now().toISOString(), null, monroeUnit, 1]);
    const event = await kit.db.selectFrom('audit_events').selectAll().where('subject_id', '=', response.body.id).executeTakeFirstOrThrow();
    assert.equal(event.action, 'worker.registered');
    assert.equal(JSON.parse(event.after ?? '').loginId, 'JDoe01');
  });

  it("opens the new worker's CONNECTIONS account in N01 with no access, where the coordinator's queue shows it", async () => {
    const kit = createTestKit(current());
    const { monroe, monroeUnit, monroeAdmin } = await setUp(kit);
    await kit.db.transaction().execute((trx) => ensureBuiltinApplications(trx, kit.clock.now().toISOString()));
    const worker = await register(kit, monroeAdmin, monroe.id, { loginId: 'newbie', unitId: monroeUnit });

    const coordinator = await kit.tokenFor('security_coordinator', monroe.id);
    const queue = await kit.call('GET', `/api/v1/agencies/${monroe.id}/accounts?awaitingAssessment=true`, { token: coordinator });
    assert.equal(queue.status, 200);
    assert.deepEqual(queue.body.items.map((a: { workerId: string; unitId: string; status: string }) => [a.workerId, a.unitId, a.status]), [[worker.id, monroe.holdingUnitId, 'active']]);
    const access = await kit.services.access.effectiveAccess(kit.system, worker.id, 'CONNECTIONS');
    assert.deepEqual(access.functions, []);
  });

  it('refuses a login id already taken anywhere in the state, ignoring case', async () => {
    const kit = createTestKit(current());
    const { monroe, erie, monroeUnit, erieUnit, monroeAdmin, erieAdmin } = await setUp(kit);
    await register(kit, monroeAdmin, monroe.id, { loginId: 'jdoe', unitId: monroeUnit });
    const again = await kit.call('POST', `/api/v1/agencies/${erie.id}/workers`, { token: erieAdmin, body: { loginId: 'JDOE', firstName: 'J', lastName: 'D', unitId: erieUnit, jobType: 'cps_caseworker' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'worker.duplicate');
    const other = await register(kit, monroeAdmin, monroe.id, { loginId: 'asmith', unitId: monroeUnit });
    const renamed = await kit.call('PATCH', `/api/v1/workers/${other.id}`, { token: monroeAdmin, body: { loginId: 'JDoe' } });
    assert.equal(renamed.body.error.code, 'worker.duplicate');
  });

  it('rejects bad worker input with field-level details and writes nothing', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeUnit, monroeAdmin } = await setUp(kit);
    const response = await kit.call('POST', `/api/v1/agencies/${monroe.id}/workers`, {
      token: monroeAdmin,
      body: {
        loginId: 'j doe!', firstName: 'J'.repeat(101), lastName: 'Doe', email: 'not-an-email', unitId: monroeUnit, jobType: 'CPS Worker',
        hireDate: '2026-02-30', leaveStart: '2026-05-10', leaveReturn: '2026-05-01', badge: 7,
      },
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'request.invalid');
    const fields = [...new Set(response.body.error.details.map((d: { field: string }) => d.field))].sort();
    assert.deepEqual(fields, ['body.badge', 'body.email', 'body.firstName', 'body.hireDate', 'body.jobType', 'body.leaveReturn', 'body.loginId']);
    assert.equal(await kit.db.selectFrom('workers').select('id').executeTakeFirst(), undefined);
    const noReason = await kit.call('POST', `/api/v1/workers/${monroeUnit}/disable`, { token: monroeAdmin, body: { reason: '  ' } });
    assert.deepEqual(noReason.body.error.details.map((d: { field: string }) => d.field), ['body.reason']);
  });

  it('checks dates against the stored ones when a change gives only some of them', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeUnit, monroeAdmin } = await setUp(kit);
    const worker = await register(kit, monroeAdmin, monroe.id, { loginId: 'jdoe', unitId: monroeUnit, leaveStart: '2026-04-01' });
    const early = await kit.call('PATCH', `/api/v1/workers/${worker.id}`, { token: monroeAdmin, body: { leaveReturn: '2026-03-15' } });
    assert.equal(early.status, 422);
    assert.equal(early.body.error.code, 'input.invalid');
    assert.deepEqual(early.body.error.details.map((d: { field: string }) => d.field), ['leaveReturn']);
    const ok = await kit.call('PATCH', `/api/v1/workers/${worker.id}`, { token: monroeAdmin, body: { leaveReturn: '2026-04-15', reason: 'Back mid-April' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.leaveReturn, '2026-04-15');
  });

  it("answers 404 for another agency's workers and keeps workers out of another agency's units", async () => {
    const kit = createTestKit(current());
    const { monroe, erie, monroeUnit, erieUnit, monroeAdmin, erieAdmin } = await setUp(kit);
    const erieWorker = await register(kit, erieAdmin, erie.id, { loginId: 'erie1', unitId: erieUnit });
    const monroeWorker = await register(kit, monroeAdmin, monroe.id, { loginId: 'monroe1', unitId: monroeUnit });
    for (const [method, path, body] of [
      ['GET', `/api/v1/workers/${erieWorker.id}`, undefined],
      ['PATCH', `/api/v1/workers/${erieWorker.id}`, { firstName: 'X' }],
      ['POST', `/api/v1/workers/${erieWorker.id}/disable`, { reason: 'Left' }],
      ['POST', `/api/v1/workers/${erieWorker.id}/enable`, { reason: 'Back' }],
    ] as const) {
      const response = await kit.call(method, path, { token: monroeAdmin, body });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal(response.body.error.code, 'worker.not_found');
    }
    const listed = await kit.call('GET', `/api/v1/agencies/${erie.id}/workers`, { token: monroeAdmin });
    assert.equal(listed.body.error.code, 'agency.not_found');
    const intoErie = await kit.call('POST', `/api/v1/agencies/${monroe.id}/workers`, { token: monroeAdmin, body: { loginId: 'x1', firstName: 'X', lastName: 'Y', unitId: erieUnit, jobType: 'cps_caseworker' } });
    assert.equal(intoErie.status, 404);
    assert.equal(intoErie.body.error.code, 'unit.not_found');
    const moved = await kit.call('PATCH', `/api/v1/workers/${monroeWorker.id}`, { token: monroeAdmin, body: { unitId: erieUnit } });
    assert.equal(moved.body.error.code, 'unit.not_found');
    const supervised = await kit.call('PATCH', `/api/v1/workers/${monroeWorker.id}`, { token: monroeAdmin, body: { supervisorId: erieWorker.id } });
    assert.equal(supervised.body.error.code, 'worker.not_found');
    assert.equal((await history(kit, monroeWorker.id)).length, 1);
  });

  it('refuses a supervisor who reports, directly or through others, to the worker', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeUnit, monroeAdmin } = await setUp(kit);
    const director = await register(kit, monroeAdmin, monroe.id, { loginId: 'director', unitId: monroeUnit });
    const manager = await register(kit, monroeAdmin, monroe.id, { loginId: 'manager', unitId: monroeUnit, supervisorId: director.id });
    const caseworker = await register(kit, monroeAdmin, monroe.id, { loginId: 'caseworker', unitId: monroeUnit, supervisorId: manager.id });
    for (const supervisorId of [caseworker.id, manager.id, director.id]) {
      const response = await kit.call('PATCH', `/api/v1/workers/${director.id}`, { token: monroeAdmin, body: { supervisorId } });
      assert.equal(response.status, 409);
      assert.equal(response.body.error.code, 'worker.supervisor_cycle');
    }
    const flattened = await kit.call('PATCH', `/api/v1/workers/${caseworker.id}`, { token: monroeAdmin, body: { supervisorId: director.id } });
    assert.equal(flattened.status, 200);
    assert.equal(flattened.body.supervisorId, director.id);
  });

  it('refuses a change made on a stale version and accepts one on the current version', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeUnit, monroeAdmin } = await setUp(kit);
    const worker = await register(kit, monroeAdmin, monroe.id, { loginId: 'jdoe', unitId: monroeUnit });
    const first = await kit.call('PATCH', `/api/v1/workers/${worker.id}`, { token: monroeAdmin, headers: { 'if-match': '"1"' }, body: { jobType: 'cps_supervisor' } });
    assert.equal(first.status, 200);
    assert.equal(first.body.version, 2);
    assert.equal(first.headers.get('etag'), '"2"');
    const stale = await kit.call('PATCH', `/api/v1/workers/${worker.id}`, { token: monroeAdmin, headers: { 'if-match': '"1"' }, body: { lastName: 'Smith' } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'conflict.version');
    const staleBody = await kit.call('PATCH', `/api/v1/workers/${worker.id}`, { token: monroeAdmin, body: { lastName: 'Smith', version: 1 } });
    assert.equal(staleBody.body.error.code, 'conflict.version');
    const disagree = await kit.call('PATCH', `/api/v1/workers/${worker.id}`, { token: monroeAdmin, headers: { 'if-match': '"2"' }, body: { lastName: 'Smith', version: 1 } });
    assert.equal(disagree.status, 400);
    const current2 = await kit.call('PATCH', `/api/v1/workers/${worker.id}`, { token: monroeAdmin, body: { lastName: 'Smith', version: 2 } });
    assert.equal(current2.status, 200);
    assert.equal(current2.body.lastName, 'Smith');
    assert.equal(current2.body.jobType, 'cps_supervisor');
    const events = await kit.db.selectFrom('audit_events').selectAll().where('subject_id', '=', worker.id).where('action', '=', 'worker.updated').orderBy('seq').execute();
    assert.deepEqual(events.map((e): unknown => JSON.parse(e.after ?? '')), [{ jobType: 'cps_supervisor' }, { lastName: 'Smith' }]);
    assert.deepEqual(JSON.parse(events[1]?.before ?? ''), { lastName: 'Doe' });
  });

  it('disables and enables with a reason, each closing one history row and opening the next', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeUnit, monroeAdmin } = await setUp(kit);
    const registeredAt = kit.clock.now().toISOString();
    const worker = await register(kit, monroeAdmin, monroe.id, { loginId: 'jdoe', unitId: monroeUnit });
    kit.clock.set('2026-03-10T09:00:00.000Z');
    const disabled = await kit.call('POST', `/api/v1/workers/${worker.id}/disable`, { token: monroeAdmin, body: { reason: 'Left the agency' } });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.enabled, false);
    assert.equal(disabled.body.version, 2);
    const rows = await history(kit, worker.id);
    assert.deepEqual(rows.map((r) => [r.valid_from, r.valid_to, r.enabled]), [[registeredAt, '2026-03-10T09:00:00.000Z', 1], ['2026-03-10T09:00:00.000Z', null, 0]]);

    const again = await kit.call('POST', `/api/v1/workers/${worker.id}/disable`, { token: monroeAdmin, body: { reason: 'Twice' } });
    assert.equal(again.body.version, 2);
    kit.clock.set('2026-03-20T09:00:00.000Z');
    assert.equal((await kit.call('POST', `/api/v1/workers/${worker.id}/enable`, { token: monroeAdmin, body: { reason: 'Rehired' } })).body.enabled, true);
    assert.equal((await history(kit, worker.id)).length, 3);

    const events = await kit.db.selectFrom('audit_events').selectAll().where('subject_id', '=', worker.id).orderBy('seq').execute();
    assert.deepEqual(events.map((e) => [e.action, e.reason]), [['worker.registered', null], ['worker.disabled', 'Left the agency'], ['worker.enabled', 'Rehired']]);

    assert.equal((await findWorkerStateAt(kit.db, worker.id, '2026-03-01T00:00:00.000Z')), undefined);
    assert.equal((await findWorkerStateAt(kit.db, worker.id, '2026-03-05T00:00:00.000Z'))?.enabled, true);
    assert.equal((await findWorkerStateAt(kit.db, worker.id, '2026-03-10T09:00:00.000Z'))?.enabled, false);
    assert.equal((await findWorkerStateAt(kit.db, worker.id, '2026-03-25T00:00:00.000Z'))?.enabled, true);
  });

  it('lets a worker read their own record but no one else, and keeps changes to administrators', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeUnit, monroeAdmin } = await setUp(kit);
    const me = await register(kit, monroeAdmin, monroe.id, { loginId: 'me', unitId: monroeUnit });
    const colleague = await register(kit, monroeAdmin, monroe.id, { loginId: 'colleague', unitId: monroeUnit });
    const token = await kit.tokenFor('worker', monroe.id, me.id);
    assert.equal((await kit.call('GET', `/api/v1/workers/${me.id}`, { token })).body.loginId, 'me');
    assert.equal((await kit.call('GET', `/api/v1/workers/${colleague.id}`, { token })).status, 403);
    assert.equal((await kit.call('GET', `/api/v1/agencies/${monroe.id}/workers`, { token })).status, 403);
    assert.equal((await kit.call('PATCH', `/api/v1/workers/${me.id}`, { token, body: { jobType: 'cps_supervisor' } })).status, 403);
    const coordinator = await kit.tokenFor('security_coordinator', monroe.id);
    assert.equal((await kit.call('GET', `/api/v1/workers/${colleague.id}`, { token: coordinator })).status, 200);
    assert.equal((await kit.call('POST', `/api/v1/workers/${colleague.id}/disable`, { token: coordinator, body: { reason: 'x' } })).status, 403);
  });

  it('lists workers by name a page at a time, with filters', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeUnit, monroeAdmin } = await setUp(kit);
    const names = [['Ann', 'Baker'], ['Bob', 'Baker'], ['Cy', 'Adams'], ['Di', 'Cole'], ['Ed', 'Baker']];
    for (const [firstName, lastName] of names) {
      await register(kit, monroeAdmin, monroe.id, { loginId: `${firstName}.${lastName}`.toLowerCase(), firstName, lastName, unitId: monroeUnit });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await kit.call('GET', `/api/v1/agencies/${monroe.id}/workers?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: monroeAdmin });
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 2);
      seen.push(...page.body.items.map((w: { firstName: string; lastName: string }) => `${w.lastName}, ${w.firstName}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['Adams, Cy', 'Baker, Ann', 'Baker, Bob', 'Baker, Ed', 'Cole, Di']);

    const bakers = await kit.call('GET', `/api/v1/agencies/${monroe.id}/workers?search=BAK`, { token: monroeAdmin });
    assert.equal(bakers.body.items.length, 3);
    const byLogin = await kit.call('GET', `/api/v1/agencies/${monroe.id}/workers?search=di.`, { token: monroeAdmin });
    assert.deepEqual(byLogin.body.items.map((w: { loginId: string }) => w.loginId), ['di.cole']);
    const wildcard = await kit.call('GET', `/api/v1/agencies/${monroe.id}/workers?search=%25`, { token: monroeAdmin });
    assert.equal(wildcard.body.items.length, 0);

    const ed = bakers.body.items.find((w: { firstName: string }) => w.firstName === 'Ed');
    await kit.call('POST', `/api/v1/workers/${ed.id}/disable`, { token: monroeAdmin, body: { reason: 'Left' } });
    const disabled = await kit.call('GET', `/api/v1/agencies/${monroe.id}/workers?enabled=false`, { token: monroeAdmin });
    assert.deepEqual(disabled.body.items.map((w: { id: string }) => w.id), [ed.id]);
    const enabledCps = await kit.call('GET', `/api/v1/agencies/${monroe.id}/workers?enabled=true&jobType=cps_caseworker&unitId=${monroeUnit}`, { token: monroeAdmin });
    assert.equal(enabledCps.body.items.length, 4);
    const badCursor = await kit.call('GET', `/api/v1/agencies/${monroe.id}/workers?cursor=nonsense`, { token: monroeAdmin });
    assert.equal(badCursor.status, 400);
  });

  it('documents the worker routes, If-Match included, in the OpenAPI description', async () => {
    const kit = createTestKit(current());
    const response = await kit.call('GET', '/openapi.json');
    assert.equal(response.status, 200);
    const parameters = response.body.paths['/api/v1/workers/{id}'].patch.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(parameters.sort(), ['id', 'if-match']);
    assert.ok(response.body.paths['/api/v1/units/{id}/approver'].put);
  });

  it('counts a worker on leave from the start date up to, not including, the return date', () => {
    const leave = { leaveStart: '2026-04-01', leaveReturn: '2026-04-15' };
    assert.deepEqual(['2026-03-31', '2026-04-01', '2026-04-14', '2026-04-15'].map((d) => isOnLeave(leave, d)), [false, true, true, false]);
    assert.equal(isOnLeave({ leaveStart: '2026-04-01', leaveReturn: null }, '2027-01-01'), true);
    assert.equal(isOnLeave({ leaveStart: null, leaveReturn: null }, '2026-04-01'), false);
  });
});
