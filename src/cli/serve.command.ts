import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { createApp } from '../app.ts';
import { openRuntime } from './runtime.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the Gatehouse server (API, SCIM, console) on PORT, default 8080')
    .option('--no-demo', 'do not load the demo agencies into an empty database')
    .action(async (options: { demo: boolean }) => {
      const runtime = await openRuntime();
      const { config, logger } = runtime;
      const { app } = createApp({ db: runtime.handle.db, dbKind: runtime.handle.kind, clock: runtime.clock, logger }, runtime.services);
      const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
        logger.info({ port: info.port, database: runtime.handle.kind }, 'Gatehouse is listening');
        console.log(`\nGatehouse is running at ${config.publicUrl}  (API docs: ${config.publicUrl}/openapi.json)`);
      });
      void options;
      const shutdown = () => {
        server.close(() => {
          void runtime.close().then(() => process.exit(0));
        });
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
