import { attribute, complex, type ResourceTypeDef, type SchemaDef } from './attributes.ts';

const groupSchemaId = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** RFC 7643 §4.2; members are Users of the same agency (groups of groups are not supported). */
export const groupSchema: SchemaDef = {
  id: groupSchemaId,
  name: 'Group',
  description: "A directory group of the agency, usable in the agency's mapping rules (e.g. a group that stands for a job type or a unit).",
  attributes: [
    attribute('displayName', 'The name of the group; unique in the agency, ignoring case.', { required: true, uniqueness: 'server' }),
    complex('members', 'The Users in the group.', [
      attribute('value', 'The id of a User of the same agency.', { caseExact: true, mutability: 'immutable' }),
      attribute('$ref', 'The URI of the member.', { type: 'reference', referenceTypes: ['User'], caseExact: true, mutability: 'immutable' }),
      attribute('display', "The member's displayName, or first and last name.", { mutability: 'readOnly' }),
      attribute('type', 'The type of the member: only "User".', { canonicalValues: ['User'], mutability: 'immutable' }),
    ], { multiValued: true }),
  ],
};

export const groupResourceType: ResourceTypeDef = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Directory groups of the agency the SCIM token belongs to.',
  schema: groupSchema,
  extensions: [],
};
