import { listLimits, listResponseSchema } from '../query/list-query.ts';
import type { Json } from '../scim-json.ts';
import type { AttributeDef, ResourceTypeDef, SchemaDef } from './attributes.ts';
import { groupResourceType, groupSchema } from './group-schema.ts';
import { enterpriseSchema, gatehouseSchema, userResourceType, userSchema } from './user-schemas.ts';

/** Bulk limits, advertised and enforced alike. */
export const bulkLimits = { maxOperations: 1000, maxPayloadSize: 1_048_576 } as const;

export const resourceTypes: ResourceTypeDef[] = [userResourceType, groupResourceType];
export const schemas: SchemaDef[] = [userSchema, enterpriseSchema, gatehouseSchema, groupSchema];

/** What this service provider supports, exactly (RFC 7643 §5). */
export function serviceProviderConfig(baseUrl: string): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: true, maxOperations: bulkLimits.maxOperations, maxPayloadSize: bulkLimits.maxPayloadSize },
    filter: { supported: true, maxResults: listLimits.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [{
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'A SCIM client token of one agency, from `gatehouse scim-token create --agency <code> --name <client>`, sent as "Authorization: Bearer <token>".',
      specUri: 'https://www.rfc-editor.org/info/rfc6750',
      primary: true,
    }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypeDocument(type: ResourceTypeDef, baseUrl: string): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema.id,
    schemaExtensions: type.extensions.map((extension) => ({ schema: extension.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.name}` },
  };
}

function attributeDocument(def: AttributeDef): Json {
  const { canonicalValues, referenceTypes, subAttributes, ...rest } = def;
  return {
    ...rest,
    ...(canonicalValues && canonicalValues.length > 0 ? { canonicalValues } : {}),
    ...(referenceTypes ? { referenceTypes } : {}),
    ...(subAttributes ? { subAttributes: subAttributes.map(attributeDocument) } : {}),
  };
}

export function schemaDocument(schema: SchemaDef, baseUrl: string): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

/** A ListResponse of every item, as /Schemas and /ResourceTypes answer. */
export function listOf(items: Json[]): Json {
  return { schemas: [listResponseSchema], totalResults: items.length, itemsPerPage: items.length, startIndex: 1, Resources: items };
}
