import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test/helpers/databases.ts';
import { createTestKit } from '../../test/helpers/kit.ts';
import { createScimClient, filterQuery, groupSchema } from '../../test/helpers/scim.ts';

describeEachDatabase('SCIM /Groups', (current) => {
  it('creates, finds, replaces and deletes directory groups with their members', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const a = await scim.createUser({ userName: 'aa', name: { givenName: 'Ann', familyName: 'Adams' } });
    const b = await scim.createUser({ userName: 'bb' });
    const created = await scim.call('POST', '/Groups', { schemas: [groupSchema], displayName: 'CPS Caseworkers', externalId: 'grp-1', members: [{ value: a, type: 'User' }] });
    assert.equal(created.status, 201);
    const id = created.body.id;
    assert.deepEqual(created.body.members, [{ value: a, $ref: `http://localhost/scim/v2/Users/${a}`, display: 'Ann Adams', type: 'User' }]);
    assert.deepEqual([created.body.meta.resourceType, created.headers.get('etag')], ['Group', '"1"']);
    const duplicate = await scim.call('POST', '/Groups', { schemas: [groupSchema], displayName: 'cps caseworkers' });
    assert.deepEqual([duplicate.status, duplicate.body.scimType], [409, 'uniqueness']);
    const nested = await scim.call('POST', '/Groups', { schemas: [groupSchema], displayName: 'Nested', members: [{ value: id, type: 'Group' }] });
    assert.deepEqual([nested.status, nested.body.scimType], [400, 'invalidValue']);

    for (const filter of ['displayName eq "CPS CASEWORKERS"', 'externalId eq "grp-1"', `members.value eq "${a}"`, `members[value eq "${a}"]`, 'displayName sw "cps"']) {
      const found = await scim.call('GET', `/Groups${filterQuery(filter)}`);
      assert.deepEqual([found.status, found.body.totalResults], [200, 1], filter);
    }
    assert.equal((await scim.call('GET', `/Groups${filterQuery(`members.value eq "${b}"`)}`)).body.totalResults, 0);

    const renamed = await scim.call('PUT', `/Groups/${id}`, { schemas: [groupSchema], displayName: 'CPS Workers' });
    assert.deepEqual([renamed.body.displayName, renamed.body.externalId, renamed.body.members.length, renamed.headers.get('etag')], ['CPS Workers', undefined, 1, '"2"']);
    const emptied = await scim.call('PUT', `/Groups/${id}`, { schemas: [groupSchema], displayName: 'CPS Workers', members: [] });
    assert.equal(emptied.body.members, undefined);
    const filled = await scim.call('PUT', `/Groups/${id}`, { schemas: [groupSchema], displayName: 'CPS Workers', members: [{ value: a }, { value: b }] });
    assert.equal(filled.body.members.length, 2);

    await scim.call('DELETE', `/Users/${b}`);
    const afterUserDeleted = await scim.call('GET', `/Groups/${id}`);
    assert.deepEqual([afterUserDeleted.body.members.map((m: { value: string }) => m.value), afterUserDeleted.headers.get('etag')], [[a], '"5"']);
    assert.equal((await scim.call('DELETE', `/Groups/${id}`)).status, 204);
    assert.equal((await scim.call('GET', `/Groups/${id}`)).status, 404);
    assert.equal((await scim.call('GET', `/Users/${a}`)).body.groups, undefined);
    const events = await kit.db.selectFrom('audit_events').select('action').where('subject_id', '=', id).orderBy('seq').execute();
    assert.deepEqual(events.map((e) => e.action), ['scim_group.created', 'scim_group.updated', 'scim_group.updated', 'scim_group.updated', 'scim_group.deleted']);
  });
});
