import type { RequestContext } from '../domain/auth/actor.ts';
import { ScimError } from './scim-errors.ts';
import type { Json } from './scim-json.ts';
import type { ScimClient } from './tokens/scim-tokens.repo.ts';

/** One SCIM request as the services see it: who calls, for the audit, and where resources live. */
export interface ScimCall {
  client: ScimClient;
  requestId: string;
  /** `https://host/scim/v2`, for `meta.location` and `$ref`. */
  baseUrl: string;
}

/** If-Match / If-None-Match (RFC 7232), or a bulk operation's `version`. */
export interface Preconditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
}

/** A resource a write or read answers with. */
export interface ScimResult {
  resource: Json;
  etag: string;
  location: string;
}

/**
 * The actor a SCIM client acts as: its token, with the LAN administrator's standing in its agency
 * (registering, changing and disabling directory accounts is that role's work).
 */
export function contextOf(call: ScimCall): RequestContext {
  return {
    actor: { principalId: call.client.tokenId, name: `SCIM client ${call.client.name}`, roles: [{ role: 'lan_admin', agencyId: call.client.agencyId }], workerId: null },
    requestId: call.requestId,
  };
}

function tagsOf(header: string): string[] {
  return header.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
}

/** Whether an If-None-Match header matches: weak comparison, `*` matches any. */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const strip = (tag: string) => tag.replace(/^W\//, '');
  return tagsOf(header).some((tag) => tag === '*' || strip(tag) === strip(etag));
}

/** Throws 412 unless the request's preconditions hold for a resource at `etag` (strong comparison for If-Match). */
export function assertPreconditions(etag: string, preconditions: Preconditions): void {
  const { ifMatch, ifNoneMatch } = preconditions;
  if (ifMatch !== undefined && !tagsOf(ifMatch).some((tag) => tag === '*' || tag === etag)) {
    throw new ScimError(412, null, `The resource is at version ${etag}, not ${ifMatch}: it changed since you read it. Read it again and retry.`);
  }
  if (noneMatchHits(ifNoneMatch, etag)) throw new ScimError(412, null, `The resource is at version ${etag}, which If-None-Match excludes.`);
}

/** Raised when a row changed between read and write; the caller retries or answers 412/409. */
export class ConcurrentChange extends Error {
  constructor() {
    super('The resource changed while this request was being applied.');
    this.name = 'ConcurrentChange';
  }
}

/** Runs `attempt` again (up to three times) when a concurrent write got in between, unless the client pinned a version. */
export async function retryOnConcurrentChange<T>(preconditions: Preconditions, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentChange)) throw error;
      if (preconditions.ifMatch !== undefined) throw new ScimError(412, null, 'The resource changed while your request was applied; read it again and retry.');
      if (tries >= 3) throw new ScimError(409, null, 'The resource keeps changing under concurrent requests; retry later.');
    }
  }
}
