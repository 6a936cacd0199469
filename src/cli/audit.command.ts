import type { Command } from 'commander';
import { openRuntime } from './runtime.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The hash-chained audit log');
  audit
    .command('verify')
    .description('Check every link of the audit chain; exits 1 at the first broken link')
    .action(async () => {
      const runtime = await openRuntime({ logLevel: 'warn' });
      try {
        const result = await runtime.services.audit.verify();
        if (result.ok) {
          console.log(`Audit chain intact: ${result.eventsChecked} events verified.`);
        } else {
          console.error(`Audit chain BROKEN at event ${result.firstBreak?.seq}: ${result.firstBreak?.problem}. ${result.eventsChecked} events before it verified.`);
          process.exitCode = 1;
        }
      } finally {
        await runtime.close();
      }
    });
}
