import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { createTestKit } from '../../../test/helpers/kit.ts';
import { setUpCaseworker } from '../../../test/helpers/lifecycle.ts';

// testStart is Monday 2026-03-02 14:00Z.
describeEachDatabase('lifecycle proof for auditors', (current) => {
  it("shows a mover's removal and a leave's disable and return on the worker's timeline, in order", async () => {
    const kit = createTestKit(current());
    const s = await setUpCaseworker(kit);
    await kit.call('PATCH', `/api/v1/workers/${s.worker}`, { token: s.tokens.lanAdmin, body: { jobType: 'preventive_caseworker', reason: 'Transferred to preventive services' } });
    await kit.services.movers.processMoverEvents(kit.clock.now());
    const leave = await kit.call('POST', `/api/v1/workers/${s.worker}/leaves`, { token: s.tokens.lanAdmin, body: { startsOn: '2026-03-04', returnsOn: '2026-03-09', reason: 'Parental leave' } });
    assert.equal(leave.status, 201, JSON.stringify(leave.body));
    kit.clock.set('2026-03-04T05:00:00.000Z');
    await kit.services.leaves.processDue(kit.clock.now());
    kit.clock.set('2026-03-09T05:00:00.000Z');
    await kit.services.leaves.processDue(kit.clock.now());

    const timeline = await kit.call('GET', `/api/v1/workers/${s.worker}/lifecycle-timeline`, { token: s.tokens.coordinatorA });
    assert.equal(timeline.status, 200, JSON.stringify(timeline.body));
    const audited = timeline.body.entries.filter((e: { source: string }) => e.source === 'audit') as { event: string; at: string }[];
    const events = audited.map((e) => e.event);
    const order = ['worker.updated', 'grant.revoked', 'account.disabled', 'account.enabled'].map((event) => events.indexOf(event));
    assert.ok(order.every((at) => at >= 0), `missing from the timeline: ${events.join(', ')}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'the steps appear oldest first');
    assert.ok(audited.some((e) => e.event === 'account.disabled' && e.at === '2026-03-04T05:00:00.000Z'));
    assert.ok(audited.some((e) => e.event === 'account.enabled' && e.at === '2026-03-09T05:00:00.000Z'));
  });
});
