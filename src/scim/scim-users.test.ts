import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test/helpers/databases.ts';
import { createTestKit, type TestKit } from '../../test/helpers/kit.ts';
import { bjensen, createScimClient, enterpriseSchema, filterQuery, gatehouseSchema, userSchema } from '../../test/helpers/scim.ts';

async function setup(kit: TestKit) {
  return createScimClient(kit, 'MONROE');
}

const people = [
  { userName: 'ann.baker', externalId: 'e1', name: { givenName: 'Ann', familyName: 'Baker' }, emails: [{ value: 'ann@monroe.example', type: 'work', primary: true }], title: 'Caseworker' },
  { userName: 'bob.cole', externalId: 'e2', name: { givenName: 'Bob', familyName: 'Cole' }, emails: [{ value: 'bob@monroe.example', type: 'work' }, { value: 'bob@home.example', type: 'home' }], title: 'Supervisor' },
  { userName: 'cy.adams', externalId: 'e3', name: { givenName: 'Cy', familyName: 'Adams' }, active: false, title: 'Caseworker' },
  { userName: 'di.baker', name: { givenName: 'Di', familyName: 'Baker' }, title: 'Clerk' },
];

describeEachDatabase('SCIM /Users', (current) => {
  it('creates the RFC 7644 §3.3 example user and answers 201 with Location, ETag and meta', async () => {
    const kit = createTestKit(current());
    const scim = await setup(kit);
    const created = await scim.call('POST', '/Users', { schemas: [userSchema], ...bjensen() });
    assert.equal(created.status, 201);
    assert.match(created.headers.get('content-type') ?? '', /^application\/scim\+json/);
    const { id, meta } = created.body;
    assert.equal(created.headers.get('location'), `http://localhost/scim/v2/Users/${id}`);
    assert.equal(created.headers.get('etag'), meta.version);
    assert.match(meta.version, /^"[^"]+"$/);
    assert.deepEqual({ resourceType: meta.resourceType, created: meta.created, location: meta.location }, { resourceType: 'User', created: kit.clock.now().toISOString(), location: created.headers.get('location') });
    assert.equal(created.body.userName, 'bjensen');
    assert.equal(created.body.externalId, 'bjensen');
    assert.equal(created.body.active, true);
    assert.equal(created.body.name.formatted, 'Ms. Barbara J Jensen III');
    assert.deepEqual(created.body[gatehouseSchema], { agency: 'MONROE', unit: 'N01', jobType: 'unassigned' });

    const worker = await kit.db.selectFrom('workers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([worker.login_id, worker.first_name, worker.last_name, worker.enabled, worker.source, worker.external_id], ['bjensen', 'Barbara', 'Jensen', 1, 'scim', 'bjensen']);
    const source = await kit.db.selectFrom('sync_sources').select(['id', 'kind']).where('id', '=', worker.source_id).executeTakeFirstOrThrow();
    assert.equal(source.kind, 'scim');

    const read = await scim.call('GET', `/Users/${id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);
    assert.equal(read.headers.get('etag'), meta.version);
  });

  it('maps the enterprise and Gatehouse extensions to the supervisor, unit, job type and dates', async () => {
    const kit = createTestKit(current());
    const scim = await setup(kit);
    const unit = await kit.db.selectFrom('units').select('id').where('agency_id', '=', scim.agency.id).executeTakeFirstOrThrow();
    await kit.db.insertInto('units').values({ id: '0192f5e4-8c1a-7b2e-9a31-5d0c2f4e6a10', agency_id: scim.agency.id, parent_id: unit.id, code: 'C10', name: 'Unit C10', site: null, is_holding: 0, approver_worker_id: null, created_at: 'x', updated_at: 'x' }).execute();
    const boss = await scim.createUser({ userName: 'boss', name: { givenName: 'Bea', familyName: 'Boss' } });
    const created = await scim.call('POST', '/Users', {
      schemas: [userSchema, enterpriseSchema, gatehouseSchema], ...bjensen(),
      [enterpriseSchema]: { employeeNumber: '701984', department: 'CPS', manager: { value: boss } },
      [gatehouseSchema]: { unit: 'c10', jobType: 'cps_caseworker', leaveStart: '2026-04-01', leaveReturn: '2026-04-15', terminationDate: '2026-12-31' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.schemas, [userSchema, enterpriseSchema, gatehouseSchema]);
    assert.equal(created.body[enterpriseSchema].employeeNumber, '701984');
    assert.deepEqual(created.body[enterpriseSchema].manager, { value: boss, $ref: `http://localhost/scim/v2/Users/${boss}` });
    assert.deepEqual(created.body[gatehouseSchema], { agency: 'MONROE', unit: 'C10', jobType: 'cps_caseworker', leaveStart: '2026-04-01', leaveReturn: '2026-04-15', terminationDate: '2026-12-31' });
    const worker = await kit.db.selectFrom('workers').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
    assert.deepEqual([worker.supervisor_id, worker.unit_id, worker.job_type, worker.leave_start, worker.termination_date], [boss, '0192f5e4-8c1a-7b2e-9a31-5d0c2f4e6a10', 'cps_caseworker', '2026-04-01', '2026-12-31']);

    const badUnit = await scim.call('POST', '/Users', { schemas: [userSchema], userName: 'x.y', [gatehouseSchema]: { unit: 'NOPE' } });
    assert.deepEqual([badUnit.status, badUnit.body.scimType], [400, 'invalidValue']);
    const badManager = await scim.call('POST', '/Users', { schemas: [userSchema], userName: 'x.y', [enterpriseSchema]: { manager: { value: 'someone-else' } } });
    assert.deepEqual([badManager.status, badManager.body.scimType], [400, 'invalidValue']);
  });

  it('filters with the full grammar and pages with correct totals', async () => {
    const kit = createTestKit(current());
    const scim = await setup(kit);
    const ids: Record<string, string> = {};
    for (const person of people) ids[person.userName] = await scim.createUser(person);
    const names = async (query: string): Promise<string[]> => {
      const response = await scim.call('GET', `/Users${query}`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const resources: { userName: string }[] = response.body.Resources;
      return resources.map((r) => r.userName);
    };
    assert.deepEqual(await names(filterQuery('userName eq "ANN.BAKER"')), ['ann.baker']);
    assert.deepEqual(await names(filterQuery('USERNAME Eq "ann.baker"')), ['ann.baker']);
    assert.deepEqual(await names(filterQuery('externalId eq "e2"')), ['bob.cole']);
    assert.deepEqual(await names(filterQuery('externalId eq "E2"')), []);
    assert.deepEqual(await names(filterQuery('name.familyName eq "baker"', '&sortBy=userName')), ['ann.baker', 'di.baker']);
    assert.deepEqual(await names(filterQuery('userName sw "b" or userName ew "ADAMS"', '&sortBy=userName')), ['bob.cole', 'cy.adams']);
    assert.deepEqual(await names(filterQuery('active eq false')), ['cy.adams']);
    assert.deepEqual(await names(filterQuery('not (active eq false) and name.familyName co "a"', '&sortBy=userName')), ['ann.baker', 'di.baker']);
    assert.deepEqual(await names(filterQuery('emails.value eq "BOB@HOME.EXAMPLE"')), ['bob.cole']);
    assert.deepEqual(await names(filterQuery('emails[type eq "work" and value co "monroe"]', '&sortBy=userName')), ['ann.baker', 'bob.cole']);
    assert.deepEqual(await names(filterQuery('title eq "caseworker" and active eq true')), ['ann.baker']);
    assert.deepEqual(await names(filterQuery('externalId pr', '&sortBy=externalId&sortOrder=descending')), ['cy.adams', 'bob.cole', 'ann.baker']);
    assert.deepEqual(await names(filterQuery(`meta.created ge "2026-03-02T14:00:00Z" and meta.created le "2026-03-02T09:00:00-05:00"`, '&sortBy=userName')), ['ann.baker', 'bob.cole', 'cy.adams', 'di.baker']);
    assert.deepEqual(await names(filterQuery('meta.lastModified gt "2026-03-02T14:00:00Z"')), []);
    assert.deepEqual(await names(`?sortBy=name.familyName&sortOrder=descending&count=3`), ['bob.cole', 'di.baker', 'ann.baker']);
    assert.deepEqual(await names(`?sortBy=title`), ['ann.baker', 'cy.adams', 'di.baker', 'bob.cole']);

    const page = await scim.call('GET', '/Users?sortBy=userName&startIndex=2&count=2');
    assert.deepEqual([page.body.totalResults, page.body.itemsPerPage, page.body.startIndex], [4, 2, 2]);
    assert.deepEqual(page.body.Resources.map((r: { userName: string }) => r.userName), ['bob.cole', 'cy.adams']);
    const countOnly = await scim.call('GET', `/Users${filterQuery('name.familyName eq "Baker"', '&count=0')}`);
    assert.deepEqual([countOnly.body.totalResults, countOnly.body.itemsPerPage, countOnly.body.Resources], [2, 0, []]);
    const inMemoryPage = await scim.call('GET', `/Users${filterQuery('title co "e"', '&sortBy=userName&startIndex=2&count=1')}`);
    assert.deepEqual([inMemoryPage.body.totalResults, inMemoryPage.body.itemsPerPage, inMemoryPage.body.Resources[0].userName], [4, 1, 'bob.cole']);
  });

  it('returns only the attributes asked for, or all but the excluded ones, and searches by POST /.search', async () => {
    const kit = createTestKit(current());
    const scim = await setup(kit);
    const id = await scim.createUser(people[1] as Record<string, unknown>);
    const some = await scim.call('GET', `/Users/${id}?attributes=userName,name.givenName,emails.value`);
    assert.deepEqual(some.body, { schemas: [userSchema], id, userName: 'bob.cole', name: { givenName: 'Bob' }, emails: [{ value: 'bob@monroe.example' }, { value: 'bob@home.example' }] });
    const fewer = await scim.call('GET', `/Users/${id}?excludedAttributes=emails,meta,${gatehouseSchema},id`);
    assert.deepEqual(Object.keys(fewer.body).sort(), ['active', 'externalId', 'id', 'name', 'schemas', 'title', 'userName']);

    const search = await scim.call('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], attributes: ['displayName', 'userName'], filter: 'userName sw "bob"', startIndex: 1, count: 10,
    });
    assert.equal(search.status, 200);
    assert.deepEqual(search.body.Resources, [{ schemas: [userSchema], id, userName: 'bob.cole' }]);
    assert.equal(search.body.totalResults, 1);
  });

  it('replaces a user with PUT, keeping extensions and active the client did not assert', async () => {
    const kit = createTestKit(current());
    const scim = await setup(kit);
    const created = await scim.call('POST', '/Users', { schemas: [userSchema, gatehouseSchema], ...bjensen({ nickName: 'Babs', active: false }), [gatehouseSchema]: { jobType: 'cps_caseworker' } });
    const id = created.body.id;
    const replaced = await scim.call('PUT', `/Users/${id}`, { schemas: [userSchema], id, userName: 'bjensen', name: { givenName: 'Barbara', familyName: 'Jensen-Smith' }, title: 'Tour Guide', meta: { version: 'anything' } });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(replaced.body.nickName, undefined);
    assert.equal(replaced.body.externalId, undefined);
    assert.equal(replaced.body.title, 'Tour Guide');
    assert.equal(replaced.body.name.familyName, 'Jensen-Smith');
    assert.equal(replaced.body.active, false);
    assert.equal(replaced.body[gatehouseSchema].jobType, 'cps_caseworker');
    assert.notEqual(replaced.headers.get('etag'), created.headers.get('etag'));
    const missingName = await scim.call('PUT', `/Users/${id}`, { schemas: [userSchema], name: { givenName: 'B' } });
    assert.deepEqual([missingName.status, missingName.body.scimType], [400, 'invalidValue']);
  });

  it('deletes a user: 404 afterwards, the worker kept but disabled, and the userName usable again by the same client', async () => {
    const kit = createTestKit(current());
    const scim = await setup(kit);
    const id = await scim.createUser(bjensen());
    const deleted = await scim.call('DELETE', `/Users/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await scim.call('GET', `/Users/${id}`)).status, 404);
    assert.equal((await scim.call('DELETE', `/Users/${id}`)).status, 404);
    const list = await scim.call('GET', `/Users${filterQuery('userName eq "bjensen"')}`);
    assert.equal(list.body.totalResults, 0);
    const worker = await kit.db.selectFrom('workers').select(['enabled']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(worker.enabled, 0);

    const again = await scim.call('POST', '/Users', { schemas: [userSchema], ...bjensen() });
    assert.equal(again.status, 201);
    assert.equal(again.body.id, id);
    assert.equal(again.body.active, true);
    const history = await kit.db.selectFrom('worker_history').select('enabled').where('worker_id', '=', id).orderBy('valid_from').orderBy('enabled').execute();
    assert.equal(history.length, 3);
  });

  it('honours If-Match and If-None-Match: 412 on a stale version, 304 on an unchanged one', async () => {
    const kit = createTestKit(current());
    const scim = await setup(kit);
    const created = await scim.call('POST', '/Users', { schemas: [userSchema], ...bjensen() });
    const id = created.body.id;
    const etag = created.headers.get('etag') ?? '';
    assert.equal((await scim.call('GET', `/Users/${id}`, undefined, { 'if-none-match': etag })).status, 304);
    const changed = await scim.call('PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Guide' }] }, { 'if-match': etag });
    assert.equal(changed.status, 200);
    const stale = await scim.call('PUT', `/Users/${id}`, { schemas: [userSchema], ...bjensen() }, { 'if-match': etag });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.status, '412');
    assert.equal((await scim.call('DELETE', `/Users/${id}`, undefined, { 'if-match': etag })).status, 412);
    assert.equal((await scim.call('DELETE', `/Users/${id}`, undefined, { 'if-match': `W/${changed.headers.get('etag') ?? ''}` })).status, 412);
    assert.equal((await scim.call('GET', `/Users/${id}`, undefined, { 'if-none-match': etag })).status, 200);
    assert.equal((await scim.call('DELETE', `/Users/${id}`, undefined, { 'if-match': changed.headers.get('etag') ?? '' })).status, 204);
  });

  it('refuses a userName taken anywhere in Gatehouse and an externalId taken in the agency with 409 uniqueness', async () => {
    const kit = createTestKit(current());
    const scim = await setup(kit);
    await scim.createUser(bjensen());
    const sameName = await scim.call('POST', '/Users', { schemas: [userSchema], userName: 'BJensen' });
    assert.deepEqual([sameName.status, sameName.body.scimType, sameName.body.schemas], [409, 'uniqueness', ['urn:ietf:params:scim:api:messages:2.0:Error']]);
    const sameExternal = await scim.call('POST', '/Users', { schemas: [userSchema], userName: 'other', externalId: 'bjensen' });
    assert.deepEqual([sameExternal.status, sameExternal.body.scimType], [409, 'uniqueness']);
    const erie = await createScimClient(kit, 'ERIE');
    const elsewhere = await erie.call('POST', '/Users', { schemas: [userSchema], userName: 'bjensen' });
    assert.deepEqual([elsewhere.status, elsewhere.body.scimType], [409, 'uniqueness']);
  });
});
