import { OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../shared/errors.ts';
import type { AppEnv } from './env.ts';

interface ZodIssueLike {
  path: PropertyKey[];
  message: string;
  code?: string;
  keys?: string[];
}

/** Field-level details for a 400: where, and what to change. */
export function describeIssues(issues: readonly ZodIssueLike[], where: string): { field: string; message: string }[] {
  return issues.flatMap((issue) => {
    const base = [where, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({ field: base ? `${base}.${key}` : key, message: 'Unknown field; remove it.' }));
    }
    return [{ field: base, message: issue.message }];
  });
}

/** A router whose validation failures become `request.invalid` errors with field details. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const target = 'target' in result ? String(result.target) : 'request';
      const details = describeIssues(result.error.issues, target === 'json' ? 'body' : target);
      throw new AppError('request.invalid', `The request is invalid: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
    },
  });
}
