import { z } from 'zod';

/** Gatehouse fields a SCIM attribute can be filled from. */
export const sourceFields = ['loginId', 'email', 'firstName', 'lastName', 'fullName', 'workerId', 'externalId', 'accountId', 'jobType', 'unitCode', 'unitName', 'agencyCode'] as const;
export type SourceField = (typeof sourceFields)[number];

/** The SCIM User attributes the client writes; `emails.work` is the primary work email. */
export const targetAttributes = [
  'displayName', 'nickName', 'title', 'userType', 'externalId', 'preferredLanguage', 'locale',
  'name.givenName', 'name.familyName', 'name.formatted', 'emails.work',
] as const;
export type TargetAttribute = (typeof targetAttributes)[number];

export const defaultAttributeMapping: Partial<Record<TargetAttribute, SourceField>> = {
  'name.givenName': 'firstName',
  'name.familyName': 'lastName',
  displayName: 'fullName',
  'emails.work': 'email',
  externalId: 'workerId',
};

const functionCode = z.string().trim().regex(/^[A-Z][A-Z0-9 &/-]{1,63}$/, 'Use a business function code, e.g. "CPS CASEWORKER".');
const mappedValue = z.string().trim().min(1).max(256);

const entitlementsSchema = z
  .strictObject({
    via: z.enum(['groups', 'entitlements', 'roles']),
    groupsBy: z.enum(['id', 'displayName']).default('id'),
    map: z.record(functionCode, mappedValue).refine((map) => Object.keys(map).length <= 500, 'Map at most 500 business functions.').optional(),
  })
  .refine((e) => e.via !== 'groups' || e.map !== undefined, { message: 'Group membership needs a map from business function codes to SCIM groups.', path: ['map'] });

/**
 * The config of an application of kind `scim`. The bearer token is either stored (`token`) or,
 * better, named by `tokenEnv`: the environment variable of the Gatehouse process that holds it.
 */
export const scimConfigSchema = z
  .strictObject({
    baseUrl: z.string().trim().max(2000).url().refine((url) => /^https?:\/\//.test(url), 'The base URL must start with http:// or https://.'),
    token: z.string().trim().min(1).max(4000).optional(),
    tokenEnv: z.string().trim().regex(/^[A-Z_][A-Z0-9_]{0,99}$/, 'Name an environment variable, e.g. "HR_PORTAL_SCIM_TOKEN".').optional(),
    userName: z.enum(['loginId', 'email']).default('loginId'),
    attributes: z.partialRecord(z.enum(targetAttributes), z.enum(sourceFields)).default(defaultAttributeMapping),
    entitlements: entitlementsSchema.optional(),
    onEndDate: z.enum(['delete', 'deactivate']).default('deactivate'),
    maxConcurrency: z.number().int().min(1).max(64).default(4),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    reconcile: z.enum(['report', 'repair']).default('report'),
  })
  .refine((c) => (c.token === undefined) !== (c.tokenEnv === undefined), { message: 'Give exactly one of token and tokenEnv.', path: ['tokenEnv'] });

export type ScimConfig = z.infer<typeof scimConfigSchema>;

export interface ConfigProblem {
  field: string;
  message: string;
}

/** Validates a stored or submitted config; the problems name fields as `config.<path>`. */
export function checkScimConfig(config: unknown): { config: ScimConfig; problems: [] } | { config: null; problems: ConfigProblem[] } {
  const parsed = scimConfigSchema.safeParse(config);
  if (parsed.success) return { config: parsed.data, problems: [] };
  return { config: null, problems: parsed.error.issues.map((issue) => ({ field: ['config', ...issue.path.map(String)].join('.'), message: issue.message })) };
}

const redacted = '[redacted]';

/** The config as shown to people and written to the audit log: a stored token never leaves. */
export function redactScimConfig(config: Record<string, unknown>): Record<string, unknown> {
  return typeof config.token === 'string' ? { ...config, token: redacted } : config;
}

/** An update that sends the redacted token back keeps the stored one. */
export function keepStoredToken(next: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  return next.token === redacted ? { ...next, token: stored.token } : next;
}
