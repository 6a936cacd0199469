import type { CompiledQuery, QueryResult } from 'kysely';
import type { Executor } from './database.ts';
import { runInTransactionDirectly } from './group-commit.ts';

/** Runs a compiled query: straight on the connection of a SQLite transaction, through Kysely otherwise. */
export async function executeCompiled<R>(db: Executor, query: CompiledQuery<R>): Promise<QueryResult<R>> {
  return (await runInTransactionDirectly<R>(db, query)) ?? db.executeQuery<R>(query);
}
