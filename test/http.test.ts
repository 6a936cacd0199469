import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from './helpers/databases.ts';
import { createTestKit } from './helpers/kit.ts';

describeEachDatabase('http basics', (current) => {
  it('answers liveness and readiness without a token', async () => {
    const kit = createTestKit(current());
    assert.deepEqual((await kit.call('GET', '/healthz')).body, { status: 'ok' });
    assert.deepEqual((await kit.call('GET', '/readyz')).body, { status: 'ready' });
  });

  it('publishes an OpenAPI 3.1 document describing the API', async () => {
    const kit = createTestKit(current());
    const doc = await kit.call('GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(doc.body.paths['/api/v1/agencies']);
    assert.ok(doc.body.components.schemas.Error);
  });

  it('echoes a sane request id and puts it in every error', async () => {
    const kit = createTestKit(current());
    const response = await kit.call('GET', '/api/v1/agencies', { headers: { 'x-request-id': 'trace-12345678' } });
    assert.equal(response.headers.get('x-request-id'), 'trace-12345678');
    assert.equal(response.body.error.requestId, 'trace-12345678');
  });

  it('answers an unknown API route with a JSON 404, and leaves other paths to the console', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const response = await kit.call('GET', '/api/v1/nowhere', { token: admin });
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'route.not_found');
    const page = await kit.call('GET', '/nowhere');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/sign-in?next=%2Fnowhere');
  });

  it('rejects a body that is not JSON with a clear message', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const response = await kit.call('POST', '/api/v1/agencies', { token: admin, body: '{"code": "MON', headers: {} });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'request.invalid_json');
  });

  it('rejects a body sent without a JSON content type', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const response = await kit.app.request('/api/v1/agencies', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' },
      body: '{"code":"MONROE","name":"Monroe","kind":"district"}',
    });
    assert.equal(response.status, 415);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'request.unsupported_media_type');
  });

  it('rejects an id that is not a Gatehouse id before looking it up', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const response = await kit.call('GET', "/api/v1/agencies/1' or '1'='1", { token: admin });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.details[0].field, 'param.id');
  });

  it('refuses an expired token', async () => {
    const kit = createTestKit(current());
    const created = await kit.services.tokens.create(kit.system, { name: 'short', role: 'state_admin', agencyId: null, expiresAt: '2026-03-03T00:00:00.000Z' });
    assert.equal((await kit.call('GET', '/api/v1/agencies', { token: created.token })).status, 200);
    kit.clock.set('2026-03-03T00:00:01.000Z');
    assert.equal((await kit.call('GET', '/api/v1/agencies', { token: created.token })).status, 401);
  });
});
