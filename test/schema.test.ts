import assert from 'node:assert/strict';
import { it } from 'node:test';
import { migrateToLatest } from '../src/db/migrate.ts';
import { describeEachDatabase } from './helpers/databases.ts';

const coreTables = [
  'access_templates', 'account_history', 'accounts', 'agencies', 'api_tokens', 'applications', 'audit_chain_head',
  'audit_events', 'business_functions', 'grants', 'principals', 'role_assignments', 'template_functions', 'units',
  'work_items', 'worker_history', 'workers', 'sync_sources', 'sync_runs', 'lifecycle_events', 'leases',
];

describeEachDatabase('schema built from scratch', (current) => {
  it('creates every table of the model from an empty database', async () => {
    const tables = (await current().db.introspection.getTables()).map((t) => t.name);
    for (const table of coreTables) assert.ok(tables.includes(table), `missing table ${table}`);
  });

  it('applies nothing the second time it is run', async () => {
    assert.deepEqual(await migrateToLatest(current().db), []);
  });

  it('starts the audit chain at its genesis head', async () => {
    const head = await current().db.selectFrom('audit_chain_head').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual(head, { id: 1, seq: 0, hash: '0'.repeat(64) });
  });
});
