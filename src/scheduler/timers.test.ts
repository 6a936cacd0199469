import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test/helpers/databases.ts';
import { createTestKit } from '../../test/helpers/kit.ts';
import { createLogger } from '../shared/logger.ts';
import { createTimers } from './timers.ts';

describeEachDatabase('timers', (current) => {
  it('runs a due job on one node only, and on another once the first stops renewing', async () => {
    const kit = createTestKit(current());
    const runs: string[] = [];
    const node = (name: string) =>
      createTimers({
        leases: kit.services.leases, clock: kit.clock, logger: createLogger('silent'), owner: name,
        jobs: [{ name: 'deadlines', intervalMs: 60_000, run: () => Promise.resolve(runs.push(name)) }],
      });
    const a = node('node-a');
    const b = node('node-b');
    await a.tick('deadlines');
    await b.tick('deadlines');
    assert.deepEqual(runs, ['node-a']);
    kit.clock.advance(121_000);
    await b.tick('deadlines');
    assert.deepEqual(runs, ['node-a', 'node-b']);
  });
});
