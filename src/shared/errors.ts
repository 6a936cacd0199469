/** Stable error codes. Each maps to one HTTP status in `statusByCode`. */
export const statusByCode = {
  'request.invalid': 400,
  'request.invalid_json': 400,
  'request.too_large': 413,
  'request.unsupported_media_type': 415,
  'auth.unauthenticated': 401,
  'auth.forbidden': 403,
  'auth.sign_in_failed': 401,
  'auth.locked_out': 429,
  'auth.sso_unmatched': 403,
  'auth.sso_failed': 401,
  'auth.csrf_invalid': 403,
  'console_user.not_found': 404,
  'console_user.duplicate': 409,
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
  'unit.in_use': 409,
  'worker.supervisor_cycle': 409,
  'account.end_dated': 409,
  'account.open_work_items': 409,
  'grant.already_revoked': 409,
  'token.already_revoked': 409,
  'grant.duplicate': 409,
  'grant.self_grant': 403,
  'work_item.duplicate': 409,
  'work_item.owner_disabled': 409,
  'work_item.closed': 409,
  'conflict.version': 409,
  'conflict.concurrent': 409,
  'input.invalid': 422,
  'demo.already_loaded': 409,
  'source.not_found': 404,
  'sync_run.not_found': 404,
  'source.duplicate': 409,
  'sync.already_running': 409,
  'sync.threshold_exceeded': 409,
  'sync.source_invalid': 422,
  'request.not_found': 404,
  'assessment.not_found': 404,
  'request.not_pending': 409,
  'request.sod_conflict': 409,
  'request.justification_required': 422,
  'approval.self_decision': 403,
  'approval.not_approver': 403,
  'approval.already_decided': 409,
  'approval.no_approver': 422,
  'sod_rule.duplicate': 409,
  'delegation.not_found': 404,
  'delegation.ended': 409,
  'acknowledgment.not_self': 403,
  'assessment.already_submitted': 409,
  'assessment.not_in_holding_unit': 409,
  'delivery.not_found': 404,
  'delivery.not_failed': 409,
  'application.no_connector': 409,
  'connector.unavailable': 502,
  'leaver_case.not_found': 404,
  'leaver_case.closed': 409,
  'exception.not_found': 404,
  'exception.not_applicable': 422,
  'leave.not_found': 404,
  'leave.overlap': 409,
  'leave.not_changeable': 409,
  'coverage.not_found': 404,
  'coverage.not_applicable': 422,
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
