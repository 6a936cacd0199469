import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test/helpers/databases.ts';
import { type TestKit, createTestKit } from '../../test/helpers/kit.ts';
import { AppError } from '../shared/errors.ts';
import { demoCoverageId, demoImportId, loadDemo } from './demo-loader.ts';
import { type DemoLifecycleState, type PlannedWorker, demoLifecycleStates, planDemo } from './demo-plan.ts';

const seed = 7;

async function load(kit: TestKit) {
  const summary = await loadDemo(kit.services, kit.db, kit.clock, { seed });
  const plan = planDemo(seed, summary.today);
  const workers = plan.agencies.flatMap((a) => a.workers);
  /** The planned worker in a state, with its database id and account. */
  async function someone(state: DemoLifecycleState, where: (w: PlannedWorker) => boolean = () => true) {
    const planned = workers.find((w) => w.state === state && where(w));
    assert.ok(planned, `the plan has a ${state} worker`);
    const row = await kit.db.selectFrom('workers').select('id').where('login_id', '=', planned.loginId).executeTakeFirstOrThrow();
    const account = await kit.db.selectFrom('accounts').selectAll().where('worker_id', '=', row.id).executeTakeFirstOrThrow();
    return { planned, id: row.id, account };
  }
  return { summary, plan, workers, someone };
}

describeEachDatabase('demo loader', (current) => {
  it('loads two agencies with about 200 workers in every lifecycle state, audited, and refuses to load them twice', async () => {
    const kit = createTestKit(current());
    const { summary, workers } = await load(kit);
    assert.deepEqual(summary.agencies.map((a) => a.code), ['CEDAR', 'HARBOR']);
    const workerCount = await kit.db.selectFrom('workers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(workerCount.n), workers.length);
    assert.ok(workers.length >= 180 && workers.length <= 220, `about 200 workers, got ${workers.length}`);
    for (const state of demoLifecycleStates) assert.ok(summary.workersByState[state] > 0, `some workers are ${state}`);
    assert.equal(summary.workersByState.joiner, 12);
    assert.equal(summary.workersByState.mover, 4);

    const items = await kit.db.selectFrom('work_items').select(['kind', 'status', 'reference']).execute();
    assert.equal(items.filter((i) => i.status === 'open').length, summary.workItems.open);
    assert.equal(items.filter((i) => i.status === 'closed').length, summary.workItems.closed);
    assert.ok(summary.workItems.open > summary.workItems.closed);
    assert.ok(items.some((i) => i.kind === 'todo'));
    assert.ok(items.filter((i) => i.kind === 'case').every((i) => /^C-\d{4}-\d{6}$/.test(i.reference)));
    assert.deepEqual(summary.tokens.map((t) => `${t.role}:${t.agencyCode ?? '-'}`).sort(), [
      'auditor:CEDAR', 'auditor:HARBOR', 'lan_admin:CEDAR', 'lan_admin:HARBOR', 'security_coordinator:CEDAR', 'security_coordinator:HARBOR',
      'state_admin:-', 'worker:CEDAR', 'worker:HARBOR',
    ]);

    const verification = await kit.services.audit.verify();
    assert.equal(verification.ok, true);
    assert.ok(verification.eventsChecked > 1000);

    await assert.rejects(loadDemo(kit.services, kit.db, kit.clock, { seed }), (error: unknown) => error instanceof AppError && error.code === 'demo.already_loaded');
  });

  it('loads exactly the plan of its seed, which is the same every time', async () => {
    const kit = createTestKit(current());
    const { summary, workers } = await load(kit);
    const accountStatus: Record<DemoLifecycleState, string> = {
      active: 'active', joiner: 'active', returned: 'active', mover: 'active', leaving: 'active', on_leave: 'disabled', disabled_leaver: 'disabled', end_dated: 'end_dated',
    };
    const expected = workers
      .map((w) => ({
        login_id: w.loginId, job_type: w.jobType, enabled: w.state === 'disabled_leaver' || w.state === 'end_dated' ? 0 : 1, hire_date: w.hireDate,
        leave_start: w.leaveStart, leave_return: w.leaveReturn, termination_date: w.terminationDate, status: accountStatus[w.state],
        account_unit: w.state === 'joiner' ? 'N01' : w.unitCode,
      }))
      .sort((a, b) => a.login_id.localeCompare(b.login_id));
    const loaded = await kit.db
      .selectFrom('workers as w')
      .innerJoin('accounts as a', 'a.worker_id', 'w.id')
      .innerJoin('units as u', 'u.id', 'a.unit_id')
      .select(['w.login_id', 'w.job_type', 'w.enabled', 'w.hire_date', 'w.leave_start', 'w.leave_return', 'w.termination_date', 'a.status', 'u.code as account_unit'])
      .execute();
    assert.deepEqual(loaded.sort((a, b) => a.login_id.localeCompare(b.login_id)), expected);
    assert.deepEqual(planDemo(seed, summary.today), planDemo(seed, summary.today));
    const logins = (s: number) => planDemo(s, summary.today).agencies.flatMap((a) => a.workers.map((w) => w.loginId));
    assert.notDeepEqual(logins(seed + 1), logins(seed));
  });

  it('keeps joiners in N01 without grants, and blocks end-dating a leaver who still owns open cases', async () => {
    const kit = createTestKit(current());
    const { summary, workers, someone } = await load(kit);
    const joinerLogins = workers.filter((w) => w.state === 'joiner').map((w) => w.loginId);
    const joiners = await kit.db
      .selectFrom('workers as w')
      .innerJoin('accounts as a', 'a.worker_id', 'w.id')
      .innerJoin('units as u', 'u.id', 'a.unit_id')
      .leftJoin('grants as g', 'g.account_id', 'a.id')
      .select(['u.code', 'u.is_holding', 'a.status', 'g.id as grantId'])
      .where('w.login_id', 'in', joinerLogins)
      .execute();
    assert.equal(joiners.length, summary.workersByState.joiner);
    assert.ok(joiners.every((j) => j.code === 'N01' && j.is_holding === 1 && j.status === 'active' && j.grantId === null));

    const leaver = await someone('disabled_leaver');
    assert.equal(leaver.account.status, 'disabled');
    const openItems = await kit.db.selectFrom('work_items').select('id').where('owner_worker_id', '=', leaver.id).where('status', '=', 'open').execute();
    assert.ok(openItems.length > 0);
    await assert.rejects(
      kit.services.accounts.endDate(kit.system, leaver.account.id, { endDate: summary.today, reason: 'left' }),
      (error: unknown) => error instanceof AppError && error.code === 'account.open_work_items',
    );

    const gone = await someone('end_dated');
    assert.equal(gone.account.status, 'end_dated');
    const stillOwned = await kit.db.selectFrom('work_items').select('id').where('owner_worker_id', '=', gone.id).where('status', '=', 'open').execute();
    assert.deepEqual(stillOwned, []);
  });

  it('gives an active caseworker their template, a worker on leave nothing, a colleague coverage, and a mover access beyond the new template', async () => {
    const kit = createTestKit(current());
    const { plan, someone } = await load(kit);
    const caseworker = await someone('active', (w) => w.jobType === 'cps_caseworker');
    const access = await kit.services.access.effectiveAccess(kit.system, caseworker.id, 'CONNECTIONS');
    assert.equal(access.active, true);
    assert.deepEqual(access.functions.map((f) => f.code), ['CPS CASEWORKER']);
    assert.deepEqual(access.functions.map((f) => f.provenance), [{ kind: 'import', id: demoImportId }]);
    assert.deepEqual(access.units.map((u) => u.code), [caseworker.planned.unitCode]);

    const coverage = plan.agencies[0]?.coverage;
    assert.ok(coverage);
    const absent = await someone('on_leave', (w) => w.loginId === coverage.absentLoginId);
    const away = await kit.services.access.effectiveAccess(kit.system, absent.id, 'CONNECTIONS');
    assert.equal(away.active, false);
    assert.deepEqual(away.functions, []);
    assert.ok(away.reasons.includes('on_leave'));

    const covering = await someone('active', (w) => w.loginId === coverage.coveringLoginId);
    const covered = await kit.services.access.effectiveAccess(kit.system, covering.id, 'CONNECTIONS');
    assert.ok(covered.units.some((u) => u.code === coverage.unitCode && u.via === 'hierarchy'));
    const grant = await kit.db.selectFrom('grants').selectAll().where('provenance_kind', '=', 'coverage').executeTakeFirstOrThrow();
    assert.equal(grant.provenance_id, demoCoverageId);
    assert.equal(grant.valid_to?.slice(0, 10), absent.planned.leaveReturn);

    const mover = await someone('mover');
    const worker = await kit.services.workers.get(kit.system, mover.id);
    assert.equal(worker.jobType, 'preventive_caseworker');
    const templates = await kit.services.templates.listForAgency(kit.system, worker.agencyId, { limit: 100 });
    const template = templates.items.find((t) => t.jobType === 'preventive_caseworker');
    assert.ok(template);
    const moverAccess = await kit.services.access.effectiveAccess(kit.system, mover.id, 'CONNECTIONS');
    const cps = moverAccess.functions.find((f) => f.code === 'CPS CASEWORKER');
    assert.ok(cps, 'the mover still holds CPS CASEWORKER');
    assert.equal(template.functionIds.includes(cps.functionId), false);
    assert.ok(moverAccess.functions.some((f) => f.code === 'PREVENTIVE CASEWORKER'));
  });
});
