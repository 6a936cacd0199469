import { z } from '@hono/zod-openapi';
import { defaultPageSize, maxPageSize } from '../shared/page.ts';

export const idSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'Must be a Gatehouse id (a lower-case UUID).')
  .openapi({ example: '0192f5e4-8c1a-7b2e-9a31-5d0c2f4e6a10' });

export const idParamSchema = z.strictObject({ id: idSchema.openapi({ param: { name: 'id', in: 'path' } }) });

export const agencyParamSchema = z.strictObject({ agencyId: idSchema.openapi({ param: { name: 'agencyId', in: 'path' } }) });

export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(maxPageSize).default(defaultPageSize).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(500).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
};

export const pageQuerySchema = z.strictObject(pageQueryShape);

export function pageOf<T extends z.ZodTypeAny>(item: T, name: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'worker.not_found' }),
      message: z.string(),
      details: z.unknown(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

const errorContent = { 'application/json': { schema: errorSchema } };

/** The error responses every authenticated route can give. */
export const errorResponses = {
  400: { description: 'Invalid request; `details` lists each field and what to change.', content: errorContent },
  401: { description: 'Missing or invalid API token.', content: errorContent },
  403: { description: 'Your roles do not allow this.', content: errorContent },
  404: { description: 'Not found, or belongs to another agency.', content: errorContent },
  409: { description: 'Conflicts with the current state.', content: errorContent },
  422: { description: 'Well-formed but not acceptable.', content: errorContent },
} as const;

export function jsonBody<T extends z.ZodTypeAny>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

export function jsonResponse<T extends z.ZodTypeAny>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}
