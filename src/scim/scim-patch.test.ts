import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test/helpers/databases.ts';
import { createTestKit } from '../../test/helpers/kit.ts';
import { bjensen, createScimClient, groupSchema, patchOp, type ScimClient } from '../../test/helpers/scim.ts';

async function groupWith(scim: ScimClient, memberIds: string[]): Promise<string> {
  const created = await scim.call('POST', '/Groups', { schemas: [groupSchema], displayName: 'Tour Guides', members: memberIds.map((value) => ({ value })) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id as string;
}

async function memberIds(scim: ScimClient, groupId: string): Promise<string[]> {
  const group = await scim.call('GET', `/Groups/${groupId}`);
  const members: { value: string }[] = group.body.members ?? [];
  return members.map((m) => m.value).sort();
}

describeEachDatabase('SCIM PATCH (RFC 7644 §3.5.2)', (current) => {
  it('adds members to a group and attributes without a path (§3.5.2.1)', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const babs = await scim.createUser(bjensen());
    const mandy = await scim.createUser({ userName: 'mandy', name: { givenName: 'Mandy', familyName: 'Pepperidge' } });
    const group = await groupWith(scim, [mandy]);
    const added = await scim.call('PATCH', `/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: [{ display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${babs}`, value: babs }] }));
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.deepEqual(await memberIds(scim, group), [babs, mandy].sort());
    const member = added.body.members.find((m: { value: string }) => m.value === babs);
    assert.deepEqual(member, { value: babs, $ref: `http://localhost/scim/v2/Users/${babs}`, display: 'Barbara Jensen', type: 'User' });

    const user = await scim.call('PATCH', `/Users/${babs}`, patchOp({ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } }));
    assert.equal(user.status, 200);
    assert.equal(user.body.nickName, 'Babs');
    assert.deepEqual(user.body.emails, [{ value: 'babs@jensen.org', type: 'home' }]);
    const again = await scim.call('PATCH', `/Users/${babs}`, patchOp({ op: 'add', path: 'emails', value: [{ value: 'BABS@jensen.org', type: 'home' }] }));
    assert.equal(again.body.emails.length, 1);
    assert.equal(again.headers.get('etag'), user.headers.get('etag'), 'adding a value already there changes nothing');
    const worker = await kit.db.selectFrom('workers').select('email').where('id', '=', babs).executeTakeFirstOrThrow();
    assert.equal(worker.email, 'babs@jensen.org');
  });

  it('removes one member by value filter, several values by a complex filter, and all members (§3.5.2.2)', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const babs = await scim.createUser({
      ...bjensen(),
      emails: [{ value: 'babs@example.com', type: 'work' }, { value: 'b.jensen@example.com', type: 'work' }, { value: 'babs@jensen.org', type: 'home' }],
      x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx' }],
    });
    const mandy = await scim.createUser({ userName: 'mandy' });
    const group = await groupWith(scim, [babs, mandy]);
    const one = await scim.call('PATCH', `/Groups/${group}`, patchOp({ op: 'remove', path: `members[value eq "${babs}"]` }));
    assert.equal(one.status, 200);
    assert.deepEqual(await memberIds(scim, group), [mandy]);
    const gone = await scim.call('PATCH', `/Groups/${group}`, patchOp({ op: 'remove', path: `members[value eq "${babs}"]` }));
    assert.deepEqual([gone.status, gone.body.scimType], [400, 'noTarget']);
    const all = await scim.call('PATCH', `/Groups/${group}`, patchOp({ op: 'remove', path: 'members' }));
    assert.equal(all.status, 200);
    assert.equal(all.body.members, undefined);

    const emails = await scim.call('PATCH', `/Users/${babs}`, patchOp({ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }));
    assert.deepEqual(emails.body.emails, [{ value: 'babs@jensen.org', type: 'home' }]);
    const certificate = await scim.call('PATCH', `/Users/${babs}`, patchOp({ op: 'remove', path: 'x509Certificates[value eq "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"]' }));
    assert.equal(certificate.body.x509Certificates, undefined);
    const groups = await scim.call('GET', `/Users/${babs}`);
    assert.equal(groups.body.groups, undefined);
  });

  it('replaces all members with remove then add, or with one replace (§3.5.2.2, §3.5.2.3)', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const [a, b, c] = [await scim.createUser({ userName: 'aa' }), await scim.createUser({ userName: 'bb' }), await scim.createUser({ userName: 'cc' })];
    const group = await groupWith(scim, [a]);
    const swapped = await scim.call('PATCH', `/Groups/${group}`, patchOp(
      { op: 'remove', path: 'members' },
      { op: 'add', path: 'members', value: [{ display: 'B', $ref: `https://example.com/v2/Users/${b}`, value: b }, { display: 'C', value: c }] },
    ));
    assert.equal(swapped.status, 200);
    assert.deepEqual(await memberIds(scim, group), [b, c].sort());
    await scim.call('PATCH', `/Groups/${group}`, patchOp({ op: 'replace', path: 'members', value: [{ value: a }, { value: c }] }));
    assert.deepEqual(await memberIds(scim, group), [a, c].sort());
    const user = await scim.call('GET', `/Users/${c}`);
    assert.deepEqual(user.body.groups, [{ value: group, $ref: `http://localhost/scim/v2/Groups/${group}`, display: 'Tour Guides', type: 'direct' }]);
  });

  it('replaces a filtered value, a filtered sub-attribute, and attributes without a path (§3.5.2.3)', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const babs = await scim.createUser({ ...bjensen(), addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', primary: true }, { type: 'home', locality: 'Burbank' }] });
    const work = { type: 'work', streetAddress: '911 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'US', formatted: '911 Universal City Plaza\nHollywood, CA 91608 US', primary: true };
    const replaced = await scim.call('PATCH', `/Users/${babs}`, patchOp({ op: 'replace', path: 'addresses[type eq "work"]', value: work }));
    assert.deepEqual(replaced.body.addresses, [work, { type: 'home', locality: 'Burbank' }]);
    const street = await scim.call('PATCH', `/Users/${babs}`, patchOp({ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }));
    assert.equal(street.body.addresses[0].streetAddress, '1010 Broadway Ave');
    assert.equal(street.body.addresses[0].postalCode, '91608');
    const many = await scim.call('PATCH', `/Users/${babs}`, patchOp({ op: 'replace', value: { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }], nickName: 'Babs', 'name.givenName': 'Barb' } }));
    assert.deepEqual([many.body.emails, many.body.nickName, many.body.name.givenName, many.body.name.familyName], [[{ value: 'bjensen@example.com', type: 'work', primary: true }], 'Babs', 'Barb', 'Jensen']);
    const primary = await scim.call('PATCH', `/Users/${babs}`, patchOp({ op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home', primary: true }] }));
    assert.deepEqual(primary.body.emails.map((e: { primary: boolean }) => e.primary), [false, true]);
    const worker = await kit.db.selectFrom('workers').select(['first_name', 'email']).where('id', '=', babs).executeTakeFirstOrThrow();
    assert.deepEqual(worker, { first_name: 'Barb', email: 'babs@jensen.org' });
  });

  it('answers each bad operation with its scimType and changes nothing', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const babs = await scim.createUser({ ...bjensen(), emails: [{ value: 'babs@example.com', type: 'work' }] });
    const before = await scim.call('GET', `/Users/${babs}`);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ op: 'remove' }, 400, 'noTarget'],
      [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'x@y.org' }, 400, 'noTarget'],
      [{ op: 'replace', path: 'id', value: 'abc' }, 400, 'mutability'],
      [{ op: 'remove', path: 'userName' }, 400, 'mutability'],
      [{ op: 'add', path: 'groups', value: [{ value: 'x' }] }, 400, 'mutability'],
      [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }, 400, 'mutability'],
      [{ op: 'replace', path: 'favouriteColour', value: 'red' }, 400, 'invalidPath'],
      [{ op: 'replace', path: 'name.nickname', value: 'B' }, 400, 'invalidPath'],
      [{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }, 400, 'invalidPath'],
      [{ op: 'replace', path: 'emails[colour eq "red"].value', value: 'x' }, 400, 'invalidPath'],
      [{ op: 'replace', path: 'emails.value', value: 'x' }, 400, 'invalidPath'],
      [{ op: 'move', path: 'title', value: 'x' }, 400, 'invalidSyntax'],
      [{ op: 'replace', path: 'active', value: 'maybe' }, 400, 'invalidValue'],
      [{ op: 'replace', path: 'userName', value: 'no spaces allowed' }, 400, 'invalidValue'],
    ];
    for (const [operation, status, scimType] of cases) {
      const response = await scim.call('PATCH', `/Users/${babs}`, patchOp({ op: 'replace', path: 'title', value: 'changed first' }, operation));
      assert.deepEqual([response.status, response.body.scimType], [status, scimType], JSON.stringify(operation));
      assert.deepEqual(response.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
      assert.equal(typeof response.body.detail, 'string');
    }
    assert.deepEqual(await scim.call('GET', `/Users/${babs}`).then((r): unknown => r.body), before.body);
    const notPatchOp = await scim.call('PATCH', `/Users/${babs}`, { schemas: ['urn:x'], Operations: [] });
    assert.deepEqual([notPatchOp.status, notPatchOp.body.scimType], [400, 'invalidSyntax']);
  });
});
