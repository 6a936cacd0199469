import type { Insertable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { UnitsTable } from '../../db/schema.ts';

export async function insertUnit(db: Executor, row: Insertable<UnitsTable>): Promise<void> {
  await db.insertInto('units').values(row).execute();
}
