import { type Command, InvalidArgumentError } from 'commander';
import { performance } from 'node:perf_hooks';
import { type DemoSummary, loadDemo } from '../demo/demo-loader.ts';
import { openRuntime } from './runtime.ts';

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d{1,10}$/.test(value.trim()) || seed > 2 ** 31) throw new InvalidArgumentError('give the seed as a whole number from 0 to 2147483648.');
  return seed;
}

/** The demo's agencies, states, counts and tokens, as an operator reads them. */
export function formatDemoSummary(summary: DemoSummary): string {
  const states = Object.entries(summary.workersByState).map(([state, count]) => `${state.replace(/_/g, ' ')} ${count}`).join(', ');
  const lines = [
    `Demo data loaded (seed ${summary.seed}; dates relative to ${summary.today}):`,
    ...summary.agencies.map((a) => `  ${a.code.padEnd(8)} ${a.name}: ${a.units} units with N01, ${a.workers} workers`),
    `  Workers by state: ${states}.`,
    `  Grants: ${summary.grants.given} given, ${summary.grants.revoked} revoked when their holders left. Work items: ${summary.workItems.open} open, ${summary.workItems.closed} closed.`,
    '',
    'API tokens, one per role (shown only now; Gatehouse keeps their hashes):',
    ...summary.tokens.map((t) => `  ${t.role.padEnd(20)} ${(t.agencyCode ?? 'statewide').padEnd(9)} ${t.token}  ${t.name}`),
  ];
  return lines.join('\n');
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Load the demo agencies CEDAR and HARBOR (about 200 workers in every lifecycle state) and print a token per role')
    .option('--seed <n>', 'seed of the generated people and dates (default: GATEHOUSE_DEMO_SEED, else 42)', parseSeed)
    .action(async (options: { seed?: number }) => {
      const runtime = await openRuntime({ logLevel: 'warn' });
      try {
        const started = performance.now();
        const summary = await loadDemo(runtime.services, runtime.handle.db, runtime.clock, { seed: options.seed ?? runtime.config.demoSeed });
        console.log(formatDemoSummary(summary));
        console.log(`\nLoaded in ${((performance.now() - started) / 1000).toFixed(1)} s into the ${runtime.handle.kind} database.`);
      } finally {
        await runtime.close();
      }
    });
}
