import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test/helpers/databases.ts';
import { createTestKit } from '../../test/helpers/kit.ts';
import { bjensen, createScimClient, enterpriseSchema, filterQuery, groupSchema, patchOp, userSchema } from '../../test/helpers/scim.ts';

describeEachDatabase('SCIM requests as real clients send them', (current) => {
  it('accepts capitalised ops and booleans written as strings (Entra ID)', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const created = await scim.call('POST', '/Users', { schemas: [userSchema], ...bjensen({ active: 'True' }) });
    assert.equal(created.body.active, true);
    const id = created.body.id;
    const off = await scim.call('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }, { op: 'Add', path: 'title', value: 'Guide' }));
    assert.deepEqual([off.status, off.body.active, off.body.title], [200, false, 'Guide']);
    const removed = await scim.call('PATCH', `/Users/${id}`, patchOp({ op: 'Remove', path: 'title' }));
    assert.equal(removed.body.title, undefined);
    const byString = await scim.call('GET', `/Users${filterQuery('active eq "False"')}`);
    assert.equal(byString.body.totalResults, 1);
  });

  it('takes a PATCH with no path and a value object, including extension attributes by URN (Okta, Entra ID)', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const id = await scim.createUser(bjensen());
    const patched = await scim.call('PATCH', `/Users/${id}`, patchOp({ op: 'replace', value: { active: false, [`${enterpriseSchema}:department`]: 'CPS', 'urn:ietf:params:scim:schemas:core:2.0:User:title': 'Guide' } }));
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual([patched.body.active, patched.body[enterpriseSchema].department, patched.body.title], [false, 'CPS', 'Guide']);
    const worker = await kit.db.selectFrom('workers').select('enabled').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(worker.enabled, 0);
  });

  it("takes Entra ID's manager as a bare id and its add of a filtered email the user does not have yet", async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const boss = await scim.createUser({ userName: 'boss' });
    const id = await scim.createUser(bjensen());
    const patched = await scim.call('PATCH', `/Users/${id}`, patchOp(
      { op: 'Add', path: `${enterpriseSchema}:manager`, value: boss },
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'bjensen@example.com' },
      { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '555-0100' },
    ));
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body[enterpriseSchema].manager.value, boss);
    assert.deepEqual(patched.body.emails, [{ type: 'work', value: 'bjensen@example.com' }]);
    assert.deepEqual(patched.body.phoneNumbers, [{ type: 'mobile', value: '555-0100' }]);
    const worker = await kit.db.selectFrom('workers').select(['supervisor_id', 'email']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(worker, { supervisor_id: boss, email: 'bjensen@example.com' });
    const cleared = await scim.call('PATCH', `/Users/${id}`, patchOp({ op: 'Remove', path: `${enterpriseSchema}:manager` }));
    assert.equal(cleared.body[enterpriseSchema], undefined);
  });

  it('removes group members listed in the value of a remove on "members", and renames a group with the id echoed back', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const a = await scim.createUser({ userName: 'aa' });
    const b = await scim.createUser({ userName: 'bb' });
    const group = await scim.call('POST', '/Groups', { schemas: [groupSchema], displayName: 'CPS Caseworkers', members: [{ value: a }, { value: b }] });
    const id = group.body.id;
    const removed = await scim.call('PATCH', `/Groups/${id}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: a }] }));
    assert.deepEqual(removed.body.members.map((m: { value: string }) => m.value), [b]);
    const renamed = await scim.call('PATCH', `/Groups/${id}`, patchOp({ op: 'replace', value: { id, displayName: 'CPS Workers' } }));
    assert.equal(renamed.body.displayName, 'CPS Workers');
    const lookup = await scim.call('GET', `/Groups${filterQuery('displayName eq "cps workers"', '&excludedAttributes=members')}`);
    assert.deepEqual([lookup.body.totalResults, lookup.body.Resources[0].id, lookup.body.Resources[0].members], [1, id, undefined]);
    const wrongId = await scim.call('PATCH', `/Groups/${id}`, patchOp({ op: 'replace', value: { id: 'another', displayName: 'X' } }));
    assert.deepEqual([wrongId.status, wrongId.body.scimType], [400, 'mutability']);
  });

  it('takes a full-object PUT as read back, with id, meta, groups and a password it does not keep (Okta)', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const created = await scim.call('POST', '/Users', { schemas: [userSchema], ...bjensen({ password: 't1meMa$heen' }) });
    assert.equal(created.body.password, undefined);
    const group = await scim.call('POST', '/Groups', { schemas: [groupSchema], displayName: 'Guides', members: [{ value: created.body.id }] });
    const read = await scim.call('GET', `/Users/${created.body.id}`);
    const put = await scim.call('PUT', `/Users/${created.body.id}`, { ...read.body, displayName: 'Babs Jensen', password: 'n3w' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.displayName, 'Babs Jensen');
    assert.deepEqual(put.body.groups.map((g: { value: string }) => g.value), [group.body.id]);
    assert.equal(JSON.stringify(await kit.db.selectFrom('scim_users').select('resource').executeTakeFirstOrThrow()).includes('n3w'), false);
  });

  it('looks users up by userName in any case and by externalId, as clients do before creating', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const id = await scim.createUser(bjensen({ userName: 'BJensen', externalId: 'AAD-0001' }));
    for (const filter of ['userName eq "bjensen"', 'userName eq "BJENSEN"', 'externalId eq "AAD-0001"', `id eq "${id}"`]) {
      const found = await scim.call('GET', `/Users${filterQuery(filter)}`);
      assert.deepEqual([found.body.totalResults, found.body.Resources[0]?.id], [1, id], filter);
    }
    assert.equal((await scim.call('GET', `/Users${filterQuery('externalId eq "aad-0001"')}`)).body.totalResults, 0);
    const qualified = await scim.call('GET', `/Users${filterQuery(`${userSchema}:userName eq "bjensen"`)}`);
    assert.equal(qualified.body.totalResults, 1);
    const countOnly = await scim.call('GET', `/Users${filterQuery('userName eq "bjensen"', '&count=0')}`);
    assert.deepEqual([countOnly.body.totalResults, countOnly.body.itemsPerPage, countOnly.body.Resources], [1, 0, []]);
    const pastIt = await scim.call('GET', `/Users${filterQuery('userName eq "bjensen"', '&startIndex=2')}`);
    assert.deepEqual([pastIt.body.totalResults, pastIt.body.itemsPerPage, pastIt.body.startIndex], [1, 0, 2]);
    const onlyName = await scim.call('GET', `/Users${filterQuery('userName eq "bjensen"', '&attributes=userName')}`);
    assert.deepEqual(Object.keys(onlyName.body.Resources[0]).sort(), ['id', 'schemas', 'userName']);
  });

  it('accepts application/json and a body without a content type, and refuses other media types', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const asJson = await scim.call('POST', '/Users', { schemas: [userSchema], userName: 'json.user' }, { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(asJson.status, 201);
    const response = await kit.app.request('/scim/v2/Users', { method: 'POST', headers: { authorization: `Bearer ${scim.token}` }, body: new TextEncoder().encode(JSON.stringify({ userName: 'bare.user' })) });
    assert.equal(response.status, 201);
    const xml = await scim.call('POST', '/Users', '<user/>', { 'content-type': 'application/xml' });
    assert.equal(xml.status, 415);
    const broken = await scim.call('POST', '/Users', '{"userName": ');
    assert.deepEqual([broken.status, broken.body.scimType], [400, 'invalidSyntax']);
  });
});
