import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';
import { migrateTo, migrateToLatest } from './migrate.ts';

it('schedules, on upgrade, a reminder for each worker who owes an acknowledgment: two days after their last acknowledgment email, or at once', async () => {
  const handle = openDatabase({ url: ':memory:' });
  const db = handle.db;
  await migrateTo(db, '0012-lean-write-indexes');
  // Only the columns the upgrade reads matter here; the rows they point to are left out.
  await sql`pragma foreign_keys = OFF`.execute(db);
  const request = (id: string, workerId: string, status: string) => sql`
    insert into access_requests (id, agency_id, application_id, account_id, subject_worker_id, requester_principal_id, justification, status, risk_level, sod_conflicts, version, created_at, updated_at)
    values (${id}, 'agency-1', 'app', 'account', ${workerId}, 'principal', 'j', ${status}, 'low', '[]', 1, '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z')`;
  for (const [id, worker, status] of [['r1', 'never-asked', 'provisioned'], ['r2', 'asked-yesterday', 'provisioned'], ['r3', 'acknowledged', 'provisioned'], ['r4', 'still-pending', 'pending'], ['r5', 'never-asked', 'provisioned']]) {
    await request(id as string, worker as string, status as string).execute(db);
  }
  await sql`insert into acknowledgments (id, agency_id, worker_id, agreement_version, principal_id, acknowledged_at) values ('a1', 'agency-1', 'acknowledged', '2026-01', 'p', '2026-03-02T00:00:00.000Z')`.execute(db);
  await sql`
    insert into mail_outbox (id, agency_id, kind, recipient_worker_id, to_address, subject, body, status, attempts, due_at, created_at)
    values ('m1', 'agency-1', 'acknowledgment_needed', 'asked-yesterday', 'x@example.org', 's', 'b', 'sent', 1, '2026-03-04T09:00:00.000Z', '2026-03-04T09:00:00.000Z'),
           ('m2', 'agency-1', 'decision', 'never-asked', 'y@example.org', 's', 'b', 'sent', 1, '2026-03-04T09:00:00.000Z', '2026-03-04T09:00:00.000Z')`.execute(db);

  const before = Date.now();
  await migrateToLatest(db);
  const { rows } = await sql<{ worker_id: string; agency_id: string; agreement_version: string; next_reminder_at: string }>`select * from acknowledgment_reminders order by worker_id`.execute(db);
  assert.deepEqual(rows.map((r) => [r.worker_id, r.agency_id, r.agreement_version]), [['asked-yesterday', 'agency-1', '2026-01'], ['never-asked', 'agency-1', '2026-01']]);
  assert.equal(rows[0]?.next_reminder_at, '2026-03-06T09:00:00.000Z');
  assert.ok(Date.parse(rows[1]?.next_reminder_at ?? '') >= before - 1000, 'a worker never asked is reminded at the first tick');
  await handle.destroy();
});
