import { z } from '@hono/zod-openapi';
import { FilterParser } from 'ldapts';

const attributeNameSchema = z
  .string()
  .trim()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'Use an LDAP attribute name, e.g. "mail" or "sAMAccountName".');

const dnSchema = z
  .string()
  .trim()
  .min(3)
  .max(1000)
  .regex(/^[A-Za-z][A-Za-z0-9-]*=/, 'Use a distinguished name, e.g. "ou=people,dc=example,dc=org".');

function isLdapFilter(filter: string): boolean {
  try {
    FilterParser.parseString(filter);
    return true;
  } catch {
    return false;
  }
}

/** Directory value -> Gatehouse code; values are matched ignoring case, so keys must differ beyond case. */
function valueMapSchema(what: string) {
  return z
    .record(z.string().trim().min(1).max(200), z.string().trim().min(1).max(64))
    .refine((map) => Object.keys(map).length <= 1000, `A ${what} map holds at most 1000 entries.`)
    .refine(
      (map) => new Set(Object.keys(map).map((key) => key.toLowerCase())).size === Object.keys(map).length,
      `Two keys of the ${what} map differ only in case; directory values are matched ignoring case, so keep one.`,
    );
}

/** Which directory attribute feeds each field of a directory record. */
export const ldapAttributeMappingSchema = z
  .strictObject({
    loginId: attributeNameSchema.default('uid').openapi({ description: 'Usually "uid" (OpenLDAP) or "sAMAccountName" (Active Directory).' }),
    email: attributeNameSchema.default('mail'),
    firstName: attributeNameSchema.default('givenName'),
    lastName: attributeNameSchema.default('sn'),
    jobType: attributeNameSchema.default('employeeType').openapi({ description: 'Usually "employeeType" or "title".' }),
    unit: attributeNameSchema.default('ou').openapi({ description: 'Usually "ou" or "department".' }),
    supervisor: attributeNameSchema.default('manager').openapi({ description: "Holds the DN of the worker's supervisor." }),
    externalId: z
      .enum(['entryUUID', 'objectGUID', 'dn'])
      .default('entryUUID')
      .openapi({ description: 'The stable key of an entry: entryUUID (OpenLDAP), objectGUID (Active Directory), or the DN itself (changes on rename).' }),
  })
  .openapi('LdapAttributeMapping');

/** How the reader decides whether a directory entry is an enabled worker. */
export const ldapEnabledRuleSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('always') }),
    z.strictObject({
      kind: z.literal('attributeAbsent'),
      attribute: attributeNameSchema.openapi({ description: 'Disabled when present, e.g. "pwdAccountLockedTime" (OpenLDAP ppolicy) or "nsAccountLock".' }),
    }),
    z.strictObject({
      kind: z.literal('attributeEquals'),
      attribute: attributeNameSchema,
      value: z.string().trim().min(1).max(200).openapi({ description: 'Compared ignoring case with every value of the attribute.' }),
      meaning: z.literal('disabled').default('disabled'),
    }),
    z.strictObject({ kind: z.literal('userAccountControl').openapi({ description: 'Active Directory: disabled when bit 2 (ACCOUNTDISABLE) is set.' }) }),
    z.strictObject({ kind: z.literal('groupMember'), groupDn: dnSchema.openapi({ description: 'Enabled only when a member (member, uniqueMember or memberUid) of this group.' }) }),
  ])
  .openapi('LdapEnabledRule');

export const ldapSourceConfigSchema = z
  .strictObject({
    url: z
      .string()
      .trim()
      .max(500)
      .regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'Use ldap://host:port or ldaps://host:port, e.g. "ldaps://dc1.example.org:636".'),
    bindDn: dnSchema,
    // Not trimmed: a password may begin or end with a space.
    bindPassword: z.string().min(1).max(1000),
    baseDn: dnSchema,
    filter: z
      .string()
      .trim()
      .max(2000)
      .refine(isLdapFilter, 'Use an LDAP filter in parentheses, e.g. "(objectClass=inetOrgPerson)".')
      .default('(objectClass=inetOrgPerson)'),
    pageSize: z.number().int().min(1).max(5000).default(500).openapi({ description: 'Entries per page of the paged search (RFC 2696).' }),
    timeoutMs: z.number().int().min(1000).max(600_000).default(30_000).openapi({ description: 'Time allowed to connect and for each request.' }),
    mapping: ldapAttributeMappingSchema.prefault({}),
    jobTypeMap: valueMapSchema('job type').optional().openapi({ description: 'Directory value -> job type code; without it the value must be a job type code.' }),
    unitMap: valueMapSchema('unit').optional().openapi({ description: 'Directory value -> unit code; without it the value must be a unit code.' }),
    enabledRule: ldapEnabledRuleSchema.default({ kind: 'always' }),
  })
  .openapi('LdapSourceConfig');

export type LdapSourceConfig = z.infer<typeof ldapSourceConfigSchema>;
export type LdapEnabledRule = z.infer<typeof ldapEnabledRuleSchema>;
