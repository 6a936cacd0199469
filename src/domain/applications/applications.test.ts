import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';
import { ensureBuiltinApplications } from './applications.service.ts';

const scimConfig = { baseUrl: 'https://hr.example.org/scim/v2', tokenEnv: 'HR_PORTAL_SCIM_TOKEN' };

describeEachDatabase('applications', (current) => {
  it('creates the built-in CONNECTIONS application once, however often it runs', async () => {
    const kit = createTestKit(current());
    await ensureBuiltinApplications(kit.db, kit.clock.now().toISOString());
    await kit.db.transaction().execute((trx) => ensureBuiltinApplications(trx, kit.clock.now().toISOString()));
    const reader = await kit.tokenFor('state_admin', null);
    const listed = await kit.call('GET', '/api/v1/applications', { token: reader });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.items.map((a: { code: string; kind: string }) => [a.code, a.kind]), [['CONNECTIONS', 'builtin']]);
  });

  it('creates, reads and updates an application with an audit event for each change', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const body = { code: 'HR_PORTAL', name: 'HR portal', kind: 'scim', config: scimConfig };
    const created = await kit.call('POST', '/api/v1/applications', { token: admin, body });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.config, body.config);

    kit.clock.advance(60_000);
    const updated = await kit.call('PATCH', `/api/v1/applications/${created.body.id}`, { token: admin, body: { name: 'HR self-service' } });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.name, 'HR self-service');
    assert.deepEqual(updated.body.config, body.config);
    assert.notEqual(updated.body.updatedAt, created.body.updatedAt);

    const fetched = await kit.call('GET', `/api/v1/applications/${created.body.id}`, { token: admin });
    assert.deepEqual(fetched.body, updated.body);
    const events = await kit.db.selectFrom('audit_events').select(['action', 'before', 'after']).where('subject_id', '=', created.body.id).orderBy('seq').execute();
    assert.deepEqual(events.map((e) => e.action), ['application.created', 'application.updated']);
    assert.equal(JSON.parse(events[1]!.before!).name, 'HR portal');
    assert.equal(JSON.parse(events[1]!.after!).name, 'HR self-service');
  });

  it('refuses a second application with the same code', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const body = { code: 'HR_PORTAL', name: 'HR portal', kind: 'ldap' };
    assert.equal((await kit.call('POST', '/api/v1/applications', { token: admin, body })).status, 201);
    const again = await kit.call('POST', '/api/v1/applications', { token: admin, body: { ...body, name: 'Another' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'application.duplicate');
  });

  it('rejects a bad code, a config that is not an object and unknown fields', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const response = await kit.call('POST', '/api/v1/applications', { token: admin, body: { code: 'hr portal', name: 'HR', kind: 'ftp', config: [1, 2], owner: 'me' } });
    assert.equal(response.status, 400);
    const fields = [...new Set(response.body.error.details.map((d: { field: string }) => d.field))].sort();
    assert.deepEqual(fields, ['body.code', 'body.config', 'body.kind', 'body.owner']);
    const empty = await kit.call('PATCH', `/api/v1/applications/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`, { token: admin, body: {} });
    assert.equal(empty.status, 400);
  });

  it('refuses a config larger than 20 KB', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const response = await kit.call('POST', '/api/v1/applications', { token: admin, body: { code: 'BIG', name: 'Big', kind: 'scim', config: { blob: 'x'.repeat(21 * 1024) } } });
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /20 KB/);
  });

  it('lets agency staff read applications but only a state administrator change them', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const agency = await kit.call('POST', '/api/v1/agencies', { token: admin, body: { code: 'MONROE', name: 'Monroe', kind: 'district' } });
    const coordinator = await kit.tokenFor('security_coordinator', agency.body.id);
    const created = await kit.call('POST', '/api/v1/applications', { token: admin, body: { code: 'HR_PORTAL', name: 'HR', kind: 'scim', config: scimConfig } });
    assert.equal((await kit.call('GET', `/api/v1/applications/${created.body.id}`, { token: coordinator })).status, 200);
    const refused = await kit.call('PATCH', `/api/v1/applications/${created.body.id}`, { token: coordinator, body: { name: 'Mine now' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'auth.forbidden');
    assert.equal((await kit.call('POST', '/api/v1/applications', { token: coordinator, body: { code: 'OTHER', name: 'Other', kind: 'scim', config: scimConfig } })).status, 403);
  });

  it('pages through applications by code', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    for (const code of ['CHARLIE', 'ALPHA', 'BRAVO']) {
      await kit.call('POST', '/api/v1/applications', { token: admin, body: { code, name: code, kind: 'scim', config: scimConfig } });
    }
    const first = await kit.call('GET', '/api/v1/applications?limit=2', { token: admin });
    assert.deepEqual(first.body.items.map((a: { code: string }) => a.code), ['ALPHA', 'BRAVO']);
    const second = await kit.call('GET', `/api/v1/applications?limit=2&cursor=${first.body.nextCursor}`, { token: admin });
    assert.deepEqual(second.body.items.map((a: { code: string }) => a.code), ['CHARLIE']);
    assert.equal(second.body.nextCursor, null);
  });

  it('refuses a SCIM config the connector could not use, naming each field', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const config = { baseUrl: 'ftp://hr.example.org', token: 's3cret', onEndDate: 'archive', entitlements: { via: 'groups' } };
    const response = await kit.call('POST', '/api/v1/applications', { token: admin, body: { code: 'HR_PORTAL', name: 'HR', kind: 'scim', config } });
    assert.equal(response.status, 422);
    assert.equal(response.body.error.code, 'input.invalid');
    const fields = response.body.error.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['config.baseUrl', 'config.entitlements.map', 'config.onEndDate']);
    const twoTokens = await kit.call('POST', '/api/v1/applications', { token: admin, body: { code: 'HR_PORTAL', name: 'HR', kind: 'scim', config: { ...scimConfig, token: 's3cret' } } });
    assert.equal(twoTokens.status, 422);
    assert.deepEqual(twoTokens.body.error.details, [{ field: 'config.tokenEnv', message: 'Give exactly one of token and tokenEnv.' }]);
  });

  it('never shows a stored SCIM token, and keeps it when the redacted config is sent back', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const body = { code: 'HR_PORTAL', name: 'HR', kind: 'scim', config: { baseUrl: 'https://hr.example.org/scim/v2', token: 's3cret' } };
    const created = await kit.call('POST', '/api/v1/applications', { token: admin, body });
    assert.equal(created.body.config.token, '[redacted]');
    const changed = await kit.call('PATCH', `/api/v1/applications/${created.body.id}`, { token: admin, body: { config: { ...created.body.config, onEndDate: 'delete' } } });
    assert.equal(changed.status, 200);
    const stored = await kit.db.selectFrom('applications').select('config').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(stored.config), { ...body.config, onEndDate: 'delete' });
    const audit = await kit.db.selectFrom('audit_events').select(['before', 'after']).where('subject_id', '=', created.body.id).execute();
    assert.ok(audit.every((e) => !`${e.before}${e.after}`.includes('s3cret')));
  });

  it('answers 404 for an unknown application id', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const unknown = await kit.call('GET', `/api/v1/applications/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`, { token: admin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'application.not_found');
  });
});
