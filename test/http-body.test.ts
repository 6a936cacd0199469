import { serve } from '@hono/node-server';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { it, type TestContext } from 'node:test';
import { describeEachDatabase } from './helpers/databases.ts';
import { createTestKit, type TestKit } from './helpers/kit.ts';
import { createScimClient, userSchema } from './helpers/scim.ts';

interface Reply {
  status: number;
  body: any;
}

/** POSTs over real HTTP; a chunked body (no Content-Length) when `chunked`, as a streaming client sends it. */
function post(port: number, path: string, token: string, body: string, contentType: string, chunked = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-type': contentType };
    if (!chunked) headers['content-length'] = Buffer.byteLength(body);
    const request = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    });
    request.on('error', reject);
    if (chunked) {
      for (let at = 0; at < body.length; at += 64 * 1024) request.write(body.slice(at, at + 64 * 1024));
      request.end();
    } else {
      request.end(body);
    }
  });
}

/** Serves the kit's app on a loopback port for the rest of the test, as `gatehouse serve` does. */
async function listen(t: TestContext, kit: TestKit): Promise<number> {
  const server = serve({ fetch: kit.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describeEachDatabase('request bodies over HTTP', (current) => {
  const oversized = (name: string) => JSON.stringify({ code: 'BIG', name, kind: 'district', padding: 'x'.repeat(1024 * 1024) });

  it('reads a JSON body sent over HTTP, whole or chunked', async (t) => {
    const kit = createTestKit(current());
    const port = await listen(t, kit);
    const admin = await kit.tokenFor('state_admin', null);
    const whole = await post(port, '/api/v1/agencies', admin, JSON.stringify({ code: 'MONROE', name: 'Monroe County', kind: 'district' }), 'application/json');
    assert.equal(whole.status, 201, JSON.stringify(whole.body));
    const chunked = await post(port, '/api/v1/agencies', admin, JSON.stringify({ code: 'ERIE', name: 'Erie County', kind: 'district' }), 'application/json; charset=utf-8', true);
    assert.equal(chunked.status, 201, JSON.stringify(chunked.body));
    assert.equal(chunked.body.name, 'Erie County');
    const malformed = await post(port, '/api/v1/agencies', admin, '{"code": "MON', 'application/json');
    assert.equal(malformed.body.error.code, 'request.invalid_json');
  });

  it('refuses an API body over 1 MiB with 413 and changes nothing, with or without a declared length', async (t) => {
    const kit = createTestKit(current());
    const port = await listen(t, kit);
    const admin = await kit.tokenFor('state_admin', null);
    for (const chunked of [false, true]) {
      const refused = await post(port, '/api/v1/agencies', admin, oversized('Too big'), 'application/json', chunked);
      assert.equal(refused.status, 413);
      assert.equal(refused.body.error.code, 'request.too_large');
      assert.match(refused.body.error.message, /larger than 1048576 bytes/);
      assert.ok(refused.body.error.requestId);
    }
    const created = await kit.db.selectFrom('agencies').select('code').where('code', '=', 'BIG').execute();
    assert.deepEqual(created, []);
  });

  it('refuses a SCIM body over maxPayloadSize in SCIM error form, and reads one under it', async (t) => {
    const kit = createTestKit(current());
    const port = await listen(t, kit);
    const scim = await createScimClient(kit, 'NIAGARA');
    const user = { schemas: [userSchema], userName: 'jdoe', name: { givenName: 'Jane', familyName: 'Doe' }, active: true };
    const created = await post(port, '/scim/v2/Users', scim.token, JSON.stringify(user), 'application/scim+json', true);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const refused = await post(port, '/scim/v2/Users', scim.token, JSON.stringify({ ...user, userName: 'big', displayName: 'x'.repeat(1024 * 1024) }), 'application/scim+json', true);
    assert.equal(refused.status, 413);
    assert.equal(refused.body.status, '413');
    assert.match(refused.body.detail, /maxPayloadSize/);
  });
});
