import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { isConcurrencyFailure } from '../db/concurrency-failure.ts';
import { AppError } from '../shared/errors.ts';
import type { AppEnv } from './env.ts';

export interface ErrorBody {
  error: { code: string; message: string; details: unknown; requestId: string };
}

export function errorBody(error: AppError, requestId: string): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details ?? null, requestId } };
}

/** Normalises anything thrown into an AppError; unknown errors are logged and hidden. */
export function toAppError(error: unknown, logger: Logger, requestId: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException && error.status === 400) {
    return new AppError('request.invalid_json', 'The request body is not valid JSON. Send a JSON object with Content-Type: application/json.');
  }
  if (error instanceof HTTPException && error.status === 415) {
    return new AppError('request.unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.');
  }
  if (isConcurrencyFailure(error)) {
    logger.warn({ err: error, requestId }, 'transaction lost to a concurrent one');
    return new AppError('conflict.concurrent', 'Another change to the same records was made at the same moment, so yours was not applied. Reload and try again.');
  }
  logger.error({ err: error, requestId }, 'unhandled error');
  return new AppError('internal', `Something went wrong on our side. Quote request id ${requestId} when you report it.`);
}

export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context<AppEnv>) => {
    const requestId = c.get('requestId') ?? 'unknown';
    const appError = toAppError(error, logger, requestId);
    return c.json(errorBody(appError, requestId), appError.status as 400);
  };
}
