import { type Command, Option } from 'commander';
import { openRuntime } from './runtime.ts';

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description("An agency's account-management process and approval policy");
  policy
    .command('show')
    .description("Print the agency's whole account-management process as Markdown, generated from the configuration in force")
    .addOption(new Option('--agency <agency>', 'agency code or id').makeOptionMandatory())
    .action(async (options: { agency: string }) => {
      const runtime = await openRuntime({ logLevel: 'warn' });
      try {
        console.log(await runtime.services.approvals.describeProcess(runtime.cliContext, options.agency));
      } finally {
        await runtime.close();
      }
    });
}
