import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

/** One field-level problem, as listed in an error's `details`. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The single error shape of the whole API. */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

/**
 * An error that the API answers as is: its status, a stable machine-readable code and
 * a sentence a person can read. Throw it from anywhere in a request.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string, code = 'not_found') => new ApiError(404, code, `${what} not found`);
export const unauthorized = () => new ApiError(401, 'unauthorized', 'Sign in to continue');
export const forbidden = (message = 'You may not do this') => new ApiError(403, 'forbidden', message);

export function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

export function validationError(error: ZodError): ApiError {
  return new ApiError(400, 'validation_failed', 'The request is not valid', zodDetails(error));
}

const GENERIC_CODES: Partial<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function errorResponse(c: Context, error: ApiError): Response {
  const body: ErrorBody = { error: { code: error.code, message: error.message, details: error.details } };
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(body, error.status);
}

/**
 * The app's one error handler. Our own errors and Hono's HTTP errors (malformed JSON,
 * say) keep their status; anything else is logged and answered with a bare 500 that
 * leaks no stack trace.
 */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) return errorResponse(c, error);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const code = GENERIC_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
    return errorResponse(c, new ApiError(status, code, error.message || 'Bad request'));
  }
  console.error('unhandled error', c.req.method, c.req.path, error);
  return errorResponse(c, new ApiError(500, 'internal_error', 'Something went wrong on our side'));
}
