import { AppError, type ErrorCode } from '../shared/errors.ts';

/** True when a database error is a unique-constraint violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Runs a write and turns a unique-constraint violation into `AppError(code, message)`, so two
 * concurrent requests that both passed a duplicate check still get the right answer.
 */
export async function refuseDuplicate<T>(write: Promise<T>, code: ErrorCode, message: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError(code, message);
    throw error;
  }
}
