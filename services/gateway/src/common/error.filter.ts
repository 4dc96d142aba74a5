import { IdentityError } from '@nagare/identity';
import { type Logger, SERVICE_LOGGER } from '@nagare/service-kit';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError, type ErrorBody } from './api-error';

const IDENTITY_STATUS: Record<string, number> = {
  invalid_username: 400,
  weak_password: 400,
  invalid_role: 400,
  invalid_argument: 400,
  username_taken: 409,
  last_admin: 409,
  not_found: 404,
};

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export interface RenderedError {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** Maps any thrown value to the API's one error shape. Unknown errors never leak their message. */
export function renderError(err: unknown, logger?: Logger): RenderedError {
  if (err instanceof ApiError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.details !== undefined) body.error.details = err.details;
    return { status: err.status, body, headers: err.headers };
  }
  if (err instanceof IdentityError) {
    return {
      status: IDENTITY_STATUS[err.code] ?? 400,
      body: { error: { code: err.code, message: err.message } },
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const message = status === 404 ? 'no such route' : err.message;
    // Fastify's parser errors arrive wrapped as HttpException (Nest maps FastifyError by status).
    const code =
      status === 400 && /JSON/i.test(err.message)
        ? 'malformed_json'
        : (HTTP_CODES[status] ?? `http_${status}`);
    return { status, body: { error: { code, message } } };
  }
  // Fastify's own errors (body too large, malformed JSON, bad content type) carry a 4xx statusCode.
  const fastifyError = err as { statusCode?: number; code?: string; message?: string };
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    const status = fastifyError.statusCode;
    const code =
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fastifyError.message ?? '')
        ? 'malformed_json'
        : (HTTP_CODES[status] ?? `http_${status}`);
    return { status, body: { error: { code, message: fastifyError.message ?? 'bad request' } } };
  }
  logger?.error({ err }, 'unhandled error');
  return { status: 500, body: { error: { code: 'internal', message: 'internal server error' } } };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(@Inject(SERVICE_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = renderError(exception, this.logger);
    if (headers) reply.headers(headers);
    void reply.code(status).header('cache-control', 'no-store').send(body);
  }
}
