import type { Insertable } from 'kysely';
import { queryRows } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/database.ts';
import type { ScimTokensTable } from '../../db/schema.ts';

/** A SCIM client as its token identifies it: the agency whose directory it pushes. */
export interface ScimClient {
  tokenId: string;
  name: string;
  agencyId: string;
  agencyCode: string;
  sourceId: string;
}

export async function insertScimToken(db: Executor, row: Insertable<ScimTokensTable>): Promise<void> {
  await db.insertInto('scim_tokens').values(row).execute();
}

const clientByHashText = `select t.id as "tokenId", t.name, t.agency_id as "agencyId", a.code as "agencyCode", t.source_id as "sourceId"
  from scim_tokens t join agencies a on a.id = t.agency_id where t.token_hash = ? and t.revoked_at is null`;

/** The client behind a live token, with its agency's code, in one prepared statement (every SCIM request asks). */
export async function findScimClient(db: Executor, tokenHash: string): Promise<ScimClient | undefined> {
  return (await queryRows<ScimClient>(db, clientByHashText, [tokenHash]))[0];
}

/** The agency's SCIM directory source: the oldest source of kind scim. */
export async function findScimSourceId(db: Executor, agencyId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('sync_sources')
    .select('id')
    .where('agency_id', '=', agencyId)
    .where('kind', '=', 'scim')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
