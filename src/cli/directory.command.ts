import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import type { DirectoryImportResult } from '../domain/workers/directory-import.service.ts';
import { AppError } from '../shared/errors.ts';
import type { DirectoryProblem, DirectoryRecord } from '../sync/directory-record.ts';
import { readCsvDirectory } from '../sync/sources/csv/csv-source.ts';
import { csvSourceConfigSchema } from '../sync/sources/csv/csv-source.schemas.ts';
import { parseText } from './cli-parsers.ts';
import { openRuntime } from './runtime.ts';

function printProblems(problems: DirectoryProblem[]): void {
  for (const problem of problems.slice(0, 50)) console.error(`  ${problem.ref}: ${problem.reason}`);
  if (problems.length > 50) console.error(`  … and ${problems.length - 50} more`);
}

function printResult(file: string, result: DirectoryImportResult): void {
  console.log(`${result.dryRun ? 'Dry run (nothing changed): ' : ''}imported ${file}: ${result.records} records`);
  console.log(`  registered ${result.registered} | updated ${result.updated} | disabled ${result.disabled} | enabled ${result.enabled} | unchanged ${result.unchanged} | skipped ${result.skipped.length}`);
  if (result.skipped.length > 0) printProblems(result.skipped);
}

export function registerDirectoryCommands(program: Command): void {
  const directory = program.command('directory').description("The agency's built-in directory");
  directory
    .command('import')
    .description('Register and change built-in directory workers from a CSV file (the columns of a CSV source); workers the file leaves out are not touched')
    .argument('<file>', 'CSV file: external_id, login_id, first_name, last_name, email, unit_code, job_type, supervisor_external_id, enabled, hire_date, termination_date')
    .requiredOption('--agency <agency>', 'agency code or id')
    .option('--dry-run', 'check the file and print what would change; change nothing')
    .option('--skip-invalid', 'import the valid rows of a file that has invalid ones')
    .option('--reason <text>', 'why, for the audit log', parseText(500))
    .action(async (file: string, options: { agency: string; dryRun?: boolean; skipInvalid?: boolean; reason?: string }) => {
      if (!existsSync(file)) throw new Error(`No file at ${file}.`);
      const records: DirectoryRecord[] = [];
      const invalid: DirectoryProblem[] = [];
      for await (const batch of readCsvDirectory(file, csvSourceConfigSchema.parse({}))) {
        records.push(...batch.records);
        invalid.push(...batch.problems);
      }
      if (invalid.length > 0 && !options.skipInvalid) {
        console.error(`error: ${invalid.length} rows of ${file} are invalid, so nothing was imported; fix them, or leave them out with --skip-invalid:`);
        printProblems(invalid);
        process.exitCode = 2;
        return;
      }
      const runtime = await openRuntime({ logLevel: 'warn' });
      try {
        const agency = await runtime.services.agencies.resolve(runtime.cliContext, options.agency);
        const result = await runtime.services.directoryImport.importRecords(runtime.cliContext, agency.id, records, {
          dryRun: options.dryRun, skipInvalid: options.skipInvalid, reason: options.reason ?? `directory import of ${file}`,
        });
        printResult(file, { ...result, skipped: [...invalid, ...result.skipped] });
      } catch (error) {
        if (!(error instanceof AppError) || !Array.isArray(error.details)) throw error;
        console.error(`error: ${error.message}`);
        printProblems((error.details as { field: string; message: string }[]).map((d) => ({ ref: d.field, reason: d.message })));
        process.exitCode = 2;
      } finally {
        await runtime.close();
      }
    });
}
