/**
 * The one error shape of the API: `{ error: { code, message, details? } }`.
 * Services throw ApiError; the exception filter renders it (and every other failure) that way.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static badRequest(code: string, message: string, details?: unknown) {
    return new ApiError(400, code, message, details);
  }
  static unauthenticated(message = 'authentication required', code = 'unauthenticated') {
    return new ApiError(401, code, message);
  }
  static forbidden(message = 'not allowed for your role', code = 'forbidden') {
    return new ApiError(403, code, message);
  }
  static notFound(message = 'not found') {
    return new ApiError(404, 'not_found', message);
  }
  static conflict(code: string, message: string) {
    return new ApiError(409, code, message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
