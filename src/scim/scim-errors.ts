import { ScimFilterError } from './filter/ast.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';
import { AppError } from '../shared/errors.ts';

export const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The `scimType` values of RFC 7644 §3.12 that Gatehouse answers with. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue';

/** An error a SCIM client sees as `{schemas, status, scimType, detail}`. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | null,
    detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

export const invalidValue = (detail: string) => new ScimError(400, 'invalidValue', detail);
export const invalidSyntax = (detail: string) => new ScimError(400, 'invalidSyntax', detail);
export const notFound = (what: 'User' | 'Group' | 'Schema' | 'ResourceType', id: string) =>
  new ScimError(404, null, `No ${what} with id "${id.slice(0, 100)}" here.`);

/** The wire form of an error; `status` is a string, as in RFC 7644's examples. */
export function scimErrorBody(error: ScimError): Record<string, unknown> {
  return { schemas: [errorSchema], status: String(error.status), ...(error.scimType ? { scimType: error.scimType } : {}), detail: error.message };
}

/**
 * Any error thrown while serving SCIM, as a ScimError. Returns null for an error nobody
 * anticipated: the caller logs it and answers 500 without its text.
 */
export function toScimError(error: unknown): ScimError | null {
  if (error instanceof ScimError) return error;
  if (error instanceof ScimFilterError) return new ScimError(400, error.scimType, error.message);
  if (!(error instanceof AppError)) return null;
  if (error.code === 'internal') return null;
  if (error.code.endsWith('.not_found')) return new ScimError(404, null, error.message);
  if (error.code.endsWith('.duplicate')) return new ScimError(409, 'uniqueness', error.message);
  if (error.code === 'input.invalid' || error.code === 'request.invalid') return invalidValue(error.message);
  return new ScimError(error.status, null, error.message);
}

/** Runs a write and answers a unique-constraint violation as 409 uniqueness with `detail`. */
export async function refuseScimDuplicate<T>(write: Promise<T>, detail: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ScimError(409, 'uniqueness', detail);
    throw error;
  }
}
