import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { registerAuditCommands } from './cli/audit.command.ts';
import { registerDemoCommand } from './cli/demo.command.ts';
import { registerDirectoryCommands } from './cli/directory.command.ts';
import { registerMigrateCommand } from './cli/migrate.command.ts';
import { registerPolicyCommands } from './cli/policy.command.ts';
import { registerScimCommands } from './cli/scim.command.ts';
import { registerServeCommand } from './cli/serve.command.ts';
import { registerSyncCommands } from './cli/sync.command.ts';
import { registerTokenCommands } from './cli/token.command.ts';
import { AppError } from './shared/errors.ts';

const program = new Command()
  .name('gatehouse')
  .description('Account provisioning and access governance. Configuration comes from the environment; see the README.')
  .showHelpAfterError('(run gatehouse --help for usage)')
  .exitOverride();

registerServeCommand(program);
registerMigrateCommand(program);
registerDemoCommand(program);
registerTokenCommands(program);
registerAuditCommands(program);
registerSyncCommands(program);
registerDirectoryCommands(program);
registerPolicyCommands(program);
registerScimCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof AppError || error instanceof InvalidArgumentError) {
    console.error(`error: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof Error ? `error: ${error.message}` : error);
    process.exitCode = 1;
  }
}
