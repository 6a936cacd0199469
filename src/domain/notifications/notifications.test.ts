import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { type Joiner, decide, requestAccess, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addWorker } from '../../../test/helpers/fixtures.ts';
import { createTestKit, type TestKit } from '../../../test/helpers/kit.ts';
import { startSmtpServer } from '../../../test/helpers/smtp.ts';
import { createMailDeliverer, type MailDeliverer } from '../../outbox/mail-deliverer.ts';
import { createLogger } from '../../shared/logger.ts';

type Smtp = Awaited<ReturnType<typeof startSmtpServer>>;

async function giveEmails(kit: TestKit, s: Joiner): Promise<void> {
  for (const [name, id] of Object.entries({ supervisor: s.supervisor, unitApprover: s.unitApprover, coordinatorA: s.coordinatorA, coordinatorB: s.coordinatorB, joiner: s.joiner })) {
    await kit.db.updateTable('workers').set({ email: `${name.toLowerCase()}@monroe.example.org` }).where('id', '=', id).execute();
  }
}

describeEachDatabase('notification emails', (current) => {
  let smtp: Smtp;
  let mailer: MailDeliverer | undefined;
  beforeEach(async () => {
    smtp = await startSmtpServer();
  });
  afterEach(async () => {
    await mailer?.stop();
    mailer = undefined;
    await smtp.close();
  });

  function startMailer(kit: TestKit): void {
    mailer = createMailDeliverer({
      db: kit.db, clock: kit.clock, logger: createLogger('silent'), mail: { smtpUrl: smtp.url, from: 'Gatehouse <gatehouse@monroe.example.org>' },
      settings: { pollIntervalMs: 20, retryBaseMs: 60_000, retryMaxMs: 60_000, maxAttempts: 3 },
    });
    mailer.start();
  }

  it('asks each stage for approval, reminds at half-time and a business day before the deadline, and tells requester and worker the outcome', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    await giveEmails(kit, s);
    startMailer(kit);
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    const id: string = created.body.id;

    let mails = await smtp.waitForMails(1);
    assert.deepEqual(mails[0]?.to, ['supervisor@monroe.example.org']);
    assert.equal(mails[0]?.from, 'gatehouse@monroe.example.org');
    assert.match(mails[0]?.subject ?? '', /^Approval needed: access for Test w/);
    assert.match(mails[0]?.text ?? '', new RegExp(`http://localhost:8080/api/v1/access-requests/${id}\n`));
    assert.match(mails[0]?.text ?? '', /Stage: Supervisor\nDecide by: 2026-03-05T14:00:00.000Z/);

    // Monday 14:00 to Thursday 14:00: half-time is Wednesday 02:00, a business day before is Wednesday 14:00.
    kit.clock.set('2026-03-04T01:59:00.000Z');
    assert.equal((await kit.services.reminders.processReminders()).approvalReminders, 0);
    kit.clock.set('2026-03-04T02:00:00.000Z');
    assert.equal((await kit.services.reminders.processReminders()).approvalReminders, 1);
    assert.equal((await kit.services.reminders.processReminders()).approvalReminders, 0);
    kit.clock.set('2026-03-04T14:00:00.000Z');
    assert.equal((await kit.services.reminders.processReminders()).approvalReminders, 1);
    mails = await smtp.waitForMails(3);
    assert.deepEqual(mails.slice(1).map((m) => [m.to[0], m.subject.startsWith('Reminder: access for')]), [['supervisor@monroe.example.org', true], ['supervisor@monroe.example.org', true]]);
    assert.match(mails[2]?.text ?? '', new RegExp(`Request id: ${id}`));

    assert.equal((await decide(kit, s.tokens.supervisor, id)).status, 200);
    mails = await smtp.waitForMails(4);
    assert.deepEqual([mails[3]?.to, mails[3]?.subject.startsWith('Approval needed')], [['coordinatorb@monroe.example.org'], true]);
    assert.match(mails[3]?.text ?? '', /Stage: Security coordinator/);

    assert.equal((await decide(kit, s.tokens.coordinatorB, id)).body.status, 'provisioned');
    mails = await smtp.waitForMails(7);
    const last = mails.slice(4).map((m) => [m.to[0], m.subject]).sort();
    assert.deepEqual(last, [
      ['coordinatora@monroe.example.org', `Access request for ${mails[0]?.subject.replace('Approval needed: access for ', '')}: provisioned`],
      ['joiner@monroe.example.org', `Access request for ${mails[0]?.subject.replace('Approval needed: access for ', '')}: provisioned`],
      ['joiner@monroe.example.org', 'Your access is ready: acknowledge the access agreement'],
    ].sort());
    assert.match(mails.find((m) => m.subject.startsWith('Your access'))?.text ?? '', new RegExp(`POST http://localhost:8080/api/v1/workers/${s.joiner}/acknowledgments`));

    kit.clock.set('2026-03-06T15:00:00.000Z');
    assert.equal((await kit.services.reminders.processReminders()).acknowledgmentReminders, 1);
    assert.equal((await kit.services.reminders.processReminders()).acknowledgmentReminders, 0);
    mails = await smtp.waitForMails(8);
    assert.deepEqual([mails[7]?.to, mails[7]?.subject], [['joiner@monroe.example.org'], 'Reminder: acknowledge the access agreement']);
    const version = (await kit.call('GET', `/api/v1/workers/${s.joiner}/acknowledgments`, { token: s.tokens.joiner })).body.agreement.version;
    assert.equal((await kit.call('POST', `/api/v1/workers/${s.joiner}/acknowledgments`, { token: s.tokens.joiner, body: { agreementVersion: version } })).status, 201);
    kit.clock.set('2026-03-10T15:00:00.000Z');
    assert.equal((await kit.services.reminders.processReminders()).acknowledgmentReminders, 0);
  });

  it('tells the fallback approvers of an escalation, and requester and worker of the auto-denial', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    await giveEmails(kit, s);
    startMailer(kit);
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.caseworkerFn }]);
    await smtp.waitForMails(1);
    kit.clock.set('2026-03-05T14:00:00.000Z');
    await kit.services.requests.processDeadlines(kit.clock.now());
    let mails = await smtp.waitForMails(3);
    assert.deepEqual(mails.slice(1).map((m) => m.to[0]).sort(), ['coordinatorb@monroe.example.org', 'supervisor@monroe.example.org']);
    assert.ok(mails.slice(1).every((m) => m.subject.startsWith('Escalated to you: access for')));
    assert.match(mails[1]?.text ?? '', /Decide by: 2026-03-10T14:00:00.000Z/);
    assert.match(mails[1]?.text ?? '', new RegExp(created.body.id));

    kit.clock.set('2026-03-10T14:00:00.000Z');
    await kit.services.requests.processDeadlines(kit.clock.now());
    mails = await smtp.waitForMails(5);
    assert.deepEqual(mails.slice(3).map((m) => m.to[0]).sort(), ['coordinatora@monroe.example.org', 'joiner@monroe.example.org']);
    assert.ok(mails.slice(3).every((m) => m.subject.endsWith(': expired') && /denied automatically/.test(m.text)));
  });

  it("also asks the approver's deputy for today, saying whose place they take, but not the worker the request is about", async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    await giveEmails(kit, s);
    const deputy = await addWorker(kit, s.agency.id, s.cpsUnit);
    await kit.db.updateTable('workers').set({ email: 'deputy@monroe.example.org' }).where('id', '=', deputy).execute();
    for (const deputyWorkerId of [deputy, s.joiner]) {
      await kit.call('POST', `/api/v1/workers/${s.supervisor}/delegations`, { token: s.tokens.supervisor, body: { deputyWorkerId, startsOn: '2026-03-02', endsOn: '2026-03-03', reason: 'Training' } });
    }
    startMailer(kit);
    await requestAccess(kit, s, [{ kind: 'unit_hierarchy', unitId: s.otherUnit }]);
    const mails = await smtp.waitForMails(2);
    assert.deepEqual(mails.map((m) => m.to[0]).sort(), ['deputy@monroe.example.org', 'supervisor@monroe.example.org']);
    const supervisorName = (await kit.db.selectFrom('workers').select(['first_name', 'last_name']).where('id', '=', s.supervisor).executeTakeFirstOrThrow());
    assert.match(mails.find((m) => m.to[0] === 'deputy@monroe.example.org')?.text ?? '', new RegExp(`You are the deputy of ${supervisorName.first_name} ${supervisorName.last_name} today`));
    kit.clock.set('2026-03-04T02:00:00.000Z'); // 21:00 on 3 March in New York: the delegation's last day
    await kit.services.reminders.processReminders();
    assert.deepEqual((await smtp.waitForMails(4)).slice(2).map((m) => m.to[0]).sort(), ['deputy@monroe.example.org', 'supervisor@monroe.example.org']);
    kit.clock.set('2026-03-04T14:00:00.000Z'); // 4 March: the delegation is over
    await kit.services.reminders.processReminders();
    assert.deepEqual((await smtp.waitForMails(5)).slice(4).map((m) => m.to[0]), ['supervisor@monroe.example.org']);
  });

  it('records mails while no mailer runs and sends them when one starts, retrying a server that refuses for a while', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    await giveEmails(kit, s);
    await kit.db.updateTable('workers').set({ email: null }).where('id', '=', s.unitApprover).execute();
    const created = await requestAccess(kit, s, [{ kind: 'function', functionId: s.allDistFn, justification: 'Night hotline' }]);
    await decide(kit, s.tokens.supervisor, created.body.id);
    const rows = await kit.db.selectFrom('mail_outbox').select(['kind', 'to_address', 'status', 'last_error']).orderBy('created_at').orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.kind, r.to_address, r.status]), [['approval_needed', 'supervisor@monroe.example.org', 'pending'], ['approval_needed', null, 'failed']]);
    assert.match(rows[1]?.last_error ?? '', /no email address/);

    smtp.refuseNext(1);
    startMailer(kit);
    const until = Date.now() + 5000;
    let pending = await kit.db.selectFrom('mail_outbox').select(['attempts', 'last_error', 'status']).where('status', '=', 'pending').executeTakeFirstOrThrow();
    while (pending.attempts === 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      pending = await kit.db.selectFrom('mail_outbox').select(['attempts', 'last_error', 'status']).where('status', '=', 'pending').executeTakeFirstOrThrow();
    }
    assert.equal(pending.attempts, 1);
    assert.match(pending.last_error ?? '', /Mailbox busy/);
    assert.equal(smtp.received.length, 0);
    kit.clock.advance(60_000);
    const mails = await smtp.waitForMails(1);
    assert.deepEqual(mails[0]?.to, ['supervisor@monroe.example.org']);
    // The server has the mail a moment before the deliverer records it as sent.
    const sentRow = () => kit.db.selectFrom('mail_outbox').select(['status', 'sent_at']).where('to_address', '=', 'supervisor@monroe.example.org').executeTakeFirstOrThrow();
    let sent = await sentRow();
    for (const recordedBy = Date.now() + 5000; sent.status !== 'sent' && Date.now() < recordedBy; sent = await sentRow()) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(sent, { status: 'sent', sent_at: kit.clock.now().toISOString() });
  });
});
