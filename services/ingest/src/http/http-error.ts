/** A refusal the HTTP layer turns into `{ error: { code, message } }` with this status. */
export class IngestHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status for each rejection code. */
export function statusForCode(code: string): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'HOST_MISMATCH':
    case 'AGENT_MISMATCH':
    case 'COMMAND_MISMATCH':
    case 'TOKEN_INVALID':
    case 'TOKEN_USED':
    case 'TOKEN_EXPIRED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'STALE_TIMESTAMP':
    case 'FUTURE_TIMESTAMP':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'UNAVAILABLE':
      return 503;
    default:
      return 400;
  }
}
