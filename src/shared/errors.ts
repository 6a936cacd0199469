/** Stable error codes. Each maps to one HTTP status in `statusByCode`. */
export const statusByCode = {
  'request.invalid': 400,
  'request.invalid_json': 400,
  'auth.unauthenticated': 401,
  'auth.forbidden': 403,
  'agency.not_found': 404,
  'unit.not_found': 404,
  'worker.not_found': 404,
  'application.not_found': 404,
  'account.not_found': 404,
  'function.not_found': 404,
  'template.not_found': 404,
  'grant.not_found': 404,
  'work_item.not_found': 404,
  'token.not_found': 404,
  'principal.not_found': 404,
  'route.not_found': 404,
  'agency.duplicate': 409,
  'unit.duplicate': 409,
  'worker.duplicate': 409,
  'account.duplicate': 409,
  'function.duplicate': 409,
  'template.duplicate': 409,
  'application.duplicate': 409,
  'unit.has_children': 409,
  'unit.holding_unit_protected': 409,
  'unit.cycle': 409,
  'worker.supervisor_cycle': 409,
  'account.end_dated': 409,
  'account.open_work_items': 409,
  'grant.already_revoked': 409,
  'work_item.closed': 409,
  'conflict.version': 409,
  'input.invalid': 422,
  'internal': 500,
} as const;

export type ErrorCode = keyof typeof statusByCode;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return statusByCode[this.code];
  }
}

/** One-line guard: throws `AppError(code, message)` unless the condition holds. */
export function assertThat(condition: unknown, code: ErrorCode, message: string, details?: unknown): asserts condition {
  if (!condition) throw new AppError(code, message, details);
}
