import type { Dispatcher } from 'undici';
import type { ApplicationsTable } from '../db/schema.ts';
import { type Connector, DeliveryRejected } from './connector.ts';
import { checkScimConfig } from './scim-client/scim-config.ts';
import { createScimConnector, openScimHttp } from './scim-client/scim-connector.ts';

export interface OpenedConnector {
  connector: Connector;
  /** How many deliveries to this application may run at once. */
  maxConcurrency: number;
  /** The longest one request to the application may take. */
  timeoutMs: number;
}

export interface ConnectorDeps {
  dispatcher: Dispatcher;
  /** Reads a secret (a token) from the environment variable the config names. */
  secret: (name: string) => string | undefined;
}

/** The connector for an application; throws DeliveryRejected when its config cannot work. */
export function openConnector(application: { kind: ApplicationsTable['kind']; config: string }, deps: ConnectorDeps): OpenedConnector {
  if (application.kind !== 'scim') throw new DeliveryRejected(`Applications of kind ${application.kind} have no connector; nothing can be delivered to them.`);
  const checked = checkScimConfig(JSON.parse(application.config));
  if (!checked.config) {
    throw new DeliveryRejected(`The application's SCIM config is not usable: ${checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}. Fix it, then retry.`);
  }
  const config = checked.config;
  return { connector: createScimConnector(config, openScimHttp(config, deps)), maxConcurrency: config.maxConcurrency, timeoutMs: config.timeoutMs };
}
