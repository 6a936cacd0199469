import { randomUUID } from 'node:crypto';
import { createServices, type Services } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { type DatabaseHandle, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { type RequestContext, systemContext } from '../domain/auth/actor.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { createLogger, type Logger } from '../shared/logger.ts';

export interface Runtime {
  config: Config;
  handle: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  services: Services;
  /** The context for what an operator does from the command line. */
  cliContext: RequestContext;
  close(): Promise<void>;
}

/**
 * Opens and migrates the configured database and wires the services, for one CLI command. `server`:
 * the long-running server, which checkpoints SQLite's log off the request thread and maps the file for reads.
 */
export async function openRuntime(options: { logLevel?: string; server?: boolean } = {}): Promise<Runtime> {
  const config = loadConfig();
  const logger = createLogger(options.logLevel ?? config.logLevel);
  const handle = openDatabase({ url: config.databaseUrl, backgroundCheckpoint: options.server, mapForReads: options.server });
  await migrateToLatest(handle.db);
  const clock = systemClock;
  const services = createServices({ db: handle.db, dbKind: handle.kind, clock, logger, dataDir: config.dataDir, secret: config.secret, publicUrl: config.publicUrl });
  return { config, handle, clock, logger, services, cliContext: systemContext(`cli-${randomUUID()}`, 'gatehouse cli'), close: () => handle.destroy() };
}
