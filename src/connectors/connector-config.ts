import type { ApplicationsTable } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { checkScimConfig, keepStoredToken, redactScimConfig } from './scim-client/scim-config.ts';

type ApplicationKind = ApplicationsTable['kind'];

/** Application kinds whose accounts Gatehouse provisions through the outbox. */
export const connectorKinds: readonly ApplicationKind[] = ['scim'];

/** Refuses a config its kind's connector could not work with, naming each field to fix. */
export function assertValidConnectorConfig(kind: ApplicationKind, config: Record<string, unknown>): void {
  if (kind !== 'scim') return;
  const { problems } = checkScimConfig(config);
  if (problems.length > 0) {
    throw new AppError('input.invalid', `The SCIM connector config is not usable: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
  }
}

/** The config with its secrets hidden, for API answers and the audit log. */
export function redactConnectorConfig(kind: ApplicationKind, config: Record<string, unknown>): Record<string, unknown> {
  return kind === 'scim' ? redactScimConfig(config) : config;
}

/** A changed config that carries the redacted secret back keeps the stored secret. */
export function mergeConnectorSecrets(kind: ApplicationKind, next: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  return kind === 'scim' ? keepStoredToken(next, stored) : next;
}
