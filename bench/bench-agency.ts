import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { ensureBuiltinApplications } from '../src/domain/applications/applications.service.ts';
import { systemContext } from '../src/domain/auth/actor.ts';
import { systemClock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import { createLogger } from '../src/shared/logger.ts';

/** A fresh SQLite database in a temporary folder with one agency and the given units, for the sync benchmarks. */
export async function createBenchAgency(unitCodes: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-sync-'));
  const dbFile = join(dir, 'bench.sqlite');
  const handle = openDatabase({ url: dbFile });
  await migrateToLatest(handle.db);
  const services = createServices({ db: handle.db, dbKind: handle.kind, clock: systemClock, logger: createLogger('silent'), dataDir: dir });
  const ctx = systemContext('bench-sync');
  const agency = await services.agencies.create(ctx, { code: 'BENCH', name: 'Bench County', kind: 'district', timeZone: 'America/New_York' });
  await handle.db.transaction().execute(async (trx) => {
    await ensureBuiltinApplications(trx, new Date().toISOString());
    const now = new Date().toISOString();
    const units = unitCodes.map((code) => ({
      id: newId(), agency_id: agency.id, parent_id: null, code, name: `Unit ${code}`, site: null, is_holding: 0 as const,
      approver_worker_id: null, created_at: now, updated_at: now,
    }));
    await trx.insertInto('units').values(units).execute();
  });
  return { dir, dbFile, handle, services, ctx, agency };
}

export async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [Number(process.hrtime.bigint() - start) / 1e9, result];
}

export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
