import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';

/** Two agencies, Monroe and Erie, each with its N01 holding unit, and a LAN administrator for each. */
async function twoAgencies(kit: TestKit) {
  const monroe = await kit.services.agencies.create(kit.system, { code: 'MONROE', name: 'Monroe County DSS', kind: 'district', timeZone: 'America/New_York' });
  const erie = await kit.services.agencies.create(kit.system, { code: 'ERIE', name: 'Erie County DSS', kind: 'district', timeZone: 'America/New_York' });
  return { monroe, erie, monroeAdmin: await kit.tokenFor('lan_admin', monroe.id), erieAdmin: await kit.tokenFor('lan_admin', erie.id) };
}

async function createUnit(kit: TestKit, token: string, agencyId: string, body: Record<string, unknown>): Promise<string> {
  const created = await kit.call('POST', `/api/v1/agencies/${agencyId}/units`, { token, body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id as string;
}

async function auditActions(kit: TestKit, subjectId: string): Promise<string[]> {
  const rows = await kit.db.selectFrom('audit_events').select('action').where('subject_id', '=', subjectId).orderBy('seq').execute();
  return rows.map((r) => r.action);
}

describeEachDatabase('units', (current) => {
  it('builds a unit tree and lists it by code, a page at a time and by parent', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeAdmin } = await twoAgencies(kit);
    const cps = await createUnit(kit, monroeAdmin, monroe.id, { code: 'CPS', name: 'Child Protective Services', site: 'Rochester' });
    await createUnit(kit, monroeAdmin, monroe.id, { code: 'CPS-A', name: 'CPS intake', parentId: cps });
    await createUnit(kit, monroeAdmin, monroe.id, { code: 'CPS-B', name: 'CPS ongoing', parentId: cps });

    const first = await kit.call('GET', `/api/v1/agencies/${monroe.id}/units?limit=2`, { token: monroeAdmin });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.items.map((u: { code: string }) => u.code), ['CPS', 'CPS-A']);
    assert.ok(first.body.nextCursor);
    const second = await kit.call('GET', `/api/v1/agencies/${monroe.id}/units?limit=2&cursor=${first.body.nextCursor}`, { token: monroeAdmin });
    assert.deepEqual(second.body.items.map((u: { code: string }) => u.code), ['CPS-B', 'N01']);
    assert.equal(second.body.nextCursor, null);

    const children = await kit.call('GET', `/api/v1/agencies/${monroe.id}/units?parentId=${cps}`, { token: monroeAdmin });
    assert.deepEqual(children.body.items.map((u: { code: string }) => u.code), ['CPS-A', 'CPS-B']);
    assert.equal(children.body.items[0].site, null);
    assert.deepEqual(await auditActions(kit, cps), ['unit.created']);
  });

  it('refuses a second unit with the same code in one agency but not in another', async () => {
    const kit = createTestKit(current());
    const { monroe, erie, monroeAdmin, erieAdmin } = await twoAgencies(kit);
    await createUnit(kit, monroeAdmin, monroe.id, { code: 'FC', name: 'Foster care' });
    const again = await kit.call('POST', `/api/v1/agencies/${monroe.id}/units`, { token: monroeAdmin, body: { code: 'FC', name: 'Foster care 2' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'unit.duplicate');
    await createUnit(kit, erieAdmin, erie.id, { code: 'FC', name: 'Foster care' });
    const other = await createUnit(kit, monroeAdmin, monroe.id, { code: 'AD', name: 'Adoption' });
    const renamed = await kit.call('PATCH', `/api/v1/units/${other}`, { token: monroeAdmin, body: { code: 'FC' } });
    assert.equal(renamed.body.error.code, 'unit.duplicate');
  });

  it('rejects bad unit input with field-level details and writes nothing', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeAdmin } = await twoAgencies(kit);
    const response = await kit.call('POST', `/api/v1/agencies/${monroe.id}/units`, {
      token: monroeAdmin,
      body: { code: 'lower case', name: '', parentId: 'not-an-id', colour: 'red' },
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'request.invalid');
    const fields = [...new Set(response.body.error.details.map((d: { field: string }) => d.field))].sort();
    assert.deepEqual(fields, ['body.code', 'body.colour', 'body.name', 'body.parentId']);
    const empty = await kit.call('PATCH', `/api/v1/units/${monroe.holdingUnitId}`, { token: monroeAdmin, body: {} });
    assert.equal(empty.status, 400);
    const units = await kit.db.selectFrom('units').select('id').where('agency_id', '=', monroe.id).execute();
    assert.equal(units.length, 1);
  });

  it('refuses to move a unit beneath itself or one of its own sub-units', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeAdmin } = await twoAgencies(kit);
    const top = await createUnit(kit, monroeAdmin, monroe.id, { code: 'TOP', name: 'Top' });
    const middle = await createUnit(kit, monroeAdmin, monroe.id, { code: 'MID', name: 'Middle', parentId: top });
    const bottom = await createUnit(kit, monroeAdmin, monroe.id, { code: 'BOT', name: 'Bottom', parentId: middle });
    for (const parentId of [top, bottom]) {
      const moved = await kit.call('PATCH', `/api/v1/units/${top}`, { token: monroeAdmin, body: { parentId } });
      assert.equal(moved.status, 409);
      assert.equal(moved.body.error.code, 'unit.cycle');
    }
    const lifted = await kit.call('PATCH', `/api/v1/units/${bottom}`, { token: monroeAdmin, body: { parentId: null, name: 'Bottom, now top-level' } });
    assert.equal(lifted.status, 200);
    assert.equal(lifted.body.parentId, null);
    const event = await kit.db.selectFrom('audit_events').selectAll().where('subject_id', '=', bottom).where('action', '=', 'unit.updated').executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(event.before ?? ''), { name: 'Bottom', parentId: middle });
    assert.deepEqual(JSON.parse(event.after ?? ''), { name: 'Bottom, now top-level', parentId: null });
  });

  it('keeps the N01 holding unit where it is, with its code, without sub-units and undeleted', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeAdmin } = await twoAgencies(kit);
    const holding = monroe.holdingUnitId;
    const other = await createUnit(kit, monroeAdmin, monroe.id, { code: 'CPS', name: 'CPS' });
    const attempts = [
      kit.call('PATCH', `/api/v1/units/${holding}`, { token: monroeAdmin, body: { code: 'N02' } }),
      kit.call('PATCH', `/api/v1/units/${holding}`, { token: monroeAdmin, body: { parentId: other } }),
      kit.call('PATCH', `/api/v1/units/${other}`, { token: monroeAdmin, body: { parentId: holding } }),
      kit.call('POST', `/api/v1/agencies/${monroe.id}/units`, { token: monroeAdmin, body: { code: 'SUB', name: 'Sub', parentId: holding } }),
      kit.call('DELETE', `/api/v1/units/${holding}`, { token: monroeAdmin }),
    ];
    for (const attempt of await Promise.all(attempts)) {
      assert.equal(attempt.status, 409);
      assert.equal(attempt.body.error.code, 'unit.holding_unit_protected');
    }
    const renamed = await kit.call('PATCH', `/api/v1/units/${holding}`, { token: monroeAdmin, body: { name: 'New hires', site: 'Main office' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.code, 'N01');
    assert.equal(renamed.body.holding, true);
  });

  it("answers 404 for another agency's units and refuses a parent from another agency", async () => {
    const kit = createTestKit(current());
    const { monroe, erie, monroeAdmin, erieAdmin } = await twoAgencies(kit);
    const erieUnit = await createUnit(kit, erieAdmin, erie.id, { code: 'CPS', name: 'Erie CPS' });
    for (const [method, path, body] of [
      ['GET', `/api/v1/units/${erieUnit}`, undefined],
      ['PATCH', `/api/v1/units/${erieUnit}`, { name: 'Mine now' }],
      ['DELETE', `/api/v1/units/${erieUnit}`, undefined],
      ['DELETE', `/api/v1/units/${erieUnit}/approver`, undefined],
    ] as const) {
      const response = await kit.call(method, path, { token: monroeAdmin, body });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal(response.body.error.code, 'unit.not_found');
    }
    const inErie = await kit.call('POST', `/api/v1/agencies/${erie.id}/units`, { token: monroeAdmin, body: { code: 'X', name: 'X' } });
    assert.equal(inErie.status, 404);
    assert.equal(inErie.body.error.code, 'agency.not_found');
    const underErie = await kit.call('POST', `/api/v1/agencies/${monroe.id}/units`, { token: monroeAdmin, body: { code: 'X', name: 'X', parentId: erieUnit } });
    assert.equal(underErie.status, 404);
    assert.equal(underErie.body.error.code, 'unit.not_found');
    assert.equal((await kit.call('GET', `/api/v1/agencies/${erie.id}/units`, { token: monroeAdmin })).status, 404);
  });

  it('lets workers read units but only administrators change them', async () => {
    const kit = createTestKit(current());
    const { monroe } = await twoAgencies(kit);
    const worker = await kit.tokenFor('worker', monroe.id);
    assert.equal((await kit.call('GET', `/api/v1/units/${monroe.holdingUnitId}`, { token: worker })).status, 200);
    const refused = await kit.call('POST', `/api/v1/agencies/${monroe.id}/units`, { token: worker, body: { code: 'X', name: 'X' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'auth.forbidden');
  });

  it('names and removes a unit approver from the same agency only', async () => {
    const kit = createTestKit(current());
    const { monroe, erie, monroeAdmin, erieAdmin } = await twoAgencies(kit);
    const unit = await createUnit(kit, monroeAdmin, monroe.id, { code: 'CPS', name: 'CPS' });
    const register = (token: string, agencyId: string, unitId: string, loginId: string, enabled = true) =>
      kit.call('POST', `/api/v1/agencies/${agencyId}/workers`, { token, body: { loginId, firstName: 'Pat', lastName: loginId, unitId, jobType: 'cps_supervisor', enabled } });
    const approver = (await register(monroeAdmin, monroe.id, unit, 'pat.monroe')).body.id;
    const outsider = (await register(erieAdmin, erie.id, erie.holdingUnitId, 'pat.erie')).body.id;
    const disabled = (await register(monroeAdmin, monroe.id, unit, 'pat.gone', false)).body.id;

    const foreign = await kit.call('PUT', `/api/v1/units/${unit}/approver`, { token: monroeAdmin, body: { workerId: outsider } });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'worker.not_found');
    const inactive = await kit.call('PUT', `/api/v1/units/${unit}/approver`, { token: monroeAdmin, body: { workerId: disabled } });
    assert.equal(inactive.body.error.code, 'input.invalid');

    const set = await kit.call('PUT', `/api/v1/units/${unit}/approver`, { token: monroeAdmin, body: { workerId: approver } });
    assert.equal(set.status, 200);
    assert.equal(set.body.approverWorkerId, approver);
    const cleared = await kit.call('DELETE', `/api/v1/units/${unit}/approver`, { token: monroeAdmin });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.approverWorkerId, null);
    assert.deepEqual(await auditActions(kit, unit), ['unit.created', 'unit.approver_set', 'unit.approver_cleared']);
  });

  it('deletes an unused unit but keeps one with sub-units or workers', async () => {
    const kit = createTestKit(current());
    const { monroe, monroeAdmin } = await twoAgencies(kit);
    const parent = await createUnit(kit, monroeAdmin, monroe.id, { code: 'P', name: 'Parent' });
    const child = await createUnit(kit, monroeAdmin, monroe.id, { code: 'C', name: 'Child', parentId: parent });
    const staffed = await createUnit(kit, monroeAdmin, monroe.id, { code: 'S', name: 'Staffed' });
    await kit.call('POST', `/api/v1/agencies/${monroe.id}/workers`, {
      token: monroeAdmin, body: { loginId: 'sam', firstName: 'Sam', lastName: 'Staff', unitId: staffed, jobType: 'cps_caseworker' },
    });

    assert.equal((await kit.call('DELETE', `/api/v1/units/${parent}`, { token: monroeAdmin })).body.error.code, 'unit.has_children');
    assert.equal((await kit.call('DELETE', `/api/v1/units/${staffed}`, { token: monroeAdmin })).body.error.code, 'unit.in_use');
    assert.equal((await kit.call('DELETE', `/api/v1/units/${child}`, { token: monroeAdmin })).status, 204);
    assert.equal((await kit.call('GET', `/api/v1/units/${child}`, { token: monroeAdmin })).status, 404);
    assert.deepEqual(await auditActions(kit, child), ['unit.created', 'unit.deleted']);
  });

  it('finds a set of units and everything beneath them in one read of the tree', async () => {
    const kit = createTestKit(current());
    const { monroe, erie, monroeAdmin, erieAdmin } = await twoAgencies(kit);
    const a = await createUnit(kit, monroeAdmin, monroe.id, { code: 'A', name: 'A' });
    const a1 = await createUnit(kit, monroeAdmin, monroe.id, { code: 'A1', name: 'A1', parentId: a });
    const a11 = await createUnit(kit, monroeAdmin, monroe.id, { code: 'A11', name: 'A11', parentId: a1 });
    const b = await createUnit(kit, monroeAdmin, monroe.id, { code: 'B', name: 'B' });
    const b1 = await createUnit(kit, monroeAdmin, monroe.id, { code: 'B1', name: 'B1', parentId: b });
    const erieUnit = await createUnit(kit, erieAdmin, erie.id, { code: 'E', name: 'E' });

    assert.deepEqual([...(await kit.services.units.descendantIds(monroe.id, [a]))].sort(), [a, a1, a11].sort());
    assert.deepEqual([...(await kit.services.units.descendantIds(monroe.id, [a1, b1, erieUnit]))].sort(), [a1, a11, b1].sort());
    assert.equal((await kit.services.units.descendantIds(monroe.id, [])).size, 0);
  });
});
