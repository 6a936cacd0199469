import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test/helpers/databases.ts';
import { createTestKit } from '../../test/helpers/kit.ts';
import { bjensen, createScimClient, groupSchema, patchOp, userSchema } from '../../test/helpers/scim.ts';

const bulkRequest = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

describeEachDatabase('SCIM /Bulk (RFC 7644 §3.7)', (current) => {
  it('resolves bulkId references, even to a POST later in the request', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const response = await scim.call('POST', '/Bulk', {
      schemas: [bulkRequest],
      Operations: [
        { method: 'POST', path: '/Groups', bulkId: 'ytrewq', data: { schemas: [groupSchema], displayName: 'Tour Guides', members: [{ type: 'User', value: 'bulkId:qwerty' }] } },
        { method: 'POST', path: '/Users', bulkId: 'qwerty', data: { schemas: [userSchema], userName: 'Alice' } },
        { method: 'PATCH', path: '/Users/bulkId:qwerty', data: patchOp({ op: 'replace', path: 'title', value: 'Guide' }) },
      ],
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    const [group, user, patch] = response.body.Operations;
    assert.deepEqual([group.method, group.bulkId, group.status, user.bulkId, user.status, patch.status], ['POST', 'ytrewq', '201', 'qwerty', '201', '200']);
    assert.match(user.location, /\/scim\/v2\/Users\/[0-9a-f-]{36}$/);
    assert.match(user.version, /^"/);
    const userId = user.location.split('/').at(-1);
    const read = await scim.call('GET', group.location.replace('http://localhost/scim/v2', ''));
    assert.deepEqual(read.body.members.map((m: { value: string }) => m.value), [userId]);
    assert.equal((await scim.call('GET', `/Users/${userId}`)).body.title, 'Guide');
  });

  it('honours versions and stops after failOnErrors errors', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const created = await scim.call('POST', '/Users', { schemas: [userSchema], ...bjensen() });
    const id = created.body.id;
    const response = await scim.call('POST', '/Bulk', {
      schemas: [bulkRequest],
      failOnErrors: 2,
      Operations: [
        { method: 'PUT', path: `/Users/${id}`, version: created.headers.get('etag'), data: { schemas: [userSchema], ...bjensen({ title: 'Guide' }) } },
        { method: 'PATCH', path: `/Users/${id}`, version: created.headers.get('etag'), data: patchOp({ op: 'replace', path: 'title', value: 'Stale' }) },
        { method: 'POST', path: '/Users', bulkId: 'dup', data: { schemas: [userSchema], userName: 'bjensen' } },
        { method: 'DELETE', path: `/Users/${id}` },
      ],
    });
    const statuses = response.body.Operations.map((op: { status: string }) => op.status);
    assert.deepEqual(statuses, ['200', '412', '409']);
    assert.deepEqual(response.body.Operations[2].response, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: response.body.Operations[2].response.detail,
    });
    assert.equal((await scim.call('GET', `/Users/${id}`)).body.title, 'Guide');
  });

  it('fails an operation whose bulkId no successful POST defines, and checks each operation on its own', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const response = await scim.call('POST', '/Bulk', {
      schemas: [bulkRequest],
      Operations: [
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: { schemas: [groupSchema], displayName: 'G', members: [{ value: 'bulkId:nobody' }] } },
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [userSchema], userName: 'has space' } },
        { method: 'POST', path: '/Groups', bulkId: 'g2', data: { schemas: [groupSchema], displayName: 'H', members: [{ value: 'bulkId:bad' }] } },
        { method: 'POST', path: '/Users', data: { userName: 'no.bulk.id' } },
        { method: 'GET', path: '/Users' },
        { method: 'POST', path: '/Users', bulkId: 'ok', data: { schemas: [userSchema], userName: 'fine' } },
      ],
    });
    const result = response.body.Operations.map((op: { status: string; response?: { scimType?: string } }) => [op.status, op.response?.scimType ?? null]);
    assert.deepEqual(result, [['409', 'invalidValue'], ['400', 'invalidValue'], ['409', 'invalidValue'], ['400', 'invalidSyntax'], ['400', 'invalidSyntax'], ['201', null]]);
  });

  it('refuses a request over maxOperations or maxPayloadSize with 413', async () => {
    const kit = createTestKit(current());
    const scim = await createScimClient(kit, 'MONROE');
    const operations = Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/u${i}` }));
    const tooMany = await scim.call('POST', '/Bulk', { schemas: [bulkRequest], Operations: operations });
    assert.deepEqual([tooMany.status, tooMany.body.status], [413, '413']);
    const tooBig = await scim.call('POST', '/Bulk', { schemas: [bulkRequest], Operations: [{ method: 'POST', path: '/Users', bulkId: 'x', data: { userName: 'big', title: 'x'.repeat(1_100_000) } }] });
    assert.equal(tooBig.status, 413);
    assert.equal(await kit.db.selectFrom('scim_users').select('worker_id').executeTakeFirst(), undefined);
  });
});
