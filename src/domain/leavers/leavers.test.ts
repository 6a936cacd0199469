import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { addAccount, addApplication, addFunction, addUnit, addWorker, addWorkItem, createAgency } from '../../../test/helpers/fixtures.ts';
import { createTestKit, type TestKit } from '../../../test/helpers/kit.ts';
import { createTimers } from '../../scheduler/timers.ts';
import { createLogger } from '../../shared/logger.ts';

const hourMs = 3_600_000;

async function grantFunction(kit: TestKit, accountId: string, functionId: string): Promise<void> {
  await kit.db.transaction().execute((trx) =>
    kit.services.grants.grantInTransaction(trx, kit.system, { accountId, kind: 'function', functionId, provenanceKind: 'import', provenanceId: 'initial-load' }),
  );
}

async function setName(kit: TestKit, workerId: string, firstName: string, lastName: string): Promise<void> {
  await kit.db.updateTable('workers').set({ first_name: firstName, last_name: lastName }).where('id', '=', workerId).execute();
}

/**
 * Unit C10 of MONROE: the leaver (CPS caseworker with 2 cases and a to-do), their supervisor,
 * two CPS caseworkers (one already carrying 2 cases), a clerk without the CPS function, and a
 * disabled CPS caseworker.
 */
async function setup(kit: TestKit) {
  const agency = await createAgency(kit, 'MONROE');
  const unit = await addUnit(kit, agency.id, 'C10');
  const connections = await addApplication(kit, 'CONNECTIONS');
  const payroll = await addApplication(kit, 'PAYROLL');
  const cps = await addFunction(kit, connections, 'CPS CASEWORKER');
  const clerkFunction = await addFunction(kit, connections, 'CLERK');
  const worker = async (name: string, fn: string | null, enabled: 0 | 1 = 1) => {
    const id = await addWorker(kit, agency.id, unit, { enabled });
    await setName(kit, id, name, 'Tester');
    const account = await addAccount(kit, id, connections, unit);
    if (fn) await grantFunction(kit, account, fn);
    return { id, account };
  };
  const supervisor = await worker('Sam', cps);
  const leaver = await worker('Lee', cps);
  await kit.db.updateTable('workers').set({ supervisor_id: supervisor.id }).where('id', '=', leaver.id).execute();
  const payrollAccount = await addAccount(kit, leaver.id, payroll, unit);
  const busy = await worker('Bea', cps);
  const idle = await worker('Ian', cps);
  const clerk = await worker('Cal', clerkFunction);
  const disabled = await worker('Dee', cps, 0);
  const item = (owner: string) => addWorkItem(kit, { agencyId: agency.id, applicationId: connections, unitId: unit, ownerWorkerId: owner });
  const leaverItems = [await item(leaver.id), await item(leaver.id)];
  const todo = await item(leaver.id);
  await kit.db.updateTable('work_items').set({ kind: 'todo' }).where('id', '=', todo).execute();
  leaverItems.push(todo);
  await item(busy.id);
  await item(busy.id);
  const lanAdmin = await kit.tokenFor('lan_admin', agency.id);
  const coordinator = await kit.tokenFor('security_coordinator', agency.id);
  const auditor = await kit.tokenFor('auditor', agency.id);
  return { agency, unit, connections, supervisor, leaver, payrollAccount, busy, idle, clerk, disabled, leaverItems, lanAdmin, coordinator, auditor };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function disableLeaver(kit: TestKit, s: Setup) {
  const response = await kit.call('POST', `/api/v1/workers/${s.leaver.id}/disable`, { token: s.lanAdmin, body: { reason: 'Left the agency' } });
  assert.equal(response.status, 200);
  const queue = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/leaver-cases`, { token: s.coordinator });
  assert.equal(queue.status, 200);
  return { response, leaverCase: queue.body.items[0] };
}

async function accountStatuses(kit: TestKit, workerId: string) {
  const rows = await kit.db.selectFrom('accounts').select(['status', 'end_date']).where('worker_id', '=', workerId).execute();
  return rows.map((r) => `${r.status}:${r.end_date ?? '-'}`).sort();
}

describeEachDatabase('leavers', (current) => {
  it('opens a leaver case in the same request as the directory disable, blocked by the open cases and to-dos', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const detectedAt = kit.clock.now().toISOString();
    const { response, leaverCase } = await disableLeaver(kit, s);
    assert.deepEqual(
      {
        task: leaverCase.task, status: leaverCase.status, cause: leaverCase.cause, detectedAt: leaverCase.detectedAt, disabledAt: leaverCase.disabledAt,
        dueAt: leaverCase.dueAt, blockers: leaverCase.blockers, readyToEndDate: leaverCase.readyToEndDate, overdue: leaverCase.overdue,
      },
      {
        task: `End-date Lee Tester (${(await kit.db.selectFrom('workers').select('login_id').where('id', '=', s.leaver.id).executeTakeFirstOrThrow()).login_id})`,
        status: 'open', cause: 'directory_disabled', detectedAt, disabledAt: detectedAt,
        // Monday 14:00 UTC plus the default one business day.
        dueAt: '2026-03-03T14:00:00.000Z', blockers: { openCases: 2, openTodos: 1 }, readyToEndDate: false, overdue: false,
      },
    );
    const actions = await kit.db.selectFrom('audit_events').select('action').where('request_id', '=', response.headers.get('x-request-id')).orderBy('seq').execute();
    assert.deepEqual(actions.map((a) => a.action), ['worker.disabled', 'account.disabled', 'account.disabled', 'leaver_case.opened']);

    const detail = await kit.call('GET', `/api/v1/leaver-cases/${leaverCase.id}`, { token: s.auditor });
    assert.equal(detail.status, 200);
    assert.deepEqual(detail.body.openWorkItems.map((i: { id: string }) => i.id).sort(), [...s.leaverItems].sort());
  });

  it('does not open a second case when a disabled leaver is disabled again', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    await disableLeaver(kit, s);
    await kit.db.transaction().execute((trx) =>
      kit.services.leavers.openCasesInTransaction(trx, kit.system, { agencyId: s.agency.id, at: kit.clock.now().toISOString(), syncRunId: null, leavers: [{ workerId: s.leaver.id, cause: 'gone_from_directory' }] }),
    );
    const cases = await kit.db.selectFrom('leaver_cases').select('cause').where('worker_id', '=', s.leaver.id).execute();
    assert.deepEqual(cases, [{ cause: 'directory_disabled' }]);
  });

  it('refuses to end-date while a case or to-do is open, and end-dates every account the moment nothing is', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const { leaverCase } = await disableLeaver(kit, s);
    const refused = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/end-date`, { token: s.coordinator, body: { reason: 'Gone', version: leaverCase.version } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'account.open_work_items');
    assert.deepEqual(refused.body.error.details, { openCases: 2, openTodos: 1 });
    assert.deepEqual(await accountStatuses(kit, s.leaver.id), ['disabled:-', 'disabled:-']);

    const [first, second, todo] = s.leaverItems;
    for (const id of [first, second]) {
      const item = await kit.call('GET', `/api/v1/work-items/${id}`, { token: s.coordinator });
      await kit.call('POST', `/api/v1/work-items/${id}/reassign`, { token: s.coordinator, body: { ownerWorkerId: s.supervisor.id, reason: 'to the supervisor', version: item.body.version } });
    }
    const stillOne = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/end-date`, { token: s.coordinator, body: { reason: 'Gone', version: leaverCase.version } });
    assert.deepEqual([stillOne.status, stillOne.body.error.details], [409, { openCases: 0, openTodos: 1 }]);

    await kit.call('POST', `/api/v1/work-items/${todo}/close`, { token: s.coordinator, body: { reason: 'no longer needed' } });
    kit.clock.advance(2 * hourMs);
    const ready = await kit.call('GET', `/api/v1/leaver-cases/${leaverCase.id}`, { token: s.coordinator });
    assert.equal(ready.body.readyToEndDate, true);
    const ended = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/end-date`, { token: s.coordinator, body: { reason: 'Work reassigned; gone', version: ready.body.version } });
    assert.equal(ended.status, 200);
    assert.deepEqual([ended.body.status, ended.body.endDatedAt, ended.body.overdue], ['end_dated', kit.clock.now().toISOString(), false]);
    assert.deepEqual(await accountStatuses(kit, s.leaver.id), ['end_dated:2026-03-02', 'end_dated:2026-03-02']);
    const again = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/end-date`, { token: s.coordinator, body: { reason: 'Again', version: ended.body.version } });
    assert.deepEqual([again.status, again.body.error.code], [409, 'leaver_case.closed']);
  });

  it('proposes a plan spread over the unit workers who hold the function, fewest open items first', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const { leaverCase } = await disableLeaver(kit, s);
    const plan = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignment-plan`, { token: s.coordinator, body: { strategy: 'unit' } });
    assert.equal(plan.status, 200);
    const owners = plan.body.assignments.map((a: { ownerWorkerId: string }) => a.ownerWorkerId);
    // Ian (0 open) and Sam (0 open) share the load; Bea (2 open) gets nothing; the clerk and the disabled worker are never chosen.
    assert.deepEqual(owners, [s.idle.id, s.supervisor.id, s.idle.id]);
    assert.deepEqual(
      plan.body.candidates.map((c: { name: string; openItemsBefore: number; openItemsAfter: number }) => [c.name.split(' ')[0], c.openItemsBefore, c.openItemsAfter]),
      [['Bea', 2, 2], ['Ian', 0, 2], ['Sam', 0, 1]],
    );
    assert.deepEqual(plan.body.unassigned, []);

    const toSupervisor = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignment-plan`, { token: s.coordinator, body: { strategy: 'supervisor' } });
    assert.deepEqual(toSupervisor.body.assignments.map((a: { ownerWorkerId: string }) => a.ownerWorkerId), [s.supervisor.id, s.supervisor.id, s.supervisor.id]);
    const owned = await kit.db.selectFrom('work_items').select('owner_worker_id').where('id', 'in', s.leaverItems).execute();
    assert.ok(owned.every((o) => o.owner_worker_id === s.leaver.id), 'a proposal changes nothing');
  });

  it('leaves every item unassigned with the reason when the leaver has no enabled supervisor', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    await kit.db.updateTable('workers').set({ supervisor_id: s.disabled.id }).where('id', '=', s.leaver.id).execute();
    const { leaverCase } = await disableLeaver(kit, s);
    const plan = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignment-plan`, { token: s.coordinator, body: { strategy: 'supervisor' } });
    assert.equal(plan.body.assignments.length, 0);
    assert.equal(plan.body.unassigned.length, 3);
    assert.match(plan.body.unassigned[0].problem, /supervisor .* is disabled/);
  });

  it('applies an edited plan in one transaction, audited item by item, and refuses it whole when one assignment is wrong', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const { leaverCase } = await disableLeaver(kit, s);
    const plan = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignment-plan`, { token: s.coordinator, body: { strategy: 'unit' } });
    const edited = plan.body.assignments.map((a: { workItemId: string; ownerWorkerId: string }) => ({ workItemId: a.workItemId, ownerWorkerId: a.ownerWorkerId }));
    edited[2].ownerWorkerId = s.busy.id;

    const busyItem = await kit.db.selectFrom('work_items').select('id').where('owner_worker_id', '=', s.busy.id).executeTakeFirstOrThrow();
    const wrong = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignments`, {
      token: s.coordinator, body: { assignments: [...edited, { workItemId: busyItem.id, ownerWorkerId: s.idle.id }], reason: 'Spread over the unit', version: leaverCase.version },
    });
    assert.equal(wrong.status, 422);
    assert.deepEqual(wrong.body.error.details.map((d: { field: string }) => d.field), ['body.assignments.3.workItemId']);
    const untouched = await kit.db.selectFrom('work_items').select('owner_worker_id').where('id', 'in', s.leaverItems).execute();
    assert.ok(untouched.every((o) => o.owner_worker_id === s.leaver.id), 'nothing was reassigned');

    kit.clock.advance(3 * hourMs);
    const applied = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignments`, {
      token: s.coordinator, body: { assignments: edited, reason: 'Spread over the unit', version: leaverCase.version },
    });
    assert.equal(applied.status, 200);
    assert.deepEqual([applied.body.blockers, applied.body.readyToEndDate, applied.body.workReassignedAt], [{ openCases: 0, openTodos: 0 }, true, kit.clock.now().toISOString()]);
    const requestId = applied.headers.get('x-request-id') ?? '';
    const events = await kit.db.selectFrom('audit_events').select(['action', 'subject_id', 'after']).where('request_id', '=', requestId).orderBy('seq').execute();
    assert.deepEqual(events.map((e) => e.action), ['work_item.reassigned', 'work_item.reassigned', 'work_item.reassigned', 'leaver_case.work_items_reassigned', 'leaver_case.work_reassigned']);
    const moved = events.slice(0, 3).map((e) => [e.subject_id, (JSON.parse(e.after ?? '{}') as { ownerWorkerId: string }).ownerWorkerId]);
    assert.deepEqual(moved, edited.map((a: { workItemId: string; ownerWorkerId: string }) => [a.workItemId, a.ownerWorkerId]));

    const stale = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignments`, { token: s.coordinator, body: { assignments: edited, reason: 'again', version: leaverCase.version } });
    assert.deepEqual([stale.status, stale.body.error.code], [409, 'conflict.version']);
  });

  it('escalates a case once, when its end-date deadline passes, and lists it as overdue', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const { leaverCase } = await disableLeaver(kit, s);
    assert.deepEqual(await kit.services.leavers.processDeadlines(kit.clock.now()), { escalated: 0, closed: 0 });
    kit.clock.set('2026-03-03T14:00:01.000Z');
    assert.deepEqual(await kit.services.leavers.processDeadlines(kit.clock.now()), { escalated: 1, closed: 0 });
    assert.deepEqual(await kit.services.leavers.processDeadlines(kit.clock.now()), { escalated: 0, closed: 0 });

    const overdue = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/leaver-cases?overdue=true`, { token: s.coordinator });
    assert.deepEqual(overdue.body.items.map((c: { id: string; overdue: boolean; escalatedAt: string }) => [c.id, c.overdue, c.escalatedAt]), [[leaverCase.id, true, '2026-03-03T14:00:01.000Z']]);
    const escalation = await kit.db.selectFrom('audit_events').select(['actor_name', 'reason']).where('action', '=', 'leaver_case.escalated').executeTakeFirstOrThrow();
    assert.match(escalation.reason ?? '', /due at 2026-03-03T14:00:00.000Z/);
  });

  it('closes at the deadline, instead of escalating, a case whose accounts were end-dated one by one, as of the last end-date', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const { leaverCase } = await disableLeaver(kit, s);
    for (const id of s.leaverItems) await kit.call('POST', `/api/v1/work-items/${id}/close`, { token: s.coordinator, body: { reason: 'done' } });
    kit.clock.advance(hourMs);
    const accounts = await kit.db.selectFrom('accounts').select('id').where('worker_id', '=', s.leaver.id).execute();
    for (const { id } of accounts) {
      const ended = await kit.call('POST', `/api/v1/accounts/${id}/end-date`, { token: s.coordinator, body: { endDate: '2026-03-02', reason: 'Left' } });
      assert.equal(ended.status, 200, JSON.stringify(ended.body));
    }
    const lastEndDate = kit.clock.now().toISOString();
    kit.clock.set('2026-03-03T15:00:00.000Z');
    assert.deepEqual(await kit.services.leavers.processDeadlines(kit.clock.now()), { escalated: 0, closed: 1 });
    const closed = await kit.call('GET', `/api/v1/leaver-cases/${leaverCase.id}`, { token: s.coordinator });
    assert.deepEqual([closed.body.status, closed.body.endDatedAt, closed.body.overdue, closed.body.escalatedAt], ['end_dated', lastEndDate, false, null]);
  });

  it('escalates on the first timer tick a deadline that passed while no server ran', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    await disableLeaver(kit, s);
    kit.clock.set('2026-03-09T08:00:00.000Z');
    const timers = createTimers({
      leases: kit.services.leases, clock: kit.clock, logger: createLogger('silent'), owner: 'node-a',
      jobs: [{ name: 'leaver-deadlines', intervalMs: 60_000, run: (now) => kit.services.leavers.processDeadlines(now) }],
    });
    await timers.tick('leaver-deadlines');
    const row = await kit.db.selectFrom('leaver_cases').select('escalated_at').where('worker_id', '=', s.leaver.id).executeTakeFirstOrThrow();
    assert.equal(row.escalated_at, '2026-03-09T08:00:00.000Z');
  });

  it("counts the deadline in the agency's business days, skipping the weekend", async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const put = await kit.call('PUT', `/api/v1/agencies/${s.agency.id}/leaver-settings`, { token: s.coordinator, body: { endDateBusinessDays: 2 } });
    assert.deepEqual([put.status, put.body.endDateBusinessDays], [200, 2]);
    const auditorPut = await kit.call('PUT', `/api/v1/agencies/${s.agency.id}/leaver-settings`, { token: s.auditor, body: { endDateBusinessDays: 5 } });
    assert.equal(auditorPut.status, 403);
    kit.clock.set('2026-03-06T16:00:00.000Z');
    const { leaverCase } = await disableLeaver(kit, s);
    assert.equal(leaverCase.dueAt, '2026-03-10T16:00:00.000Z');
  });

  it('closes the case as cancelled when the leaver is enabled again before end-dating', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const { leaverCase } = await disableLeaver(kit, s);
    kit.clock.advance(hourMs);
    const enabled = await kit.call('POST', `/api/v1/workers/${s.leaver.id}/enable`, { token: s.lanAdmin, body: { reason: 'Disabled by mistake' } });
    assert.equal(enabled.status, 200);
    const closed = await kit.call('GET', `/api/v1/leaver-cases/${leaverCase.id}`, { token: s.coordinator });
    assert.deepEqual([closed.body.status, closed.body.cancelledAt], ['cancelled', kit.clock.now().toISOString()]);
    const queue = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/leaver-cases`, { token: s.coordinator });
    assert.deepEqual(queue.body.items, []);
    const plan = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignment-plan`, { token: s.coordinator, body: {} });
    assert.deepEqual([plan.status, plan.body.error.code], [409, 'leaver_case.closed']);
  });

  it('lets an auditor read the queue but not act on it, and hides another agency\'s cases', async () => {
    const kit = createTestKit(current());
    const s = await setup(kit);
    const { leaverCase } = await disableLeaver(kit, s);
    const read = await kit.call('GET', `/api/v1/agencies/${s.agency.id}/leaver-cases`, { token: s.auditor });
    assert.equal(read.body.items.length, 1);
    const act = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignment-plan`, { token: s.auditor, body: { strategy: 'unit' } });
    assert.equal(act.status, 403);
    const other = await createAgency(kit, 'ERIE');
    const stranger = await kit.tokenFor('security_coordinator', other.id);
    const hidden = await kit.call('GET', `/api/v1/leaver-cases/${leaverCase.id}`, { token: stranger });
    assert.deepEqual([hidden.status, hidden.body.error.code], [404, 'leaver_case.not_found']);
    const unknown = await kit.call('POST', `/api/v1/leaver-cases/${leaverCase.id}/reassignments`, {
      token: s.coordinator, body: { assignments: [{ workItemId: s.leaverItems[0], ownerWorkerId: s.idle.id }], reason: 'x', version: 1, extra: true },
    });
    assert.deepEqual([unknown.status, unknown.body.error.details[0].field], [400, 'body.extra']);
  });
});
