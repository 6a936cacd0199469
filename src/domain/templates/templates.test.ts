import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addApplication, addFunction, createAgency } from '../../../test/helpers/fixtures.ts';
import { type TestKit, createTestKit } from '../../../test/helpers/kit.ts';
import { findTemplateFor } from './templates.repo.ts';

async function setup(kit: TestKit) {
  const monroe = await createAgency(kit, 'MONROE');
  const erie = await createAgency(kit, 'ERIE');
  const connections = await addApplication(kit, 'CONNECTIONS');
  const caseworker = await addFunction(kit, connections, 'CPS CASEWORKER', ['Case Search']);
  const supervisor = await addFunction(kit, connections, 'CPS SUPERVISOR');
  const coordinator = await kit.tokenFor('security_coordinator', monroe.id);
  return { monroe, erie, connections, caseworker, supervisor, coordinator };
}

describeEachDatabase('access templates', (current) => {
  it('lets a security coordinator create a template, counting each function once', async () => {
    const kit = createTestKit(current());
    const { monroe, connections, caseworker, coordinator } = await setup(kit);
    const created = await kit.call('POST', `/api/v1/agencies/${monroe.id}/templates`, {
      token: coordinator,
      body: { applicationId: connections, jobType: 'cps_caseworker', name: 'CPS caseworker', functionIds: [caseworker, caseworker] },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.functionIds, [caseworker]);
    assert.deepEqual(await findTemplateFor(kit.db, monroe.id, connections, 'cps_caseworker'), [caseworker]);
    assert.equal(await findTemplateFor(kit.db, monroe.id, connections, 'fad_caseworker'), undefined);
    const event = await kit.db.selectFrom('audit_events').select(['agency_id', 'after']).where('action', '=', 'template.created').executeTakeFirstOrThrow();
    assert.equal(event.agency_id, monroe.id);
    assert.deepEqual(JSON.parse(event.after!).functionIds, [caseworker]);
  });

  it('refuses a second template for the same job in the same agency and application', async () => {
    const kit = createTestKit(current());
    const { monroe, erie, connections } = await setup(kit);
    const admin = await kit.tokenFor('state_admin', null);
    const body = { applicationId: connections, jobType: 'cps_caseworker', name: 'CPS caseworker' };
    assert.equal((await kit.call('POST', `/api/v1/agencies/${monroe.id}/templates`, { token: admin, body })).status, 201);
    const again = await kit.call('POST', `/api/v1/agencies/${monroe.id}/templates`, { token: admin, body });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'template.duplicate');
    assert.equal((await kit.call('POST', `/api/v1/agencies/${erie.id}/templates`, { token: admin, body })).status, 201);
  });

  it('refuses functions of another application', async () => {
    const kit = createTestKit(current());
    const { monroe, connections, caseworker, coordinator } = await setup(kit);
    const foreign = await addFunction(kit, await addApplication(kit, 'HR_PORTAL'), 'HR VIEWER');
    const response = await kit.call('POST', `/api/v1/agencies/${monroe.id}/templates`, {
      token: coordinator,
      body: { applicationId: connections, jobType: 'cps_caseworker', name: 'CPS caseworker', functionIds: [caseworker, foreign] },
    });
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'function.not_found');
    assert.deepEqual(response.body.error.details.functionIds, [foreign]);
  });

  it('replaces the whole function set and records before and after', async () => {
    const kit = createTestKit(current());
    const { monroe, connections, caseworker, supervisor, coordinator } = await setup(kit);
    const created = await kit.call('POST', `/api/v1/agencies/${monroe.id}/templates`, {
      token: coordinator,
      body: { applicationId: connections, jobType: 'cps_supervisor', name: 'CPS supervisor', functionIds: [caseworker] },
    });
    const replaced = await kit.call('PUT', `/api/v1/templates/${created.body.id}/functions`, { token: coordinator, body: { functionIds: [supervisor] } });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body.functionIds, [supervisor]);
    assert.deepEqual((await kit.call('GET', `/api/v1/templates/${created.body.id}`, { token: coordinator })).body.functionIds, [supervisor]);
    const event = await kit.db.selectFrom('audit_events').select(['before', 'after']).where('action', '=', 'template.functions_replaced').executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(event.before!), { functionIds: [caseworker] });
    assert.deepEqual(JSON.parse(event.after!), { functionIds: [supervisor] });
  });

  it("hides another agency's templates from a security coordinator", async () => {
    const kit = createTestKit(current());
    const { erie, connections, coordinator } = await setup(kit);
    const admin = await kit.tokenFor('state_admin', null);
    const erieTemplate = await kit.call('POST', `/api/v1/agencies/${erie.id}/templates`, { token: admin, body: { applicationId: connections, jobType: 'cps_caseworker', name: 'CPS' } });
    const create = await kit.call('POST', `/api/v1/agencies/${erie.id}/templates`, { token: coordinator, body: { applicationId: connections, jobType: 'fad_worker', name: 'FAD' } });
    assert.equal(create.status, 404);
    assert.equal(create.body.error.code, 'agency.not_found');
    const read = await kit.call('GET', `/api/v1/templates/${erieTemplate.body.id}`, { token: coordinator });
    assert.equal(read.status, 404);
    assert.equal(read.body.error.code, 'template.not_found');
    assert.equal((await kit.call('PUT', `/api/v1/templates/${erieTemplate.body.id}/functions`, { token: coordinator, body: { functionIds: [] } })).status, 404);
    assert.equal((await kit.call('GET', `/api/v1/agencies/${erie.id}/templates`, { token: coordinator })).status, 404);
  });

  it('rejects a bad job type, too many functions and unknown fields', async () => {
    const kit = createTestKit(current());
    const { monroe, connections, coordinator } = await setup(kit);
    const ids = Array.from({ length: 101 }, () => connections);
    const response = await kit.call('POST', `/api/v1/agencies/${monroe.id}/templates`, {
      token: coordinator,
      body: { applicationId: 'nope', jobType: 'CPS Caseworker', name: 'CPS', functionIds: ids, extra: 1 },
    });
    assert.equal(response.status, 400);
    const fields = [...new Set(response.body.error.details.map((d: { field: string }) => d.field))].sort();
    assert.deepEqual(fields, ['body.applicationId', 'body.extra', 'body.functionIds', 'body.jobType']);
  });

  it("pages through an agency's templates by job type", async () => {
    const kit = createTestKit(current());
    const { monroe, connections, coordinator } = await setup(kit);
    const other = await addApplication(kit, 'HR_PORTAL');
    for (const [applicationId, jobType] of [[connections, 'supervisor'], [connections, 'caseworker'], [other, 'caseworker']] as const) {
      await kit.call('POST', `/api/v1/agencies/${monroe.id}/templates`, { token: coordinator, body: { applicationId, jobType, name: jobType } });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await kit.call('GET', `/api/v1/agencies/${monroe.id}/templates?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: coordinator });
      seen.push(...page.body.items.map((t: { jobType: string }) => t.jobType));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['caseworker', 'caseworker', 'supervisor']);
  });
});
