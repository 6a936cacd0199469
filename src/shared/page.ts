import { AppError } from './errors.ts';

/** Every list is paged; the cursor is opaque to clients. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export const maxPageSize = 500;
export const defaultPageSize = 50;

export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

/** A cursor whose key is two parts joined by `|` (a sort value, then the id); one this list did not give out is refused. */
export function decodeKeyPair(cursor: string | undefined): [string, string] | undefined {
  const text = decodeCursor(cursor);
  if (text === undefined) return undefined;
  const [first, id] = text.split('|');
  if (first && id) return [first, id];
  throw new AppError('request.invalid', 'The cursor is not one this list gave out; start again without it.', [{ field: 'query.cursor', message: 'Unknown cursor.' }]);
}

/** Builds a page from `limit + 1` fetched rows, so the next cursor exists only when more rows do. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
