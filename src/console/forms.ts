import type { Context } from 'hono';
import { AppError } from '../shared/errors.ts';
import type { z } from 'zod';
import type { ConsoleEnv } from './env.ts';
import type { FieldErrors } from './ui.tsx';

/** The posted form as strings (the CSRF token removed); repeated names become lists. */
export async function formValues(c: Context<ConsoleEnv>): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true });
  const values: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf') continue;
    if (Array.isArray(value)) values[key] = value.filter((v): v is string => typeof v === 'string');
    else if (typeof value === 'string') values[key] = value;
  }
  return values;
}

export function text(values: Record<string, string | string[]>, key: string): string {
  const value = values[key];
  return typeof value === 'string' ? value : '';
}

/** An optional text field: blank means not given. */
export function optional(values: Record<string, string | string[]>, key: string): string | undefined {
  const value = text(values, key).trim();
  return value === '' ? undefined : value;
}

export function list(values: Record<string, string | string[]>, key: string): string[] {
  const value = values[key];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** Runs the API's zod schema over the form; on failure, the first message for each field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** What a refused change says to the person who tried it; anything but a refusal is rethrown. */
export function refusalMessage(error: unknown): string {
  if (error instanceof AppError && error.status < 500) return error.message;
  throw error;
}

/** A refusal shown next to the field it is about (found by its error code), or above the form. */
export function refusalState(error: unknown, fieldByCode: Partial<Record<string, string>>): { errors: FieldErrors } | { message: string } {
  const message = refusalMessage(error);
  const field = error instanceof AppError ? fieldByCode[error.code] : undefined;
  return field ? { errors: { [field]: message } } : { message };
}
