import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AccountFacts } from '../src/connectors/account-view.repo.ts';
import { buildAccountView, instantDateBegins } from '../src/connectors/account-view.ts';
import { parseRetryAfter } from '../src/connectors/scim-client/scim-http.ts';
import { retryDelayMs } from '../src/outbox/deliverer.ts';
import { enqueueAccountChanges } from '../src/outbox/outbox.ts';
import * as outbox from '../src/outbox/outbox.repo.ts';
import { describeEachDatabase } from './helpers/databases.ts';
import { createTestKit, type TestKit } from './helpers/kit.ts';

async function openAccounts(kit: TestKit) {
  const ctx = kit.system;
  const agency = await kit.services.agencies.create(ctx, { code: 'MONROE', name: 'Monroe', kind: 'district', timeZone: 'America/New_York' });
  const scim = await kit.services.applications.create(ctx, { code: 'HR_PORTAL', name: 'HR', kind: 'scim', config: { baseUrl: 'https://hr.example.org/scim/v2', tokenEnv: 'HR_TOKEN' } });
  const builtin = await kit.services.applications.create(ctx, { code: 'LEGACY', name: 'Legacy', kind: 'builtin', config: {} });
  const worker = await kit.services.workers.register(ctx, agency.id, {
    loginId: 'jdoe01', firstName: 'Jane', lastName: 'Doe', email: null, unitId: agency.holdingUnitId, jobType: 'cps_caseworker', enabled: true,
  });
  const scimAccount = await kit.services.accounts.open(ctx, { workerId: worker.id, applicationId: scim.id });
  // Registration opened the account in the built-in application.
  const builtinAccount = (await kit.services.accounts.listForWorker(ctx, worker.id, { limit: 10 })).items.find((a) => a.applicationId === builtin.id);
  assert.ok(builtinAccount);
  return { ctx, agency, worker, scimAccount, builtinAccount };
}

async function rows(kit: TestKit) {
  return kit.db.selectFrom('outbox').selectAll().execute();
}

describeEachDatabase('the outbox', (current) => {
  it('holds one pending row per account of a SCIM application, however many changes come, and none for other applications', async () => {
    const kit = createTestKit(current());
    const { ctx, worker, scimAccount } = await openAccounts(kit);
    await kit.services.accounts.disable(ctx, scimAccount.id, 'on leave');
    await kit.services.accounts.enable(ctx, scimAccount.id, 'back');
    await kit.services.workers.update(ctx, worker.id, { lastName: 'Smith', reason: 'married' });
    const written = await rows(kit);
    assert.equal(written.length, 1);
    assert.equal(written[0]!.account_id, scimAccount.id);
    assert.equal(written[0]!.generation, 4);
    assert.equal(written[0]!.reason, 'worker.updated');
  });

  it('writes nothing when the transaction that made the change rolls back', async () => {
    const kit = createTestKit(current());
    const { scimAccount } = await openAccounts(kit);
    await kit.db.deleteFrom('outbox').execute();
    await assert.rejects(
      kit.db.transaction().execute(async (trx) => {
        await enqueueAccountChanges(trx, [scimAccount.id], 'account.disabled', kit.clock.now().toISOString());
        throw new Error('the change failed');
      }),
    );
    assert.deepEqual(await rows(kit), []);
  });

  it('lets exactly one of two deliverers claim each due row', async () => {
    const kit = createTestKit(current());
    const { scimAccount } = await openAccounts(kit);
    const now = kit.clock.now().toISOString();
    const claim = (owner: string) => outbox.claimDue(kit.db, { applicationId: scimAccount.applicationId, now, limit: 10, owner, leaseUntil: '2099-01-01T00:00:00.000Z' });
    const [first, second] = await Promise.all([claim('node-a'), claim('node-b')]);
    assert.equal(first.length + second.length, 1);
    assert.deepEqual(await claim('node-c'), [], 'a leased row is not claimed again');
  });

  it('keeps a change written while its delivery is in flight, and makes it due again', async () => {
    const kit = createTestKit(current());
    const { ctx, scimAccount } = await openAccounts(kit);
    const now = kit.clock.now().toISOString();
    const [claimed] = await outbox.claimDue(kit.db, { applicationId: scimAccount.applicationId, now, limit: 1, owner: 'node-a', leaseUntil: '2099-01-01T00:00:00.000Z' });
    await kit.services.accounts.disable(ctx, scimAccount.id, 'left');
    await outbox.completeDelivery(kit.db, claimed!, 'node-a');
    const [row] = await rows(kit);
    assert.equal(row?.status, 'pending');
    assert.equal(row?.lease_owner, null);
    assert.equal(row?.reason, 'account.disabled');
  });

  it('keeps the earlier due time and its reason, and turns a failed row into a fresh pending one on the next change', async () => {
    const kit = createTestKit(current());
    const { ctx, scimAccount } = await openAccounts(kit);
    const target = { accountId: scimAccount.id, applicationId: scimAccount.applicationId, agencyId: scimAccount.agencyId };
    const now = kit.clock.now().toISOString();
    const opened = (await rows(kit))[0]?.reason;
    await outbox.upsertPending(kit.db, [target], 'scheduled', '2099-01-01T00:00:00.000Z', now);
    assert.deepEqual([(await rows(kit))[0]?.due_at, (await rows(kit))[0]?.reason], [now, opened]);
    const [claimed] = await outbox.claimDue(kit.db, { applicationId: target.applicationId, now, limit: 1, owner: 'node-a', leaseUntil: '2099-01-01T00:00:00.000Z' });
    await outbox.failDelivery(kit.db, claimed!, 'node-a', { error: 'PATCH /Users/1 answered 400: bad', now });
    assert.equal((await rows(kit))[0]?.status, 'failed');
    kit.clock.advance(60_000);
    await kit.services.accounts.disable(ctx, scimAccount.id, 'left');
    const [row] = await rows(kit);
    assert.deepEqual([row?.status, row?.attempts, row?.due_at], ['pending', 0, kit.clock.now().toISOString()]);
  });
});

describe('delivery timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-03-02T14:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Mon, 02 Mar 2026 14:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(null, now), null);
  });

  it('backs off exponentially with jitter, between half and all of the step, up to the cap', () => {
    const settings = { retryBaseMs: 1000, retryMaxMs: 60_000 };
    assert.equal(retryDelayMs(1, settings, () => 0), 500);
    assert.equal(retryDelayMs(3, settings, () => 1), 4000);
    assert.equal(retryDelayMs(20, settings, () => 1), 60_000);
  });

  const facts: AccountFacts = {
    accountId: 'a', applicationId: 'app', agencyId: 'g', agencyCode: 'MONROE', timeZone: 'America/New_York', workerId: 'w', loginId: 'jdoe01',
    firstName: 'Jane', lastName: 'Doe', email: null, externalId: null, jobType: 'cps_caseworker', workerEnabled: true, leaveStart: '2026-03-09',
    leaveReturn: null, unitCode: 'N01', unitName: 'Holding', status: 'active', endDate: null,
  };

  it('finds when a calendar day begins in the agency time zone, across a daylight-saving change', () => {
    assert.equal(instantDateBegins('2026-03-02', 'America/New_York').toISOString(), '2026-03-02T05:00:00.000Z');
    assert.equal(instantDateBegins('2026-03-09', 'America/New_York').toISOString(), '2026-03-09T04:00:00.000Z');
  });

  it('sees the next change of an account that happens by itself: a grant ending, then leave starting', () => {
    const grant = { accountId: 'a', code: 'CPS CASEWORKER', grantedAt: '2026-03-01T00:00:00.000Z', validFrom: '2026-03-01T00:00:00.000Z', validTo: '2026-03-05T12:00:00.000Z' };
    const view = buildAccountView(facts, [grant], new Date('2026-03-02T14:00:00Z'));
    assert.deepEqual([view.active, view.functionCodes, view.nextChangeAt], [true, ['CPS CASEWORKER'], '2026-03-05T12:00:00.000Z']);
    const later = buildAccountView(facts, [grant], new Date('2026-03-06T00:00:00Z'));
    assert.deepEqual([later.functionCodes, later.nextChangeAt], [[], '2026-03-09T04:00:00.000Z']);
    assert.equal(buildAccountView(facts, [], new Date('2026-03-09T04:00:00Z')).active, false, 'on leave from its first day');
  });
});
