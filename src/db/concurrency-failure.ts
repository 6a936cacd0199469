/**
 * True when the database gave up on a transaction because a concurrent one held what it needed:
 * a PostgreSQL deadlock victim, serialization failure or lock timeout, or a busy SQLite file.
 * Nothing of it was applied, so the caller may simply try again.
 */
export function isConcurrencyFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return code === '40P01' || code === '40001' || code === '55P03' || code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}
