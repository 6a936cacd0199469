import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { createTestKit, type TestKit } from '../../../test/helpers/kit.ts';

async function recordEvents(kit: TestKit, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await kit.db.transaction().execute((trx) =>
      kit.services.audit.record(trx, kit.system, [{ action: 'test.event', subjectType: 'test', subjectId: `s${i}`, agencyId: null, reason: `event ${i}` }]),
    );
  }
}

describeEachDatabase('audit chain', (current) => {
  it('verifies an untouched chain', async () => {
    const kit = createTestKit(current());
    await recordEvents(kit, 5);
    const result = await kit.services.audit.verify();
    assert.deepEqual(result, { ok: true, eventsChecked: 5 });
  });

  it('links each event to the hash of the one before it', async () => {
    const kit = createTestKit(current());
    await recordEvents(kit, 3);
    const events = await kit.db.selectFrom('audit_events').select(['seq', 'hash', 'prev_hash']).orderBy('seq').execute();
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3]);
    assert.equal(events[1]?.prev_hash, events[0]?.hash);
    assert.equal(events[2]?.prev_hash, events[1]?.hash);
  });

  it('reports the first event whose content was altered', async () => {
    const kit = createTestKit(current());
    await recordEvents(kit, 5);
    await sql`update audit_events set reason = 'nothing to see here' where seq = 3`.execute(kit.db);
    const result = await kit.services.audit.verify();
    assert.equal(result.ok, false);
    assert.equal(result.firstBreak?.seq, 3);
    assert.match(result.firstBreak?.problem ?? '', /changed/);
  });

  it('reports a removed event in the middle of the log', async () => {
    const kit = createTestKit(current());
    await recordEvents(kit, 5);
    await sql`delete from audit_events where seq = 2`.execute(kit.db);
    const result = await kit.services.audit.verify();
    assert.equal(result.ok, false);
    assert.equal(result.firstBreak?.seq, 3);
    assert.match(result.firstBreak?.problem ?? '', /missing/);
  });

  it('reports events removed from the end of the log', async () => {
    const kit = createTestKit(current());
    await recordEvents(kit, 4);
    await sql`delete from audit_events where seq = 4`.execute(kit.db);
    const result = await kit.services.audit.verify();
    assert.equal(result.ok, false);
    assert.match(result.firstBreak?.problem ?? '', /removed from the end/);
  });

  it('reports an event re-hashed to hide an edit, because the next event no longer links', async () => {
    const kit = createTestKit(current());
    await recordEvents(kit, 3);
    await sql`update audit_events set hash = ${'f'.repeat(64)} where seq = 2`.execute(kit.db);
    const result = await kit.services.audit.verify();
    assert.equal(result.ok, false);
    assert.equal(result.firstBreak?.seq, 2);
  });

  it('keeps one unbroken chain when many transactions append at once', async () => {
    const kit = createTestKit(current());
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        kit.db.transaction().execute((trx) =>
          kit.services.audit.record(trx, kit.system, [
            { action: 'test.event', subjectType: 'test', subjectId: `a${i}`, agencyId: null },
            { action: 'test.event', subjectType: 'test', subjectId: `b${i}`, agencyId: null },
          ]),
        ),
      ),
    );
    const result = await kit.services.audit.verify();
    assert.deepEqual(result, { ok: true, eventsChecked: 24 });
  });

  it('drops the events of a transaction that rolls back', async () => {
    const kit = createTestKit(current());
    await recordEvents(kit, 1);
    await assert.rejects(
      kit.db.transaction().execute(async (trx) => {
        await kit.services.audit.record(trx, kit.system, [{ action: 'test.event', subjectType: 'test', subjectId: 'x', agencyId: null }]);
        throw new Error('change failed');
      }),
      /change failed/,
    );
    await recordEvents(kit, 1);
    assert.deepEqual(await kit.services.audit.verify(), { ok: true, eventsChecked: 2 });
  });

  it('shows auditors the events of their own agency only', async () => {
    const kit = createTestKit(current());
    const admin = await kit.tokenFor('state_admin', null);
    const monroe = await kit.call('POST', '/api/v1/agencies', { token: admin, body: { code: 'MONROE', name: 'Monroe', kind: 'district' } });
    await kit.call('POST', '/api/v1/agencies', { token: admin, body: { code: 'ERIE', name: 'Erie', kind: 'district' } });
    const auditor = await kit.tokenFor('auditor', monroe.body.id);
    const listed = await kit.call('GET', '/api/v1/audit/events?limit=100', { token: auditor });
    assert.equal(listed.status, 200);
    assert.ok(listed.body.items.length > 0);
    assert.ok(listed.body.items.every((e: { agencyId: string }) => e.agencyId === monroe.body.id));
  });
});
