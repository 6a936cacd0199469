import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Role } from '../db/schema.ts';
import { isCalendarDate } from '../shared/dates.ts';
import { openRuntime } from './runtime.ts';

const roles: Role[] = ['state_admin', 'lan_admin', 'security_coordinator', 'auditor', 'worker'];

function parseName(value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > 200) throw new InvalidArgumentError('give a name of 1 to 200 characters.');
  return name;
}

function parseExpiry(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError('give the expiry as a date, YYYY-MM-DD.');
  return `${value}T00:00:00.000Z`;
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('Create a principal with one role and print its API token (shown once)')
    .addOption(new Option('--role <role>', 'the role the token carries').choices(roles).makeOptionMandatory())
    .option('--agency <agency>', 'agency code or id (every role but state_admin)')
    .option('--name <name>', 'who or what the token is for', parseName, 'cli token')
    .option('--expires <date>', 'expiry date, YYYY-MM-DD', parseExpiry)
    .action(async (options: { role: Role; agency?: string; name: string; expires?: string }) => {
      const runtime = await openRuntime({ logLevel: 'warn' });
      try {
        const agency = options.agency ? await runtime.services.agencies.resolve(runtime.cliContext, options.agency) : null;
        const created = await runtime.services.tokens.create(runtime.cliContext, {
          name: options.name, role: options.role, agencyId: agency?.id ?? null, expiresAt: options.expires ?? null,
        });
        console.log(created.token);
        console.error(`Token ${created.id} for ${options.role}${agency ? ` in ${agency.code}` : ' (state-wide)'}${created.expiresAt ? `, expires ${created.expiresAt}` : ''}. It is shown only once.`);
      } finally {
        await runtime.close();
      }
    });
  token
    .command('revoke')
    .description('Revoke an API token at once')
    .argument('<token-id>', 'the id printed when the token was created')
    .action(async (tokenId: string) => {
      const runtime = await openRuntime({ logLevel: 'warn' });
      try {
        await runtime.services.tokens.revoke(runtime.cliContext, tokenId);
        console.log(`Token ${tokenId} revoked.`);
      } finally {
        await runtime.close();
      }
    });
}
