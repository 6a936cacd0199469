import type { TestKit } from './kit.ts';
import { createAgency } from './fixtures.ts';

export const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const enterpriseSchema = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const gatehouseSchema = 'urn:gatehouse:params:scim:schemas:extension:gatehouse:2.0:User';
export const patchOpSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** An agency with a SCIM client token, and a way to call /scim/v2 as that client, in-process. */
export async function createScimClient(kit: TestKit, agencyCode: string) {
  const agency = await createAgency(kit, agencyCode);
  const { token } = await kit.services.scimTokens.create(kit.system, { agencyId: agency.id, name: `${agencyCode} identity provider` });

  /** Sends `body` as application/scim+json unless told otherwise; a string body goes as it is. */
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimResponse> {
    const response = await kit.app.request(`/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  /** Creates a User and returns its id; fails the test on anything but 201. */
  async function createUser(user: Record<string, unknown>): Promise<string> {
    const created = await call('POST', '/Users', { schemas: [userSchema], ...user });
    if (created.status !== 201) throw new Error(`creating ${String(user.userName)} failed: ${JSON.stringify(created.body)}`);
    return created.body.id as string;
  }

  return { agency, token, call, createUser };
}

export type ScimClient = Awaited<ReturnType<typeof createScimClient>>;

/** RFC 7644 §3.3's example User. */
export function bjensen(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { userName: 'bjensen', externalId: 'bjensen', name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' }, ...extra };
}

export function patchOp(...operations: Record<string, unknown>[]): Record<string, unknown> {
  return { schemas: [patchOpSchema], Operations: operations };
}

export function filterQuery(filter: string, extra = ''): string {
  return `?filter=${encodeURIComponent(filter)}${extra}`;
}
