import type { Command } from 'commander';
import { parseText } from './cli-parsers.ts';
import { openRuntime } from './runtime.ts';

export function registerScimCommands(program: Command): void {
  const scimToken = program.command('scim-token').description('Bearer tokens for SCIM clients (identity providers, HR systems) pushing an agency directory to /scim/v2');
  scimToken
    .command('create')
    .description("Create a SCIM client token for one agency and print it (shown once); users it pushes become the agency's SCIM directory")
    .requiredOption('--agency <agency>', 'agency code or id', parseText(100))
    .requiredOption('--name <name>', 'the SCIM client, e.g. "Entra ID"', parseText(200))
    .action(async (options: { agency: string; name: string }) => {
      const runtime = await openRuntime({ logLevel: 'warn' });
      try {
        const agency = await runtime.services.agencies.resolve(runtime.cliContext, options.agency);
        const created = await runtime.services.scimTokens.create(runtime.cliContext, { agencyId: agency.id, name: options.name });
        console.log(created.token);
        console.error(`SCIM token ${created.id} for "${options.name}" in ${agency.code}: use it as "Authorization: Bearer <token>" at ${runtime.config.publicUrl}/scim/v2. It is shown only once.`);
      } finally {
        await runtime.close();
      }
    });
}
