import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { AppEnv } from '../env.ts';

/** Liveness never touches the database; readiness does. */
export function createHealthRoutes(deps: { db: Database }) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      try {
        await sql`select 1`.execute(deps.db);
        return c.json({ status: 'ready' });
      } catch {
        return c.json({ status: 'unavailable', reason: 'database unreachable' }, 503);
      }
    });
}
