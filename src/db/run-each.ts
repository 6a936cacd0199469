import type { Database, Executor } from './database.ts';

/**
 * Runs `work` for every item, one after another, so one item that fails (a bad row, a bug) does
 * not hold back the rest; afterwards the first failure is thrown for the timer to log.
 */
export async function runEach<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const failures: unknown[] = [];
  for (const item of items) {
    try {
      await work(item);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} items failed; each is retried on the next tick.`);
}

/** `runEach` with every item in its own transaction: a failure rolls back that item alone. */
export async function runEachInTransaction<T>(db: Database, items: readonly T[], work: (trx: Executor, item: T) => Promise<void>): Promise<void> {
  await runEach(items, (item) => db.transaction().execute((trx) => work(trx, item)));
}
