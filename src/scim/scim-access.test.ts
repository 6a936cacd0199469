import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bulkInsert } from '../db/bulk-insert.ts';
import { newId } from '../shared/ids.ts';
import { describeEachDatabase } from '../../test/helpers/databases.ts';
import { addApplication, addFunction } from '../../test/helpers/fixtures.ts';
import { createTestKit } from '../../test/helpers/kit.ts';
import { bjensen, createScimClient, errorSchema, filterQuery, groupSchema, patchOp, userSchema } from '../../test/helpers/scim.ts';

describeEachDatabase('SCIM service provider: access, isolation and errors', (current) => {
  it('empties the worker\'s effective access in the same request as PATCH active=false', async () => {
    const kit = createTestKit(current());
    const connections = await addApplication(kit, 'CONNECTIONS');
    const cps = await addFunction(kit, connections, 'CPS CASEWORKER');
    const scim = await createScimClient(kit, 'MONROE');
    const id = await scim.createUser(bjensen());
    const account = await kit.db.selectFrom('accounts').select(['id', 'status', 'unit_id']).where('worker_id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([account.status, account.unit_id], ['active', scim.agency.holdingUnitId]);
    await kit.db.transaction().execute((trx) =>
      kit.services.grants.grantInTransaction(trx, kit.system, { accountId: account.id, kind: 'function', functionId: cps, provenanceKind: 'import', provenanceId: 'initial-load' }),
    );
    assert.equal((await kit.services.access.effectiveAccess(kit.system, id, 'CONNECTIONS')).functions.length, 1);

    const response = await scim.call('PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    assert.equal(response.status, 200);
    const after = await kit.services.access.effectiveAccess(kit.system, id, 'CONNECTIONS');
    assert.deepEqual([after.active, after.functions, after.reasons], [false, [], ['directory_disabled', 'account_disabled']]);
    const actions = await kit.db.selectFrom('audit_events').select(['action', 'actor_name']).where('request_id', '=', response.headers.get('x-request-id')).orderBy('seq').execute();
    assert.deepEqual(actions.map((a) => a.action), ['worker.disabled', 'account.disabled', 'leaver_case.opened']);
    assert.equal(actions[0]?.actor_name, 'SCIM client MONROE identity provider');
    const leaver = await kit.db.selectFrom('lifecycle_events').select('kind').where('worker_id', '=', id).execute();
    assert.deepEqual(leaver.map((e) => e.kind), ['leaver']);

    await scim.call('PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: true }));
    assert.equal((await kit.services.access.effectiveAccess(kit.system, id, 'CONNECTIONS')).functions.length, 1);
  });

  it("never shows a token one agency's users, groups or ids of another agency", async () => {
    const kit = createTestKit(current());
    const monroe = await createScimClient(kit, 'MONROE');
    const erie = await createScimClient(kit, 'ERIE');
    const theirs = await erie.createUser({ userName: 'erie.worker' });
    const theirGroup = await erie.call('POST', '/Groups', { schemas: [groupSchema], displayName: 'Erie staff' });
    const mine = await monroe.createUser(bjensen());
    for (const [method, path, body] of [
      ['GET', `/Users/${theirs}`], ['PUT', `/Users/${theirs}`, { schemas: [userSchema], userName: 'stolen' }], ['PATCH', `/Users/${theirs}`, patchOp({ op: 'replace', path: 'active', value: false })],
      ['DELETE', `/Users/${theirs}`], ['GET', `/Groups/${theirGroup.body.id}`], ['DELETE', `/Groups/${theirGroup.body.id}`], ['GET', '/Users/not-an-id'],
    ] as [string, string, unknown?][]) {
      const response = await monroe.call(method, path, body);
      assert.deepEqual([response.status, response.body.schemas], [404, [errorSchema]], `${method} ${path}`);
    }
    assert.deepEqual((await monroe.call('GET', '/Users')).body.Resources.map((r: { id: string }) => r.id), [mine]);
    assert.equal((await monroe.call('GET', `/Users${filterQuery('userName eq "erie.worker"')}`)).body.totalResults, 0);
    assert.equal((await monroe.call('GET', '/Groups')).body.totalResults, 0);
    const foreignMember = await monroe.call('POST', '/Groups', { schemas: [groupSchema], displayName: 'Mixed', members: [{ value: theirs }] });
    assert.deepEqual([foreignMember.status, foreignMember.body.scimType], [400, 'invalidValue']);
    const worker = await kit.db.selectFrom('workers').select('enabled').where('id', '=', theirs).executeTakeFirstOrThrow();
    assert.equal(worker.enabled, 1);
  });

  it('takes only SCIM tokens, and the API takes none', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const apiToken = await kit.tokenFor('lan_admin', scim.agency.id);
    for (const authorization of [undefined, `Bearer ${apiToken}`, 'Bearer ghscim_forged', 'Basic dXNlcjpwYXNz']) {
      const response = await kit.app.request('/scim/v2/Users', { headers: authorization ? { authorization } : {} });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.deepEqual(((await response.json()) as { schemas: string[] }).schemas, [errorSchema]);
    }
    assert.equal((await kit.call('GET', '/api/v1/agencies', { token: scim.token })).status, 401);
    const stored = await kit.db.selectFrom('scim_tokens').select('token_hash').executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, scim.token);
  });

  it('describes exactly what it supports at /ServiceProviderConfig, /ResourceTypes and /Schemas, without a token', async () => {
    const kit = createTestKit(current());
    const get = async (path: string) => {
      const response = await kit.app.request(`/scim/v2${path}`);
      return { status: response.status, body: (await response.json()) as any };
    };
    const config = await get('/ServiceProviderConfig');
    assert.deepEqual(
      [config.body.patch, config.body.bulk, config.body.filter, config.body.changePassword, config.body.sort, config.body.etag],
      [{ supported: true }, { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 }, { supported: true, maxResults: 200 }, { supported: false }, { supported: true }, { supported: true }],
    );
    assert.equal(config.body.authenticationSchemes[0].type, 'oauthbearertoken');
    const types = await get('/ResourceTypes');
    assert.deepEqual(types.body.Resources.map((t: { endpoint: string; schemaExtensions: { schema: string }[] }) => [t.endpoint, t.schemaExtensions.length]), [['/Users', 2], ['/Groups', 0]]);
    assert.equal((await get('/ResourceTypes/User')).body.schema, userSchema);
    const schemas = await get('/Schemas');
    assert.equal(schemas.body.totalResults, 4);
    const user = await get(`/Schemas/${userSchema}`);
    const names = user.body.attributes.map((a: { name: string }) => a.name);
    assert.ok(names.includes('userName') && names.includes('emails') && !names.includes('password'));
    const groups = user.body.attributes.find((a: { name: string }) => a.name === 'groups');
    assert.equal(groups.mutability, 'readOnly');
    assert.equal((await get('/Schemas/urn:nope')).status, 404);
    assert.equal((await get('/Schemas?filter=id%20pr')).status, 403);
  });

  it('answers bad filters, unknown endpoints and unsupported features in SCIM error format', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const cases: [string, string, number, string | undefined][] = [
      ['GET', `/Users${filterQuery('userName eq')}`, 400, 'invalidFilter'],
      ['GET', `/Users${filterQuery('userName xx "a"')}`, 400, 'invalidFilter'],
      ['GET', `/Users${filterQuery('favouriteColour eq "red"')}`, 400, 'invalidFilter'],
      ['GET', `/Users${filterQuery('active gt true')}`, 400, 'invalidFilter'],
      ['GET', `/Users${filterQuery('meta.created gt "yesterday"')}`, 400, 'invalidFilter'],
      ['GET', '/Users?sortBy=favouriteColour', 400, 'invalidValue'],
      ['GET', '/Users?count=ten', 400, 'invalidValue'],
      ['GET', '/Widgets', 404, undefined],
      ['GET', '/Me', 501, undefined],
      ['POST', '/.search', 501, undefined],
      ['DELETE', '/Users', 405, undefined],
    ];
    for (const [method, path, status, scimType] of cases) {
      const response = await scim.call(method, path);
      assert.deepEqual([response.status, response.body.schemas, response.body.status, response.body.scimType], [status, [errorSchema], String(status), scimType], `${method} ${path}`);
    }
  });

  it('answers tooMany when a filter Gatehouse cannot run in SQL would have to check more users than it will', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const { source_id: source } = await kit.db.selectFrom('scim_tokens').select('source_id').executeTakeFirstOrThrow();
    const at = kit.clock.now().toISOString();
    const ids = Array.from({ length: 10_001 }, () => newId());
    await bulkInsert(kit.db, 'workers', ids.map((id, i) => ({
      id, agency_id: scim.agency.id, login_id: `u${i}`, login_key: `u${i}`, first_name: 'F', last_name: 'L', email: null, unit_id: scim.agency.holdingUnitId,
      job_type: 'unassigned', supervisor_id: null, enabled: 1, hire_date: null, leave_start: null, leave_return: null, termination_date: null, source: 'scim',
      external_id: id, source_id: source, source_hash: null, version: 1, created_at: at, updated_at: at,
    })));
    await bulkInsert(kit.db, 'scim_users', ids.map((id, i) => ({ worker_id: id, agency_id: scim.agency.id, external_id: null, display_key: null, emails: '', resource: `{"title":"t${i}"}`, version: 1, created_at: at, updated_at: at })));
    const tooMany = await scim.call('GET', `/Users${filterQuery('title eq "t5"')}`);
    assert.deepEqual([tooMany.status, tooMany.body.scimType], [400, 'tooMany']);
    const narrowed = await scim.call('GET', `/Users${filterQuery('userName sw "u5000" and title eq "t5000"')}`);
    assert.deepEqual([narrowed.status, narrowed.body.totalResults], [200, 1]);
    const all = await scim.call('GET', '/Users?count=500&startIndex=9990');
    assert.deepEqual([all.body.totalResults, all.body.itemsPerPage], [10_001, 12]);
  });
});
