import type { ScimGroupService } from './groups/scim-groups.service.ts';
import { readListRequest, readSearchRequest } from './query/list-query.ts';
import { splitAttributeList, type Projection } from './resource/projection.ts';
import type { Preconditions, ScimCall, ScimResult } from './scim-call.ts';
import { ScimError } from './scim-errors.ts';
import type { Json } from './scim-json.ts';
import { groupResourceType } from './schema/group-schema.ts';
import { userResourceType } from './schema/user-schemas.ts';
import type { ScimUserService } from './users/scim-users.service.ts';

/** A request on /Users or /Groups, from HTTP or from one operation of a bulk request. */
export interface ResourceRequest {
  method: string;
  /** `Users`, `Groups`, … as in the path after /scim/v2/. */
  endpoint: string;
  id: string | null;
  query: Record<string, string>;
  body: unknown;
  preconditions: Preconditions;
}

export interface ResourceResponse {
  status: number;
  body?: Json;
  etag?: string;
  location?: string;
}

const methodNotAllowed = (method: string, path: string) => new ScimError(405, null, `${method} is not supported on ${path}.`);

function projectionOf(query: Record<string, string>): Projection {
  return { attributes: splitAttributeList(query.attributes), excludedAttributes: splitAttributeList(query.excludedAttributes) };
}

function answer(result: ScimResult, status = 200): ResourceResponse {
  return { status, body: result.resource, etag: result.etag, location: result.location };
}

export type ScimDispatch = ReturnType<typeof createScimDispatch>;

/** Routes a resource request to the Users or Groups service; the same for HTTP and /Bulk. */
export function createScimDispatch(services: { scimUsers: ScimUserService; scimGroups: ScimGroupService }) {
  return async function dispatch(call: ScimCall, request: ResourceRequest): Promise<ResourceResponse> {
    const service = request.endpoint === 'Users' ? services.scimUsers : request.endpoint === 'Groups' ? services.scimGroups : null;
    const type = request.endpoint === 'Users' ? userResourceType : groupResourceType;
    if (!service) throw new ScimError(404, null, `There is no /${request.endpoint.slice(0, 40)} endpoint; the resource endpoints are /Users and /Groups.`);
    const method = request.method.toUpperCase();
    const path = `/${request.endpoint}${request.id === null ? '' : `/${request.id}`}`;
    const projection = projectionOf(request.query);
    if (request.id === null) {
      if (method === 'GET') return { status: 200, body: await service.list(call, readListRequest(type, request.query)) };
      if (method === 'POST') return answer(await service.create(call, request.body, projection), 201);
      throw methodNotAllowed(method, path);
    }
    if (request.id === '.search') {
      if (method === 'POST') return { status: 200, body: await service.list(call, readSearchRequest(type, request.body)) };
      throw methodNotAllowed(method, path);
    }
    switch (method) {
      case 'GET':
        return answer(await service.get(call, request.id, projection));
      case 'PUT':
        return answer(await service.replace(call, request.id, request.body, request.preconditions, projection));
      case 'PATCH':
        return answer(await service.patch(call, request.id, request.body, request.preconditions, projection));
      case 'DELETE':
        await service.remove(call, request.id, request.preconditions);
        return { status: 204 };
      default:
        throw methodNotAllowed(method, path);
    }
  };
}
