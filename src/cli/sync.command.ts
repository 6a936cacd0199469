import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import type { SyncRun } from '../sync/engine/sync-runs.repo.ts';
import { sourceKinds } from '../sync/sources/sources.schemas.ts';
import { parseJsonObject, parseText } from './cli-parsers.ts';
import { openRuntime } from './runtime.ts';

function printRun(run: SyncRun): void {
  const c = run.counts;
  console.log(`Sync run ${run.id}: ${run.status}${run.dryRun ? ' (dry run: nothing changed)' : ''}`);
  console.log(
    `  records ${c.records ?? 0} | unchanged ${c.unchanged ?? 0} | joiners ${c.joiners ?? 0} | updates ${c.updates ?? 0} (movers ${c.movers ?? 0}) | ` +
      `disables ${c.disables ?? 0} (gone ${c.gone ?? 0}) | enables ${c.enables ?? 0} | repairs ${c.repairs ?? 0} | conflicts ${c.conflicts ?? 0} | invalid ${c.invalid ?? 0} | applied ${c.applied ?? 0}`,
  );
  for (const problem of run.problems.slice(0, 10)) console.log(`  problem: ${problem.ref}: ${problem.reason}`);
  if (run.problems.length > 10) console.log(`  … and ${run.problems.length - 10} more problems (GET /api/v1/sync/runs/${run.id})`);
  if (run.planFile) console.log(`  full plan: ${run.planFile}`);
  if (run.error) console.error(`  ${run.error}`);
}

export function registerSyncCommands(program: Command): void {
  program
    .command('sync')
    .description('Reconcile a directory source with Gatehouse now (the nightly run, on demand)')
    .requiredOption('--agency <agency>', 'agency code or id')
    .requiredOption('--source <source>', 'source name or id')
    .option('--file <path>', 'read this CSV file instead of the source\'s configured path')
    .option('--dry-run', 'print the plan and write it as JSON lines; change nothing')
    .option('--confirm', 'go ahead although the run disables more workers than the safety threshold')
    .option('--skip-invalid', 'apply the valid rows of a file that has invalid ones')
    .action(async (options: { agency: string; source: string; file?: string; dryRun?: boolean; confirm?: boolean; skipInvalid?: boolean }) => {
      if (options.file && !existsSync(options.file)) throw new Error(`No file at ${options.file}.`);
      const runtime = await openRuntime({ logLevel: 'warn' });
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'syncing [{bar}] {percentage}% | {value}/{total} changes | {eta}s left' }) : null;
      let started = false;
      try {
        const agency = await runtime.services.agencies.resolve(runtime.cliContext, options.agency);
        const source = await runtime.services.sources.resolve(runtime.cliContext, agency.id, options.source);
        const run = await runtime.services.sync.run(runtime.cliContext, source.id, {
          input: options.file, dryRun: options.dryRun, confirm: options.confirm, skipInvalid: options.skipInvalid,
          onProgress: (applied, total) => {
            if (!bar) return;
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(applied);
          },
        });
        bar?.stop();
        printRun(run);
        if (run.status === 'failed' || run.status === 'stopped_threshold') process.exitCode = 1;
      } finally {
        bar?.stop();
        await runtime.close();
      }
    });

  const source = program.command('source').description('Directory sources of an agency');
  source
    .command('add')
    .description('Add a directory source (csv, ldap, scim or builtin)')
    .requiredOption('--agency <agency>', 'agency code or id')
    .requiredOption('--name <name>', 'a short name, e.g. hr-feed', parseText(100))
    .addOption(new Option('--kind <kind>', 'where the workers come from').choices(sourceKinds).makeOptionMandatory())
    .option('--config <json>', 'settings as a JSON object', parseJsonObject)
    .option('--config-file <path>', 'settings from a JSON file')
    .option('--schedule <cron>', 'when the nightly run happens', '0 2 * * *')
    .action(async (options: { agency: string; name: string; kind: (typeof sourceKinds)[number]; config?: Record<string, unknown>; configFile?: string; schedule: string }) => {
      const config = options.configFile ? parseJsonObject(readFileSync(options.configFile, 'utf8')) : (options.config ?? {});
      const runtime = await openRuntime({ logLevel: 'warn' });
      try {
        const agency = await runtime.services.agencies.resolve(runtime.cliContext, options.agency);
        const created = await runtime.services.sources.create(runtime.cliContext, agency.id, {
          name: options.name, kind: options.kind, config, schedule: options.schedule, enabled: true,
        });
        console.log(`Source ${created.name} (${created.kind}) added to ${agency.code}: ${created.id}`);
      } finally {
        await runtime.close();
      }
    });
  source
    .command('list')
    .description('List directory sources')
    .option('--agency <agency>', 'agency code or id')
    .action(async (options: { agency?: string }) => {
      const runtime = await openRuntime({ logLevel: 'warn' });
      try {
        const agency = options.agency ? await runtime.services.agencies.resolve(runtime.cliContext, options.agency) : undefined;
        for (const s of await runtime.services.sources.list(runtime.cliContext, agency?.id)) {
          console.log(`${s.id}  ${s.name}  ${s.kind}  schedule "${s.schedule}"${s.enabled ? '' : '  (disabled)'}`);
        }
      } finally {
        await runtime.close();
      }
    });
}
