import { z } from '@hono/zod-openapi';

/** An ISO-8601 instant with its offset, e.g. a grant's validFrom or a query's `at`. */
export const instantSchema = z.iso.datetime({ offset: true, error: 'Must be an ISO-8601 instant, e.g. 2026-03-01T12:00:00Z.' });

/** A query flag: the text true or false, read as a boolean. */
export const booleanQuerySchema = z.enum(['true', 'false']).transform((value) => value === 'true');
