import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { SyncSourcesTable } from '../../db/schema.ts';
import type { DirectorySource } from './sources.schemas.ts';

type SourceRow = SyncSourcesTable;

function toSource(row: SourceRow): DirectorySource {
  return {
    id: row.id, agencyId: row.agency_id, name: row.name, kind: row.kind, config: JSON.parse(row.config) as Record<string, unknown>,
    schedule: row.schedule, enabled: row.enabled === 1, watermark: row.watermark, createdAt: row.created_at,
  };
}

export async function insertSource(db: Executor, row: Insertable<SyncSourcesTable>): Promise<void> {
  await db.insertInto('sync_sources').values(row).execute();
}

export async function findSource(db: Executor, id: string): Promise<DirectorySource | undefined> {
  const row = await db.selectFrom('sync_sources').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSource(row);
}

export async function findSourceByName(db: Executor, agencyId: string, name: string): Promise<DirectorySource | undefined> {
  const row = await db.selectFrom('sync_sources').selectAll().where('agency_id', '=', agencyId).where('name', '=', name).executeTakeFirst();
  return row && toSource(row);
}

export async function listSources(db: Executor, filter: { agencyIds: 'all' | string[]; enabledOnly?: boolean }): Promise<DirectorySource[]> {
  if (filter.agencyIds !== 'all' && filter.agencyIds.length === 0) return [];
  let q = db.selectFrom('sync_sources').selectAll();
  if (filter.agencyIds !== 'all') q = q.where('agency_id', 'in', filter.agencyIds);
  if (filter.enabledOnly) q = q.where('enabled', '=', 1);
  return (await q.orderBy('agency_id').orderBy('name').limit(1000).execute()).map(toSource);
}

export async function updateSourceWatermark(db: Executor, id: string, watermark: string, at: string): Promise<void> {
  await db.updateTable('sync_sources').set({ watermark, updated_at: at }).where('id', '=', id).execute();
}
