import { z } from '@hono/zod-openapi';
import { isId } from './ids.ts';

/** An id given in a request body, checked for shape before any query. */
export const idValueSchema = z
  .string()
  .trim()
  .max(36)
  .refine(isId, 'Must be a Gatehouse id (a lower-case UUID).')
  .openapi({ example: '0192f5e4-8c1a-7b2e-9a31-5d0c2f4e6a10' });
