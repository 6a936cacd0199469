import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { AuditLog } from '../../domain/audit/audit.service.ts';
import type { RequestContext } from '../../domain/auth/actor.ts';
import { authorize } from '../../domain/auth/permissions.ts';
import type { Clock } from '../../shared/clock.ts';
import { assertThat } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { findSourceByName, insertSource } from '../../sync/sources/sources.repo.ts';
import { findScimClient, findScimSourceId, insertScimToken, type ScimClient } from './scim-tokens.repo.ts';

/** SCIM tokens look different from API tokens, so neither is ever tried as the other. */
const scimTokenPrefix = 'ghscim_';
const defaultSourceName = 'scim';

function hashScimToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CreatedScimToken {
  id: string;
  /** Shown once; only its hash is stored. */
  token: string;
  agencyId: string;
  sourceId: string;
}

export type ScimTokenService = ReturnType<typeof createScimTokenService>;

export function createScimTokenService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  /**
   * Issues a bearer token for one SCIM client of an agency. The users it pushes become workers of
   * the agency's SCIM directory source, which is created with the first token.
   */
  async function create(ctx: RequestContext, input: { agencyId: string; name: string }): Promise<CreatedScimToken> {
    authorize(ctx.actor, 'tokens.write', input.agencyId, 'agency.not_found', 'agency');
    const name = input.name.trim();
    assertThat(name.length > 0 && name.length <= 200, 'input.invalid', 'Give the SCIM client a name of 1 to 200 characters, e.g. "Entra ID".');
    const token = scimTokenPrefix + randomBytes(32).toString('base64url');
    const id = newId();
    const now = deps.clock.now().toISOString();
    const sourceId = await deps.db.transaction().execute(async (trx) => {
      let source = await findScimSourceId(trx, input.agencyId);
      if (!source) {
        assertThat(!(await findSourceByName(trx, input.agencyId, defaultSourceName)), 'source.duplicate', `The agency has a non-SCIM source named "${defaultSourceName}"; rename it first.`);
        source = newId();
        await insertSource(trx, {
          id: source, agency_id: input.agencyId, name: defaultSourceName, kind: 'scim', config: '{}', schedule: '0 2 * * *', enabled: 1, watermark: null, created_at: now, updated_at: now,
        });
        await deps.audit.record(trx, ctx, [{ action: 'source.created', subjectType: 'source', subjectId: source, agencyId: input.agencyId, after: { name: defaultSourceName, kind: 'scim' } }]);
      }
      await insertScimToken(trx, { id, agency_id: input.agencyId, source_id: source, name, token_hash: hashScimToken(token), created_at: now, revoked_at: null });
      await deps.audit.record(trx, ctx, [{ action: 'scim_token.created', subjectType: 'scim_token', subjectId: id, agencyId: input.agencyId, after: { name, sourceId: source } }]);
      return source;
    });
    return { id, token, agencyId: input.agencyId, sourceId };
  }

  /** The SCIM client behind a bearer token; null when the token is unknown or revoked. */
  async function authenticate(token: string): Promise<ScimClient | null> {
    if (!token.startsWith(scimTokenPrefix) || token.length > 200) return null;
    return (await findScimClient(deps.db, hashScimToken(token))) ?? null;
  }

  return { create, authenticate };
}
